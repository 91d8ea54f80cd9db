"""The admin site (/quan-tri/) with congso's entry rule and default-deny for agency administrators.

Who may enter and what each administrator reaches is decided in ``permissions.py``. This module applies
it to every registered admin page, congso's and third-party ones alike:

- the site admits only active staff accounts that administer something (superuser, platform or agency
  administrator); a staff account with model permissions but no such role is turned away;
- a page is **platform-only** (superusers and platform administrators) unless its admin class declares
  ``agency_scoped = True``; such a class takes on the duty of narrowing its lists, forms and object
  permissions with ``permissions.admin_scope_for_request``. A page added later is therefore closed to
  agency administrators until someone decides what they may see on it;
- groups of model permissions are superuser-only, like the user fields that hand them out.
"""

from django.contrib import admin

from .permissions import admin_scope_for_request, may_enter_admin


class PlatformOnlyAdmin:
    """Mixed in front of every admin class that is not agency-scoped: no access below the platform."""

    def _platform(self, request) -> bool:
        return admin_scope_for_request(request).is_platform

    def has_module_permission(self, request):
        return self._platform(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._platform(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._platform(request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._platform(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._platform(request) and super().has_delete_permission(request, obj)


class SuperuserOnlyAdmin(PlatformOnlyAdmin):
    """For pages that hand out model permissions: nobody below a superuser."""

    def _platform(self, request) -> bool:
        return admin_scope_for_request(request).is_superuser


# Models whose pages only a superuser reaches (``app_label.model_name``).
SUPERUSER_ONLY_MODELS = frozenset({"auth.group", "auth.permission"})


def platform_only(admin_class):
    """``admin_class`` itself when it is agency-scoped, otherwise a subclass closed below the platform."""
    if getattr(admin_class, "agency_scoped", False) or issubclass(admin_class, PlatformOnlyAdmin):
        return admin_class
    return type(
        admin_class.__name__,
        (PlatformOnlyAdmin, admin_class),
        {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
    )


class CongsoAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return may_enter_admin(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models:
            if model._meta.label_lower in SUPERUSER_ONLY_MODELS:
                guarded = type(
                    admin_class.__name__,
                    (SuperuserOnlyAdmin, admin_class),
                    {"__module__": admin_class.__module__},
                )
            else:
                guarded = platform_only(admin_class)
            super().register(model, guarded, **options)
