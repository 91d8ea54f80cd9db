"""The registries block's interface: lookups of the national registers through the LGSP, the lookups
recorded for dossiers (what stands in for a paper a register proves; the officer's verification and
re-query), the citizen's data store and "who used my data".

- ``lookup(registry, key, *, user, issue)`` → ``client.Result`` (never raises to a page);
- ``prefill_values(registry, user, attributes)`` (the prefill sources call it);
- ``proving_registry(paper_code)``, ``proven_papers(papers)``;
- ``verify_dossier(dossier, *, by=None, purpose=…)`` records one lookup per register the dossier
  needs, ``verification(dossier)`` gives the officer's comparison, ``verification_pending(dossier)``;
- the data store: ``store_upload``, ``store_result``, ``items_of``, ``delete_item``, ``reuse_item``,
  ``reuse_count`` (Decision 766's indicator);
- ``data_uses_for(user)`` — who used my data.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso import formengine
from congso.core import audit, events
from congso.core.models import AuditEntry
from congso.dossiers import services as dossier_services
from congso.lgsp import services as lgsp

from . import client, conf
from .adapters import adapter_for_service, adapters
from .models import (
    DataStoreItem,
    DataStoreReuse,
    ItemKind,
    LookupPurpose,
    LookupStatus,
    RegistryLookup,
)

logger = logging.getLogger(__name__)

# Required papers (by their code in the catalogue) that a national register proves: the applicant is
# not asked for them and the dossier records the register's lookup instead. A province extends it in
# its own app's ready() (PROVEN_PAPERS["ma-giay-to"] = "dan_cu").
PROVEN_PAPERS = {
    "giay-to-tuy-than": "dan_cu",
    "xac-nhan-cu-tru": "dan_cu",
    "giay-xac-nhan-cu-tru": "dan_cu",
    "so-ho-khau": "dan_cu",
    "giay-chung-nhan-dang-ky-doanh-nghiep": "doanh_nghiep",
    "giay-chung-nhan-dkdn": "doanh_nghiep",
    "giay-chung-nhan-quyen-su-dung-dat": "dat_dai",
}
# The form answer that names the parcel a land-registry lookup is for.
PARCEL_FIELDS = ("ma_thua_dat",)


# --- lookups ----------------------------------------------------------------------------------------


def adapter(code: str):
    return adapters[code]()


def lookup(registry: str, key: str, *, user=None, issue: str = "", data_subject: str = "") -> client.Result:
    """Ask the register ``registry`` for ``key`` through the LGSP gateway."""
    chosen = adapter(registry)
    if not data_subject and chosen.personal_data and registry == "dan_cu":
        data_subject = key
    return client.call(chosen, key, user=user, issue=issue, data_subject=data_subject)


def _key_for(registry: str, user) -> str:
    if registry == "dan_cu":
        return getattr(user, "national_id", "") or ""
    if registry == "doanh_nghiep":
        return getattr(user, "tax_code", "") or ""
    return ""


def prefill_values(registry: str, user, attributes) -> client.Result:
    """The register's answer about the signed-in ``user`` (a citizen by national ID, a business by tax
    code), reused for ``CONGSO_REGISTRIES_CACHE_SECONDS`` within the application. Only found answers are
    reused; a failure is asked again next time."""
    key = _key_for(registry, user)
    if not key:
        return client.Result(registry, "", client.INVALID, detail="no key on the account")
    cache_key = f"registries:prefill:{registry}:{hashlib.sha256(key.encode()).hexdigest()}"
    seconds = conf.cache_seconds()
    if seconds:
        kept = cache.get(cache_key)
        if kept is not None:
            return client.Result(registry, key, client.FOUND, values=kept)
    result = lookup(registry, key, user=user, issue=f"prefill:{user.pk}")
    if result.found and seconds:
        cache.set(cache_key, result.values, seconds)
    return result


def proving_registry(paper_code: str) -> str:
    """The register that proves the paper ``paper_code``, or ""."""
    return PROVEN_PAPERS.get(paper_code, "")


def proving_register_name(paper_code: str) -> str:
    """The name of the register proving ``paper_code`` ("Cơ sở dữ liệu quốc gia về dân cư"), or ""."""
    registry = proving_registry(paper_code)
    return str(adapter(registry).name) if registry in adapters else ""


def register_paper_source() -> None:
    """Tell the catalogue's procedure page which papers the registers prove (``catalog.paper_sources``)."""
    from congso.catalog import paper_sources

    if "registries" not in paper_sources.paper_sources:
        paper_sources.paper_sources.add("registries", proving_register_name)


