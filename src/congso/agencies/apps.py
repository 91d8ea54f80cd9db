from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "congso.agencies"
    label = "agencies"
    verbose_name = _("Cơ quan, đơn vị hành chính")
