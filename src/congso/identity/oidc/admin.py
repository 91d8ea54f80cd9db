"""The platform administrator registers OpenID Connect clients on the toolkit's application page,
with congso's profile inline (owner agency, national ID entitlement, back-channel logout URI). A new
client is announced to the LGSP (``services.client_registered``). Platform-only, like every page that
does not declare itself agency-scoped (``agencies.admin_site``)."""

# Importing the toolkit's admin registers its pages now, before this module replaces one of them.
import oauth2_provider.admin as oauth_admin
from django.contrib import admin
from django.db import models
from oauth2_provider.models import get_application_model

from . import services
from .models import ClientProfile


class ClientProfileInline(admin.StackedInline):
    model = ClientProfile
    can_delete = False
    min_num = 1
    max_num = 1
    fields = ("owner_agency", "system_code", "may_receive_national_id", "backchannel_logout_uri")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ApplicationAdmin(oauth_admin.ApplicationAdmin):
    inlines = [ClientProfileInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.client_registered(form.instance, by=request.user)


Application = get_application_model()
if admin.site.is_registered(Application):
    admin.site.unregister(Application)
admin.site.register(Application, ApplicationAdmin)