def proven_papers(papers) -> dict:
    """``{paper code: register name}`` for the papers (RequiredPaper rows) a register proves."""
    found = {}
    for paper in papers:
        registry = proving_registry(paper.code)
        if registry and registry in adapters:
            found[paper.code] = str(adapter(registry).name)
    return found


# --- what a dossier needs -----------------------------------------------------------------------------


def _definition(dossier):
    version = dossier.procedure_version
    try:
        return formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError:
        return None


def _declared(dossier) -> dict:
    """``{registry: {attribute: declared value}}`` from the form fields that take a register's
    attribute."""
    definition = _definition(dossier)
    declared: dict = {}
    if definition is None:
        return declared
    for path, reference in definition.prefill_references().items():
        registry, _dot, attribute = reference.partition(".")
        if registry in adapters:
            value = formengine.get_path(dossier.form_data or {}, path)
            if value is not formengine.MISSING:
                declared.setdefault(registry, {})[attribute] = value
    return declared


def _parcel(form_data) -> str:
    stack = [form_data or {}]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                if name in PARCEL_FIELDS and isinstance(value, str):
                    return value.strip()
                stack.append(value)
    return ""


def _keys(dossier) -> dict:
    applicant = dossier.applicant
    return {
        "dan_cu": dossier.applicant_national_id or "",
        "doanh_nghiep": getattr(applicant, "tax_code", "") if applicant is not None else "",
        "dat_dai": _parcel(dossier.form_data),
    }


def needed_registries(dossier) -> dict:
    """``{registry: {"key", "declared", "papers"}}``: the registers the dossier's form takes attributes
    from or whose papers it does not carry."""
    declared = _declared(dossier)
    papers: dict = {}
    for paper in dossier.procedure_version.papers.filter(is_required=True):
        registry = proving_registry(paper.code)
        if registry in adapters:
            papers.setdefault(registry, []).append(paper.code)
    keys = _keys(dossier)
    needed = {}
    for registry in set(declared) | set(papers):
        needed[registry] = {
            "key": keys.get(registry, ""),
            "declared": declared.get(registry, {}),
            "papers": sorted(papers.get(registry, [])),
        }
    return needed


def verify_dossier(dossier, *, by=None, purpose: str = LookupPurpose.SUBMISSION, registries=None):
    """Look up every register the dossier needs (or only ``registries``) and record each answer. The
    calls are made outside any transaction; the records are written in one, with their audit line."""
    needed = needed_registries(dossier)
    if registries is not None:
        needed = {code: spec for code, spec in needed.items() if code in registries}
    if not needed:
        return []
    results = []
    for registry, spec in sorted(needed.items()):
        result = lookup(registry, spec["key"], user=by or dossier.applicant, issue=dossier.code)
        results.append((registry, spec, result))
    with transaction.atomic():
        made = []
        for registry, spec, result in results:
            made.append(
                RegistryLookup.objects.create(
                    dossier=dossier,
                    registry=registry,
                    key=result.key,
                    purpose=purpose,
                    status=result.status,
                    values=result.values,
                    declared=spec["declared"],
                    papers=spec["papers"],
                    message_id=result.message_id,
                    detail=result.detail[:200],
                    requested_by=by if by is not None and by.is_authenticated else None,
                )
            )
        audit.record(
            "registries.verify",
            dossier,
            actor=by,
            changes={"purpose": purpose, "lookups": {r.registry: r.status for r in made}},
        )
        if any(record.status == LookupStatus.FOUND for record in made):
            _publish_reuse(dossier)
    return made


REUSE_EVENT = "registries.dossier_verified"


def _publish_reuse(dossier) -> None:
    """Tell the blocks that count re-use (reporting) that ``dossier`` now re-uses data: a register
    proved something for it, or a paper came from the applicant's data store. Without it the re-use
    showed only from the dossier's next status event."""
    events.publish(REUSE_EVENT, {"dossier_id": dossier.pk, "code": dossier.code}, aggregate=dossier)


@dataclass(frozen=True)
class Comparison:
    label: str
    declared: object
    found: object
    differs: bool


@dataclass(frozen=True)
class RegistryCheck:
    registry: str
    name: str
    lookup: RegistryLookup
    rows: list
    papers: list

    @property
    def pending(self) -> bool:
        return self.lookup.status in (LookupStatus.UNAVAILABLE, LookupStatus.REFUSED)

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.differs)


