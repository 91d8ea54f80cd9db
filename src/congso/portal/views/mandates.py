"""“Ủy quyền và đại diện”, in the person's account area: the businesses they legally represent and
the mandates they grant and revoke for them, the mandates they received, and their minor children.
The rules (who may grant, revoke, act) are ``identity.mandates.services``; these views only ask and
show. Every page works without JavaScript; every change is a CSRF-protected POST."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from congso.catalog import services as catalog_services
from congso.identity.mandates import services as mandates


class BusinessForm(forms.Form):
    tax_code = forms.CharField(
        label=gettext_lazy("Mã số thuế (mã số doanh nghiệp)"),
        max_length=14,
        help_text=gettext_lazy(
            "Cổng dịch vụ công đối chiếu với Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--medium"}),
    )


class ChildForm(forms.Form):
    national_id = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân của con"),
        max_length=12,
        help_text=gettext_lazy(
            "Cổng dịch vụ công đối chiếu với Cơ sở dữ liệu quốc gia về dân cư (hộ gia đình của bạn)."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--medium"}),
    )


class GrantForm(forms.Form):
    agent_national_id = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân của người được ủy quyền"),
        max_length=12,
        help_text=gettext_lazy("Người này cần có tài khoản trên Cổng dịch vụ công."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--medium"}),
    )
    procedure_codes = forms.CharField(
        label=gettext_lazy("Mã các thủ tục được nộp thay"),
        required=False,
        help_text=gettext_lazy(
            "Cách nhau bằng dấu phẩy, ví dụ 2.000815, 1.001612. Để trống: mọi thủ tục hành chính."
        ),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Hiệu lực đến hết ngày"),
        required=False,
        help_text=gettext_lazy("Để trống: đến khi bạn thu hồi."),
        widget=forms.DateInput(attrs={"type": "date", "class": "input--medium"}),
    )

    def clean_procedure_codes(self):
        codes = [c.strip() for c in self.cleaned_data["procedure_codes"].split(",") if c.strip()]
        for code in codes:
            try:
                catalog_services.get_procedure(code)
            except catalog_services.ProcedureNotAvailable as exc:
                raise ValidationError(str(exc)) from None
        return codes

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day is not None and day < timezone.localdate():
            raise ValidationError(_("Ngày hết hiệu lực không được ở trong quá khứ."))
        return day


def _summary(*forms_with_errors):
    summary = []
    for form in forms_with_errors:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            anchor = f"#{form[name].auto_id}" if name in form.fields else ""
            summary += [{"href": anchor, "message": error} for error in errors]
    return summary


def _context(request, business_form=None, child_form=None):
    person = request.user
    represented = mandates.businesses_represented_by(person)
    return {
        "businesses": [(business, list(mandates.mandates_of(business))) for business in represented],
        "received": list(mandates.mandates_received(person)),
        "children": list(mandates.children_of(person)),
        "business_form": business_form or BusinessForm(),
        "child_form": child_form or ChildForm(),
        "today": timezone.localdate(),
        "error_summary": _summary(business_form, child_form),
    }


@login_required
@never_cache
@require_http_methods(["GET"])
def overview(request):
    return render(request, "portal/mandates/overview.html", _context(request))


@login_required
@require_POST
def add_business(request):
    form = BusinessForm(request.POST)
    if form.is_valid():
        try:
            business = mandates.register_business(request.user, form.cleaned_data["tax_code"])
        except ValidationError as exc:
            form.add_error("tax_code", exc.messages[0])
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": business.name})
            return redirect("portal:mandates")
    return render(request, "portal/mandates/overview.html", _context(request, business_form=form), status=400)


@login_required
@require_POST
def add_child(request):
    form = ChildForm(request.POST)
    if form.is_valid():
        try:
            guardianship = mandates.add_child(request.user, form.cleaned_data["national_id"])
        except ValidationError as exc:
            form.add_error("national_id", exc.messages[0])
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": guardianship.ward_name})
            return redirect("portal:mandates")
    return render(request, "portal/mandates/overview.html", _context(request, child_form=form), status=400)


def _represented_business(request, tax_code):
    """The business ``tax_code`` if the signed-in person legally represents it; 404 otherwise (the
    page does not say whether the business is registered)."""
    business = mandates.represented_business(request.user, tax_code)
    if business is None:
        raise Http404(_("Không tìm thấy doanh nghiệp, tổ chức."))
    return business


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def grant(request, tax_code):
    business = _represented_business(request, tax_code)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mandate = mandates.grant_mandate(
                business,
                by=request.user,
                agent_national_id=form.cleaned_data["agent_national_id"],
                procedure_codes=form.cleaned_data["procedure_codes"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Đã ủy quyền cho %(agent)s nộp hồ sơ thay %(business)s.")
                % {"agent": mandate.agent.get_full_name(), "business": business.name},
            )
            return redirect("portal:mandates")
    return render(
        request,
        "portal/mandates/grant.html",
        {"business": business, "form": form, "error_summary": _summary(form)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def revoke(request, mandate_id):
    mandate = mandates.mandate_for(request.user, mandate_id)
    if mandate is None:
        raise Http404(_("Không tìm thấy ủy quyền."))
    try:
        mandates.revoke_mandate(mandate, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Đã thu hồi ủy quyền của %(agent)s đối với %(business)s.")
            % {"agent": mandate.agent.get_full_name(), "business": mandate.business.name},
        )
    return redirect("portal:mandates")
