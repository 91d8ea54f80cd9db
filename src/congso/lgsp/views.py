"""The service catalogue in the officers' workspace (/can-bo/lgsp/): search services, read a service's
OpenAPI document laid out server-side, see who may call it; and, for the owner's administrators,
register systems and services, upload versions, open or close endpoints, create credentials, grant
and revoke access. Who may do what is ``lgsp.permissions``; every change goes through ``lgsp.services``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congso.agencies.models import Agency
from congso.workspace.permissions import workspace_required

from . import openapi, permissions, services
from .forms import GrantForm, OpenAPIUploadForm, ServiceForm, SystemForm
from .models import AccessRight, ConsumerCredential, Endpoint, EventType, Service, System

NOT_ALLOWED = gettext_lazy(
    "Chỉ quản trị viên của cơ quan chủ quản hệ thống (hoặc quản trị nền tảng) được thực hiện việc này."
)


def _refuse(request):
    return render(request, "403.html", {"reason": NOT_ALLOWED}, status=403)


def _errors(*forms_) -> list[dict]:
    summary = []
    for form in forms_:
        for name, errors in form.errors.items():
            href = f"#{form[name].auto_id}" if name in form.fields else ""
            summary.extend({"href": href, "message": message} for message in errors)
    return summary


@workspace_required
def catalogue(request):
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(services.search_services(query), 25).get_page(request.GET.get("page"))
    systems = System.objects.select_related("member", "owner_agency").order_by("name")
    return render(
        request,
        "lgsp/catalogue.html",
        {
            "query": query,
            "page_obj": page,
            "systems": systems,
            "event_types": EventType.objects.select_related("publisher").order_by("code"),
            "can_register": permissions.can_register_systems(request.user),
        },
    )


def _service(pk) -> Service:
    return get_object_or_404(
        Service.objects.select_related("system__member", "system__owner_agency", "current_version"), pk=pk
    )


@workspace_required
def service_detail(request, pk):
    service = _service(pk)
    version = service.current_version
    can_manage = permissions.can_manage_service(request.user, service)
    return render(
        request,
        "lgsp/service_detail.html",
        {
            "service": service,
            "version": version,
            "operations": openapi.layout(version.openapi) if version else [],
            "endpoints": list(version.endpoints.all()) if version else [],
            "rights": services.rights_of(service),
            "versions": service.versions.all(),
            "can_manage": can_manage,
            "health": services.health_by_service([service.pk]).get(service.pk),
            "can_monitor": permissions.can_monitor_service(request.user, service),
            "grant_form": GrantForm(service=service) if can_manage else None,
            "version_form": OpenAPIUploadForm() if can_manage else None,
        },
    )


@workspace_required
def system_register(request):
    if not permissions.can_register_systems(request.user):
        return _refuse(request)
    agencies = permissions.registrable_agencies(request.user, Agency.objects.valid_on().order_by("code"))
    form = SystemForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_for_agency(data["owner_agency"], by=request.user)
            system = services.register_system(
                member,
                data["code"],
                data["name"],
                owner_agency=data["owner_agency"],
                serves_public=data["serves_public"],
                description=data["description"],
                by=request.user,
            )
        except services.RegistryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã đăng ký hệ thống %(name)s.") % {"name": system.name})
            return redirect("lgsp_ws:system", pk=system.pk)
    return render(
        request, "lgsp/system_register.html", {"form": form, "errors": _errors(form) if form.is_bound else []}
    )


def _system(pk) -> System:
    return get_object_or_404(System.objects.select_related("member", "owner_agency"), pk=pk)


@workspace_required
def system_detail(request, pk):
    system = _system(pk)
    can_manage = permissions.can_manage_system(request.user, system)
    return render(
        request,
        "lgsp/system_detail.html",
        {
            "system": system,
            "services": system.services.select_related("current_version"),
            "credentials": system.credentials.all() if can_manage else [],
            "can_manage": can_manage,
        },
    )


@workspace_required
def service_register(request, pk):
    system = _system(pk)
    if not permissions.can_manage_system(request.user, system):
        return _refuse(request)
    form = ServiceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = services.register_service(
                system,
                data["code"],
                data["name"],
                data["upstream_url"],
                description=data["description"],
                health_path=data["health_path"],
                openapi_document=form.document,
                by=request.user,
            )
        except services.RegistryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã đăng ký dịch vụ %(name)s.") % {"name": service.name})
            return redirect("lgsp_ws:service", pk=service.pk)
    return render(
        request,
        "lgsp/service_register.html",
        {"system": system, "form": form, "errors": _errors(form) if form.is_bound else []},
    )


@require_POST
@workspace_required
def version_upload(request, pk):
    service = _service(pk)
    if not permissions.can_manage_service(request.user, service):
        return _refuse(request)
    form = OpenAPIUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.register_service_version(service, form.document, by=request.user)
        except services.RegistryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã công bố phiên bản %(version)s.") % {"version": version.version})
    else:
        for message in form.errors.get("openapi_file", []):
            messages.error(request, message)
    return redirect("lgsp_ws:service", pk=service.pk)


@require_POST
@workspace_required
def endpoint_toggle(request, pk):
    endpoint = get_object_or_404(Endpoint.objects.select_related("version__service__system"), pk=pk)
    service = endpoint.version.service
    if not permissions.can_manage_service(request.user, service):
        return _refuse(request)
    services.set_endpoint_enabled(endpoint, not endpoint.enabled, by=request.user)
    return redirect("lgsp_ws:service", pk=service.pk)


@require_POST
@workspace_required
def grant(request, pk):
    service = _service(pk)
    if not permissions.can_grant(request.user, service):
        return _refuse(request)
    form = GrantForm(request.POST, service=service)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_access(
                service,
                system=data["system"],
                group=data["group"],
                method=data["method"],
                path=data["path"],
                valid_to=data.get("valid_until"),
                by=request.user,
            )
        except services.RegistryError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã cấp quyền truy cập."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("lgsp_ws:service", pk=service.pk)


@require_POST
@workspace_required
def revoke(request, pk):
    right = get_object_or_404(AccessRight.objects.select_related("service__system"), pk=pk)
    if not permissions.can_grant(request.user, right.service):
        return _refuse(request)
    services.revoke_access(right, by=request.user)
    messages.success(request, _("Đã thu hồi quyền truy cập."))
    return redirect("lgsp_ws:service", pk=right.service_id)


@require_POST
@workspace_required
def credential_create(request, pk):
    system = _system(pk)
    if not permissions.can_manage_credentials(request.user, system):
        return _refuse(request)
    issued = services.create_credential(system, by=request.user)
    return _show_secret(request, system, issued)


@require_POST
@workspace_required
def credential_rotate(request, pk):
    credential = get_object_or_404(ConsumerCredential.objects.select_related("system__member"), pk=pk)
    if not permissions.can_manage_credentials(request.user, credential.system):
        return _refuse(request)
    issued = services.rotate_credential(credential, by=request.user)
    return _show_secret(request, credential.system, issued)


def _show_secret(request, system, issued):
    # Rendered directly (never redirected to, never stored): the only time the secret is shown.
    return render(
        request,
        "lgsp/credential_secret.html",
        {"system": system, "client_id": issued.credential.client_id, "secret": issued.secret},
    )