def _same(declared, found) -> bool:
    def norm(value):
        return " ".join(str(value).split()).casefold() if value is not None else ""

    return norm(declared) == norm(found)


def verification(dossier) -> list[RegistryCheck]:
    """The latest lookup of each register for ``dossier``, with what was declared beside what the
    register answered (all the register's attributes the form took, differences marked)."""
    latest = {}
    for row in RegistryLookup.objects.of_dossier(dossier):
        latest.setdefault(row.registry, row)
    checks = []
    paper_names = dict(dossier.procedure_version.papers.values_list("code", "name")) if latest else {}
    for registry, row in sorted(latest.items()):
        if registry not in adapters:
            continue
        chosen = adapter(registry)
        rows = []
        for attribute, declared in (row.declared or {}).items():
            found = (row.values or {}).get(attribute)
            rows.append(
                Comparison(
                    str(chosen.attributes.get(attribute, attribute)),
                    declared,
                    found,
                    row.status == LookupStatus.FOUND and not _same(declared, found),
                )
            )
        # The papers by the names the officer knows them by, not their catalogue codes.
        papers = [paper_names.get(code, code) for code in row.papers or []]
        checks.append(RegistryCheck(registry, str(chosen.name), row, rows, papers))
    return checks


def verification_pending(dossier) -> bool:
    return any(check.pending for check in verification(dossier))


# --- the citizen's data store -----------------------------------------------------------------------------

MAX_ITEM_BYTES = 20 * 1024 * 1024


def items_of(user, *, day=None):
    """The items of ``user``'s data store (not deleted), newest first; with ``day``, those valid then."""
    items = DataStoreItem.objects.of_owner(user)
    return items.valid_on(day) if day is not None else items


def _store(
    owner, kind, name, handle, *, paper_code="", issued_by="", source_dossier_code="", valid_until=None
):
    content = handle.read()
    if len(content) > MAX_ITEM_BYTES:
        raise ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
    digest = hashlib.sha256(content).hexdigest()
    existing = DataStoreItem.objects.of_owner(owner).filter(sha256=digest, kind=kind).first()
    if existing is not None:
        return existing
    from django.core.files.base import ContentFile

    item = DataStoreItem(
        owner=owner,
        kind=kind,
        name=name[:500],
        paper_code=paper_code,
        original_name=(getattr(handle, "name", "") or "tep")[-255:],
        content_type=getattr(handle, "content_type", "") or "application/octet-stream",
        size=len(content),
        sha256=digest,
        issued_by=issued_by,
        source_dossier_code=source_dossier_code,
        valid_until=valid_until,
    )
    item.file.save(f"{digest[:16]}-{item.original_name}", ContentFile(content), save=False)
    item.save()
    audit.record("registries.store", item, actor=owner, changes={"kind": kind, "paper_code": paper_code})
    return item


@transaction.atomic
def store_upload(owner, name, handle, *, paper_code="", source_dossier_code="", valid_until=None):
    """Keep a paper ``owner`` uploaded in their data store (the same content is kept once)."""
    return _store(
        owner,
        ItemKind.UPLOADED,
        name,
        handle,
        paper_code=paper_code,
        source_dossier_code=source_dossier_code,
        valid_until=valid_until,
    )


@transaction.atomic
def store_result(owner, name, handle, *, issued_by, source_dossier_code, paper_code="", valid_until=None):
    """Keep an electronic result an agency issued ``owner`` (it cannot be altered or deleted by them)."""
    return _store(
        owner,
        ItemKind.RESULT,
        name,
        handle,
        paper_code=paper_code,
        issued_by=issued_by,
        source_dossier_code=source_dossier_code,
        valid_until=valid_until,
    )


def get_item(user, item_id) -> DataStoreItem:
    """``user``'s own item, or ``DataStoreItem.DoesNotExist`` (the same whether absent or another's)."""
    return items_of(user).get(pk=item_id)


@transaction.atomic
def delete_item(user, item: DataStoreItem) -> None:
    """Delete ``user``'s uploaded paper: its file goes, a tombstone row stays. Results issued by an
    agency cannot be deleted (``PermissionDenied``)."""
    if item.owner_id != getattr(user, "pk", None):
        raise PermissionDenied
    if item.kind == ItemKind.RESULT:
        raise PermissionDenied(_("Kết quả do cơ quan nhà nước cấp không thể xóa hoặc sửa đổi."))
    locked = DataStoreItem.objects.select_for_update().get(pk=item.pk)
    if locked.deleted_at is not None:
        return
    if locked.file:
        name = locked.file.name
        transaction.on_commit(lambda: locked.file.storage.delete(name))
    locked.deleted_at = timezone.now()
    locked.file = ""
    locked.save(update_fields=["deleted_at", "file"])
    audit.record("registries.store_delete", locked, actor=user)


