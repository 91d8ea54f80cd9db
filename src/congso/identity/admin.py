"""Administration of user accounts and of sign-in lockouts.

The user list shows national IDs masked to their last 4 digits (personal data minimisation); the
change page shows the full number. Add and change forms run ``User.clean()`` (a citizen needs a
national ID, a business representative a tax code). Lifting a lockout is audited, whether from the
user list or from django-axes's list of failed sign-ins, which this module re-registers for that reason.

Who sees which accounts is ``agencies.services.users_in_scope``: an agency administrator manages only
the officials of the agencies they administer (never staff, superusers, citizens), a platform
administrator every account but a superuser's. The superuser flag, the staff flag, groups and model
permissions are shown and changed only by a superuser.
"""

# Importing axes.admin registers axes's model admins now, before this module replaces one of them
# (this app comes before axes in INSTALLED_APPS, so admin autodiscovery would reach it later).
import axes.admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from congso.agencies import services as agency_services
from congso.core import audit

from .models import User, UserKind
from .services import normalise_sign_in_identifier, sign_in_lock, unlock_sign_in


class UserAddForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = (
            "username",
            "kind",
            "full_name",
            "national_id",
            "tax_code",
            "organisation_name",
            "email",
            "phone",
        )


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        # Named one by one: a field added to the model later is not editable here until someone decides.
        fields = (
            "username",
            "password",
            "kind",
            "full_name",
            "national_id",
            "date_of_birth",
            "email",
            "phone",
            "tax_code",
            "organisation_name",
            "assurance_level",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


def _without_superuser_fields(fieldsets):
    """``fieldsets`` without the fields only a superuser may see; a section left empty is dropped."""
    hidden = set(agency_services.SUPERUSER_ONLY_USER_FIELDS)
    kept = []
    for name, options in fieldsets:
        fields = [field for field in options["fields"] if field not in hidden]
        if fields:
            kept.append((name, {**options, "fields": tuple(fields)}))
    return tuple(kept)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    agency_scoped = True
    form = UserEditForm
    add_form = UserAddForm

    list_display = (
        "username",
        "full_name",
        "kind",
        "national_id_last_digits",
        "assurance_level",
        "is_active",
    )
    list_filter = ("kind", "is_active", "assurance_level", "is_staff", "is_superuser")
    # National ID by exact match only: the list hides it, a partial search would let one guess it.
    search_fields = ("username", "full_name", "=national_id", "^tax_code")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined", "sign_in_lock_status")
    actions = ["unlock_sign_in_action"]

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": ("kind", "full_name", "national_id", "date_of_birth", "email", "phone")},
        ),
        (_("Doanh nghiệp, tổ chức"), {"fields": ("tax_code", "organisation_name")}),
        (_("Xác thực và đăng nhập"), {"fields": ("assurance_level", "sign_in_lock_status")}),
        (
            _("Quyền hạn"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (
            _("Thông tin cá nhân"),
            {"fields": ("kind", "full_name", "national_id", "email", "phone")},
        ),
        (_("Doanh nghiệp, tổ chức"), {"fields": ("tax_code", "organisation_name")}),
    )

    @admin.display(description=_("Số định danh cá nhân"))
    def national_id_last_digits(self, obj):
        return obj.masked_national_id

    @admin.display(description=_("Khóa đăng nhập"))
    def sign_in_lock_status(self, obj):
        if obj.pk is None:
            return ""
        lock = sign_in_lock(obj.get_username())
        if lock is None:
            return gettext("Không bị khóa")
        if lock.until is None:
            return gettext(
                "Đang bị khóa sau %(failures)d lần đăng nhập sai, đến khi quản trị viên mở khóa."
            ) % {"failures": lock.failures}
        return gettext("Đang bị khóa sau %(failures)d lần đăng nhập sai, chậm nhất đến %(until)s.") % {
            "failures": lock.failures,
            "until": formats.localize(timezone.localtime(lock.until)),
        }

    @admin.action(description=_("Mở khóa đăng nhập cho các tài khoản đã chọn"), permissions=["change"])
    def unlock_sign_in_action(self, request, queryset):
        for user in queryset:
            unlock_sign_in(user.get_username(), subject=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Đã mở khóa đăng nhập cho %(count)d tài khoản.",
                "Đã mở khóa đăng nhập cho %(count)d tài khoản.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        scope = agency_services.admin_scope_for_request(request)
        return agency_services.users_in_scope(scope, super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return _without_superuser_fields(fieldsets)

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return self.list_filter
        return tuple(f for f in self.list_filter if f not in agency_services.SUPERUSER_ONLY_USER_FIELDS)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind" and not agency_services.admin_scope_for_request(request).is_platform:
            # An agency administrator creates and keeps officials' accounts only.
            kwargs["choices"] = [(UserKind.OFFICIAL.value, UserKind.OFFICIAL.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _in_scope(self, request, obj) -> bool:
        if obj is None:
            return agency_services.admin_scope_for_request(request).is_admin
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        scope = agency_services.admin_scope_for_request(request)
        return scope.is_admin and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._in_scope(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request, obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return self._in_scope(request, None) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting an account removes its history of memberships: the platform's decision only.
        scope = agency_services.admin_scope_for_request(request)
        return (
            scope.is_platform and self._in_scope(request, obj) and super().has_delete_permission(request, obj)
        )

    def get_search_results(self, request, queryset, search_term):
        # A national ID copied with spaces or dots still finds its account.
        return super().get_search_results(request, queryset, normalise_sign_in_identifier(search_term))


class AuditedAccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes's list of failed sign-ins. Deleting rows lifts lockouts, so each deletion is audited."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._record_unlock(request, [obj])

    def delete_queryset(self, request, queryset):
        attempts = list(queryset)
        super().delete_queryset(request, queryset)
        self._record_unlock(request, attempts)

    @staticmethod
    def _record_unlock(request, attempts):
        for attempt in attempts:
            audit.record(
                "identity.unlock",
                actor=request.user,
                changes={
                    "username": attempt.username or "",
                    "ip_address": attempt.ip_address,
                    "attempts_removed": 1,
                },
            )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AuditedAccessAttemptAdmin)


# --- Officials' second factor (identity.second_factor) ----------------------------------------------------
# django-otp's own admin shows and edits the TOTP secret and its QR code: nobody but the official may see
# it. Importing its module registers it now, so that it can be replaced here (as for axes above).
import django_otp.plugins.otp_totp.admin  # noqa: E402,F401
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from .models import RecoveryCode  # noqa: E402


class SecondFactorDeviceAdmin(admin.ModelAdmin):
    """Officials' authenticators, without their secrets. The one thing to do here is a reset: deleting an
    official's authenticator (and their recovery codes) makes them enrol again at their next sign-in —
    for a lost phone after the recovery codes are used up. Each reset is audited."""

    list_display = ["user", "name", "confirmed"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._reset([obj])

    def delete_queryset(self, request, queryset):
        self._reset(list(queryset))

    @staticmethod
    def _reset(devices):
        for device in devices:
            user = device.user
            RecoveryCode.objects.filter(user=user).delete()
            device.delete()
            audit.record("identity.second_factor.reset", user, changes={"device": device.name})


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecondFactorDeviceAdmin)
from .mandates import admin as mandates_admin  # noqa: E402, F401  (businesses, mandates, parents)
from .oidc import admin as oidc_admin  # noqa: E402, F401  (the OpenID Connect clients' pages)
