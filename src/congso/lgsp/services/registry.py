"""Registering members, systems, services and their versions, endpoints and groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import openapi
from ..models import (
    Endpoint,
    Member,
    MemberClass,
    Service,
    ServiceVersion,
    System,
    SystemGroup,
    SystemStatus,
    VersionState,
)
from .common import RegistryError, changed


def _validated(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise RegistryError(" ".join(messages), field=None if field == "__all__" else field) from exc
    return obj


@transaction.atomic
def register_member(
    *, agency=None, code: str = "", name: str = "", member_class: str = "", by=None
) -> Member:
    """Register an agency (by its electronic identifier code) or an outside organisation as a member.

    An agency that is already a member is returned as it is.
    """
    if agency is not None:
        existing = Member.objects.filter(agency=agency).first()
        if existing is not None:
            return existing
        member = Member(member_class=MemberClass.GOV, code=agency.code, name=agency.name, agency=agency)
    else:
        member = Member(member_class=member_class or MemberClass.ORG, code=code.strip(), name=name.strip())
    _validated(member)
    member.save()
    changed(
        "lgsp.member.register", member, changes={"code": member.code, "class": member.member_class}, by=by
    )
    return member


def member_for_agency(agency, by=None) -> Member:
    """The member of ``agency``, registered now if it is not yet."""
    return register_member(agency=agency, by=by)


@transaction.atomic
def register_system(
    member: Member,
    code: str,
    name: str,
    *,
    owner_agency=None,
    serves_public: bool = False,
    description: str = "",
    status: str = SystemStatus.PLANNED,
    rate_limit_per_minute: int = 600,
    by=None,
) -> System:
    """Register a system of ``member``; its owner agency defaults to the member's agency."""
    code = code.strip()
    if System.objects.filter(member=member, code__iexact=code).exists():
        raise RegistryError(_("Thành viên này đã có hệ thống mã %(code)s.") % {"code": code}, field="code")
    system = System(
        member=member,
        code=code,
        name=name.strip(),
        owner_agency=owner_agency if owner_agency is not None else member.agency,
        serves_public=serves_public,
        description=description.strip(),
        status=status,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    _validated(system)
    system.save()
    changed(
        "lgsp.system.register",
        system,
        changes={"identifier": system.identifier, "serves_public": serves_public, "status": status},
        by=by,
    )
    return system


@transaction.atomic
def set_system_status(system: System, status: str, by=None) -> System:
    if status not in SystemStatus.values:
        raise RegistryError(_("Trạng thái kết nối không hợp lệ."), field="status")
    system = System.objects.select_for_update().get(pk=system.pk)
    if system.status != status:
        before, system.status = system.status, status
        system.save(update_fields=["status"])
        changed("lgsp.system.status", system, changes={"status": [before, status]}, by=by)
    return system


@transaction.atomic
def register_service(
    system: System,
    code: str,
    name: str,
    upstream_url: str,
    *,
    description: str = "",
    timeout_seconds: int = 30,
    openapi_document: dict | bytes | str | None = None,
    personal_data: bool = False,
    data_subject_parameter: str = "",
    keep_bodies: bool = False,
    health_path: str = "",
    by=None,
) -> Service:
    """Register a service of ``system``, and its first version when an OpenAPI document is given.

    ``personal_data``: its answers hold a citizen's personal data, so the log records each call against
    the citizen's national ID (from the path parameter ``data_subject_parameter``, or the
    ``X-Congso-Data-Subject`` header); ``keep_bodies``: the log keeps full bodies, not only digests."""
    code = code.strip()
    if Service.objects.filter(system=system, code__iexact=code).exists():
        raise RegistryError(_("Hệ thống này đã có dịch vụ mã %(code)s.") % {"code": code}, field="code")
    service = Service(
        system=system,
        code=code,
        name=name.strip(),
        upstream_url=upstream_url.strip(),
        description=description.strip(),
        timeout_seconds=timeout_seconds,
        personal_data=personal_data,
        data_subject_parameter=data_subject_parameter.strip(),
        keep_bodies=keep_bodies,
        health_path=health_path.strip(),
    )
    _validated(service, exclude=["current_version"])
    service.save()
    changed("lgsp.service.register", service, changes={"identifier": service.path_identifier}, by=by)
    if openapi_document is not None:
        register_service_version(service, openapi_document, publish=True, by=by)
        service.refresh_from_db(fields=["current_version"])
    return service


def set_upstream(
    service: Service,
    upstream_url: str,
    *,
    health_path: str | None = None,
    token_variable: str | None = None,
    by=None,
) -> Service:
    """Point ``service`` at another provider address (and health path, and the name of the gateway's
    environment variable holding the provider's credential, when given)."""
    fields = ("upstream_url", "health_path", "upstream_token_variable")
    before = {name: getattr(service, name) for name in fields}
    service.upstream_url = upstream_url.strip()
    if health_path is not None:
        service.health_path = health_path.strip()
    if token_variable is not None:
        service.upstream_token_variable = token_variable.strip()
    _validated(service, exclude=["current_version"])
    service.save(update_fields=list(fields))
    after = {name: getattr(service, name) for name in fields}
    changed("lgsp.service.upstream", service, changes={"before": before, "after": after}, by=by)
    return service


def _document(openapi_document) -> dict:
    try:
        if isinstance(openapi_document, dict):
            openapi.check(openapi_document)
            return openapi_document
        return openapi.parse(openapi_document)
    except openapi.OpenAPIError as exc:
        raise RegistryError(exc.message, field="openapi") from exc


@transaction.atomic
def register_service_version(
    service: Service, openapi_document, *, version: str = "", publish: bool = True, by=None
) -> ServiceVersion:
    """Add a version of ``service`` from its OpenAPI 3 document (a dict, or the uploaded bytes), with one
    endpoint per operation; ``version`` defaults to the document's ``info.version``. Published, it
    becomes the current version at once."""
    document = _document(openapi_document)
    version = (version or document["info"]["version"]).strip()[:40]
    if ServiceVersion.objects.filter(service=service, version=version).exists():
        raise RegistryError(
            _("Dịch vụ đã có phiên bản %(version)s; hãy tăng số phiên bản trong info.version.")
            % {"version": version},
            field="openapi",
        )
    created = ServiceVersion.objects.create(service=service, version=version, openapi=document, created_by=by)
    Endpoint.objects.bulk_create(Endpoint(version=created, **e) for e in openapi.endpoints(document))
    changed(
        "lgsp.service_version.register",
        created,
        changes={"service": service.path_identifier, "version": version},
        by=by,
    )
    if publish:
        publish_version(created, by=by)
    return created


@transaction.atomic
def publish_version(version: ServiceVersion, by=None) -> ServiceVersion:
    """Make ``version`` its service's current version. Endpoints disabled in the version it replaces
    stay disabled in this one (same method and path), so a new version never reopens a closed door."""
    service = Service.objects.select_for_update().get(pk=version.service_id)
    previous = service.current_version
    if previous is not None and previous.pk != version.pk:
        closed = previous.endpoints.filter(enabled=False).values_list("method", "path")
        for method, path in closed:
            version.endpoints.filter(method=method, path=path).update(enabled=False)
    version.state = VersionState.PUBLISHED
    version.published_at = version.published_at or timezone.now()
    version.save(update_fields=["state", "published_at"])
    service.current_version = version
    service.save(update_fields=["current_version"])
    changed(
        "lgsp.service_version.publish",
        version,
        changes={"service": service.path_identifier, "version": version.version},
        by=by,
    )
    return version


@transaction.atomic
def set_endpoint_enabled(endpoint: Endpoint, enabled: bool, by=None) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.enabled != enabled:
        endpoint.enabled = enabled
        endpoint.save(update_fields=["enabled"])
        changed(
            "lgsp.endpoint.enable" if enabled else "lgsp.endpoint.disable",
            endpoint,
            changes={"method": endpoint.method, "path": endpoint.path},
            by=by,
        )
    return endpoint


@transaction.atomic
def create_group(code: str, name: str, systems=(), *, description: str = "", by=None) -> SystemGroup:
    group = _validated(SystemGroup(code=code.strip(), name=name.strip(), description=description))
    group.save()
    group.systems.set(systems)
    changed("lgsp.group.create", group, changes={"systems": sorted(s.identifier for s in systems)}, by=by)
    return group


@transaction.atomic
def set_group_systems(group: SystemGroup, systems, by=None) -> SystemGroup:
    before = sorted(s.identifier for s in group.systems.all())
    group.systems.set(systems)
    after = sorted(s.identifier for s in systems)
    changed("lgsp.group.systems", group, changes={"systems": [before, after]}, by=by)
    return group


def search_services(query: str = "") -> QuerySet[Service]:
    """Services whose code, name, description, system or member matches ``query`` (all when empty)."""
    services = Service.objects.select_related("system__member", "system__owner_agency", "current_version")
    for word in query.split()[:8]:
        services = services.filter(
            Q(code__icontains=word)
            | Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(system__name__icontains=word)
            | Q(system__code__icontains=word)
            | Q(system__member__name__icontains=word)
            | Q(system__member__code__icontains=word)
        )
    return services


def register_oidc_client(application_id: int) -> System | None:
    """List an OpenID Connect client of ``identity`` as a system of its owner agency's member (reacting
    to ``identity.oidc_client_registered``). Idempotent: a system with that code is left as it is.
    Returns the system, or ``None`` when the client is gone or has no owner agency."""
    from congso.identity.oidc import services as oidc_services

    entry = oidc_services.registry_entry(application_id)
    if entry is None or entry["owner_agency"] is None:
        return None
    with transaction.atomic():
        member = member_for_agency(entry["owner_agency"])
        existing = System.objects.filter(member=member, code__iexact=entry["code"]).first()
        if existing is not None:
            return existing
        return register_system(
            member,
            entry["code"],
            entry["name"],
            owner_agency=entry["owner_agency"],
            serves_public=True,
            description=entry["description"],
            status=SystemStatus.CONNECTED,
        )