@transaction.atomic
def reuse_item(user, item: DataStoreItem, dossier, paper_code: str = "") -> DataStoreReuse:
    """Count one re-use of ``item`` in ``dossier`` (once per dossier and paper); the first one of a
    dossier is published as ``registries.dossier_verified``."""
    if item.owner_id != getattr(user, "pk", None) or item.deleted_at is not None:
        raise PermissionDenied
    reuse, created = DataStoreReuse.objects.get_or_create(
        item=item, dossier_code=dossier.code, paper_code=paper_code
    )
    if created:
        audit.record("registries.store_reuse", item, actor=user, changes={"dossier": dossier.code})
        if not DataStoreReuse.objects.filter(dossier_code=dossier.code).exclude(pk=reuse.pk).exists():
            _publish_reuse(dossier)
    return reuse


def reusable_items(user, *, day=None):
    """``user``'s items that can be attached to a new application today: not deleted, still valid,
    with their file."""
    return items_of(user, day=day or timezone.localdate()).exclude(file="")


def reuse_labels(items) -> dict[int, str]:
    """``{item id: label}`` for offering ``items`` to re-use on an application. Several papers of one type
    are common (a birth certificate uploaded twice, two results of one procedure), so the label gives what
    tells them apart: who issued it, the day it was issued or kept, the file's name, how long it is valid;
    a label still shared by two items gets their number in the list."""
    labels = {item.pk: _item_label(item) for item in items}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    numbered: dict[str, int] = {}
    for pk, label in labels.items():
        if seen[label] > 1:
            numbered[label] = numbered.get(label, 0) + 1
            labels[pk] = _("%(label)s — bản %(n)s") % {"label": label, "n": numbered[label]}
    return labels


def _item_label(item) -> str:
    day = timezone.localtime(item.created_at).strftime("%d/%m/%Y")
    details = [str(item.get_kind_display())]
    if item.issued_by:
        details.append(_("do %(issuer)s cấp") % {"issuer": item.issued_by})
    if item.kind == ItemKind.RESULT:
        details.append(_("cấp ngày %(day)s") % {"day": day})
    else:
        details.append(_("lưu vào kho ngày %(day)s") % {"day": day})
    if item.original_name:
        details.append(_("tệp %(name)s") % {"name": item.original_name})
    if item.valid_until:
        details.append(_("hiệu lực đến %(d)s") % {"d": item.valid_until.strftime("%d/%m/%Y")})
    return f"{item.name} ({'; '.join(details)})"


def open_item(user, item_id):
    """A copy of ``user``'s item ``item_id`` as an uploaded file, to attach to a draft like an upload
    (it is checked again on the way in). ``DataStoreItem.DoesNotExist`` when it is not theirs or gone."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = reusable_items(user).get(pk=item_id)
    with item.file.open("rb") as handle:
        content = handle.read()
    audit.record("registries.store_attach", item, actor=user)
    return SimpleUploadedFile(item.original_name or f"giay-to-{item.pk}", content, item.content_type)


def _papers_of(dossier, stages):
    return [paper for paper in dossier.papers.all() if paper.stage in stages]


def keep_papers_of(dossier) -> dict:
    """After a submission or supplement: each paper whose content was already in the applicant's data
    store counts as one re-use; the others are kept in the store. Idempotent. Returns the counts."""
    owner = dossier.applicant
    counted = {"reused": 0, "kept": 0}
    if owner is None or getattr(owner, "kind", "") not in ("citizen", "business"):
        return counted
    for paper in _papers_of(dossier, ("submission", "supplement")):
        earlier = (
            DataStoreItem.objects.of_owner(owner)
            .filter(sha256=paper.sha256, created_at__lt=dossier.submitted_at or timezone.now())
            .first()
        )
        if earlier is not None:
            reuse_item(owner, earlier, dossier, paper.required_paper_code)
            counted["reused"] += 1
            continue
        with paper.file.open("rb") as handle:
            handle.name = paper.original_name or paper.name
            handle.content_type = paper.content_type
            store_upload(
                owner,
                paper.name,
                handle,
                paper_code=paper.required_paper_code,
                source_dossier_code=dossier.code,
            )
        counted["kept"] += 1
    return counted


def keep_results_of(dossier) -> int:
    """When a result is ready: each electronic result file goes to the applicant's data store, as the
    agency's document (not alterable by them). Idempotent."""
    owner = dossier.applicant
    if owner is None or getattr(owner, "kind", "") not in ("citizen", "business"):
        return 0
    kept = 0
    for paper in _papers_of(dossier, ("result",)):
        with paper.file.open("rb") as handle:
            handle.name = paper.original_name or paper.name
            handle.content_type = paper.content_type
            store_result(
                owner,
                paper.name,
                handle,
                issued_by=dossier.current_agency.name,
                source_dossier_code=dossier.code,
                paper_code=paper.required_paper_code,
            )
        kept += 1
    return kept


