"""What the API answers outside its operations: an unknown address under /api/ is a problem+json 404."""

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .problems import plain_problem


@csrf_exempt
def not_found(request, *args, **kwargs):
    return plain_problem(404, _("Không có địa chỉ này trong API."), code="no-such-endpoint")