def reuse_count(since=None, until=None) -> int:
    """How many times data-store items were re-used in applications (Decision 766's re-use indicator),
    in ``[since, until)`` when given."""
    reuses = DataStoreReuse.objects.all()
    if since is not None:
        reuses = reuses.filter(at__gte=since)
    if until is not None:
        reuses = reuses.filter(at__lt=until)
    return reuses.count()


def dossiers_reusing_data(codes_by_id: dict[int, str]) -> set[int]:
    """Which of the dossiers ``{id: code}`` re-used data instead of asking the applicant for a paper
    (Decision 766's re-use indicator): a national register answered a lookup made for it, or an item of
    the applicant's data store was re-used in it. Reads only."""
    found_in_register = set(
        RegistryLookup.objects.filter(dossier_id__in=list(codes_by_id), status=LookupStatus.FOUND)
        .order_by()
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    ids_by_code = {code: dossier_id for dossier_id, code in codes_by_id.items()}
    from_store = (
        DataStoreReuse.objects.filter(dossier_code__in=list(ids_by_code))
        .order_by()
        .values_list("dossier_code", flat=True)
        .distinct()
    )
    return found_in_register | {ids_by_code[code] for code in from_store}


# --- who used my data ---------------------------------------------------------------------------------

# Officers' actions on a dossier that read the applicant's data (audit log). Lookups of the registers
# are not among them: the LGSP's log already lists each one.
READ_ACTIONS = {
    "dossiers.view": gettext_lazy("Xem hồ sơ"),
    "dossiers.paper_download": gettext_lazy("Tải giấy tờ của hồ sơ"),
}


@dataclass(frozen=True)
class DataUse:
    at: object
    who: str
    system: str
    dossier: str
    what: str
    attributes: list
    outcome: str


def data_uses_for(user) -> list[DataUse]:
    """Every use of ``user``'s personal data: each lookup of their national ID through the LGSP (from
    the gateway's message log) and each officer's read of a dossier of theirs (from the audit log),
    newest first. Only ``user``'s own: nothing when they have no national ID and no dossier."""
    uses: list[DataUse] = []
    national_id = getattr(user, "national_id", "") or ""
    if national_id:
        records = list(lgsp.data_uses_of(national_id)[:500])
        systems = lgsp.systems_by_identifier({r["client"] for r in records})
        for record in records:
            known = systems.get(record["client"], {})
            chosen = adapter_for_service(record["service"])
            uses.append(
                DataUse(
                    at=record["at"],
                    who=known.get("agency") or known.get("member") or record["client"],
                    system=known.get("system") or record["client"],
                    dossier="" if record["issue"].startswith("prefill:") else record["issue"],
                    what=str(chosen.name) if chosen else record["service"],
                    attributes=[str(label) for label in chosen.attributes.values()] if chosen else [],
                    outcome=_("Thành công")
                    if 200 <= record["status"] < 300
                    else _("Không thành công (%(status)s)") % {"status": record["status"]},
                )
            )
    of_applicant = dossier_services.Dossier.objects.of_applicant(user)
    dossiers = {str(pk): code for pk, code in of_applicant.values_list("pk", "code")}
    if dossiers:
        entries = AuditEntry.objects.filter(
            object_type="dossiers.dossier", object_id__in=list(dossiers), action__in=list(READ_ACTIONS)
        ).exclude(actor=user)
        for entry in entries.order_by("-occurred_at")[:500]:
            uses.append(
                DataUse(
                    at=entry.occurred_at,
                    who=entry.actor_label,
                    system=_("Hệ thống thông tin giải quyết thủ tục hành chính"),
                    dossier=dossiers[entry.object_id],
                    what=str(READ_ACTIONS[entry.action]),
                    attributes=[],
                    outcome="",
                )
            )
    uses.sort(key=lambda use: use.at, reverse=True)
    return uses
