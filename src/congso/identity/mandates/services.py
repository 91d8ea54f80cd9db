"""The rules of acting on someone else's behalf (``may_act_for``) and the acts that change them:
registering a business, granting and revoking mandates, recording a parent's minor child, and
recording every act done for someone else. Each write is one transaction with its audit entry.

Errors are ``django.core.exceptions.ValidationError`` with a Vietnamese message (English in the
catalogue); ``registers.RegisterUnavailable`` is turned into one too. Nothing changes when one is raised.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core import audit

from ..validators import NATIONAL_ID_RE
from . import registers
from .models import Business, Guardianship, LegalRepresentative, Mandate

ACTIVE = "DANG_HOAT_DONG"
# Relations to the head of household (population database) that make someone a parent of the head's
# children: the head themselves and the head's spouse.
PARENT_RELATIONS = {"Chủ hộ", "Vợ", "Chồng"}
CHILD_RELATION = "Con"


def _registry_error() -> ValidationError:
    return ValidationError(
        _("Chưa kết nối được với cơ sở dữ liệu quốc gia để đối chiếu. Vui lòng thử lại sau ít phút."),
        code="register_unavailable",
    )


# --- Businesses -----------------------------------------------------------------------------------


def _check_business(tax_code: str) -> dict:
    try:
        record = registers.business(tax_code)
    except registers.RegisterUnavailable:
        raise _registry_error() from None
    if record is None:
        raise ValidationError(
            _(
                "Không tìm thấy doanh nghiệp, tổ chức có mã số thuế %(code)s trong "
                "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp."
            )
            % {"code": tax_code},
            code="business_not_found",
        )
    return record


def _store_business(record: dict, by) -> Business:
    status = (record.get("TinhTrangHoatDong") or {}).get("Ma", "")
    business, _created = Business.objects.update_or_create(
        tax_code=record["MaSoDoanhNghiep"],
        defaults={
            "name": record.get("TenDoanhNghiep", ""),
            "registry_status": status,
            "checked_at": timezone.now(),
        },
        create_defaults={
            "name": record.get("TenDoanhNghiep", ""),
            "registry_status": status,
            "checked_at": timezone.now(),
            "registered_by": by,
        },
    )
    representatives = {
        r["SoDinhDanh"]: r
        for r in record.get("NguoiDaiDienPhapLuat") or []
        if NATIONAL_ID_RE.fullmatch(str(r.get("SoDinhDanh", "")))
    }
    business.legal_representatives.exclude(national_id__in=list(representatives)).delete()
    for national_id, r in representatives.items():
        LegalRepresentative.objects.update_or_create(
            business=business,
            national_id=national_id,
            defaults={"full_name": r.get("HoVaTen", ""), "title": r.get("ChucDanh", "")},
        )
    return business


def register_business(person, tax_code: str) -> Business:
    """Register (or re-check) the business ``tax_code`` for ``person``, its legal representative.

    Effect (one transaction): the business and its legal representatives as the national business
    registry names them today; audit ``identity.business.register``. Errors: the registry does not know
    the code, the business is not active, ``person`` is not among its legal representatives, the registry
    cannot be reached.
    """
    tax_code = (tax_code or "").strip()
    if not registers.TAX_CODE_RE.fullmatch(tax_code):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh dạng -NNN."), code="tax_code"
        )
    record = _check_business(tax_code)
    ids = {str(r.get("SoDinhDanh", "")) for r in record.get("NguoiDaiDienPhapLuat") or []}
    if not person.national_id or person.national_id not in ids:
        raise ValidationError(
            _(
                "Theo Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp, bạn không phải người "
                "đại diện theo pháp luật của doanh nghiệp, tổ chức này."
            ),
            code="not_legal_representative",
        )
    with transaction.atomic():
        business = _store_business(record, person)
        if not business.is_active:
            raise ValidationError(
                _("Doanh nghiệp, tổ chức này không ở trạng thái đang hoạt động."), code="business_inactive"
            )
        audit.record(
            "identity.business.register",
            business,
            changes={"tax_code": business.tax_code, "by": person.pk},
            actor=person,
        )
    return business


def is_legal_representative(person, business: Business) -> bool:
    """Whether the registry named ``person`` a legal representative of ``business`` at its last check."""
    return bool(
        person.national_id and business.legal_representatives.filter(national_id=person.national_id).exists()
    )


def businesses_represented_by(person) -> list[Business]:
    """The businesses ``person`` is a legal representative of (as last checked), by name."""
    if not person.national_id:
        return []
    return list(
        Business.objects.filter(legal_representatives__national_id=person.national_id).order_by("name")
    )


def businesses_mandating(person, on: date | None = None) -> list[Business]:
    """The businesses that gave ``person`` a mandate in force on ``on`` (today)."""
    ids = Mandate.objects.in_force(on).filter(agent=person).values_list("business_id", flat=True)
    return list(Business.objects.filter(pk__in=ids).order_by("name"))


def _require_representative(person, business: Business) -> None:
    if not is_legal_representative(person, business):
        raise ValidationError(
            _("Chỉ người đại diện theo pháp luật của doanh nghiệp, tổ chức mới thực hiện được việc này."),
            code="not_legal_representative",
        )


def grant_mandate(
    business: Business,
    *,
    by,
    agent_national_id: str,
    procedure_codes=(),
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Mandate:
    """The legal representative ``by`` lets the account holder with ``agent_national_id`` submit
    dossiers for ``business``: for ``procedure_codes`` (every procedure when empty), from ``valid_from``
    (today) to ``valid_until`` (open-ended).

    The registry is asked again first and its answer kept: a person no longer its legal representative
    grants nothing (and no longer acts for the business). Effect (one transaction): the mandate; audit
    ``identity.mandate.grant`` naming both persons.
    """
    record = _check_business(business.tax_code)
    # The registry's answer is kept even when the grant is refused: it is the register's current state.
    with transaction.atomic():
        business = _store_business(record, None)
    with transaction.atomic():
        _require_representative(by, business)
        if not business.is_active:
            raise ValidationError(
                _("Doanh nghiệp, tổ chức này không ở trạng thái đang hoạt động."), code="business_inactive"
            )
        agent_national_id = (agent_national_id or "").strip()
        if not NATIONAL_ID_RE.fullmatch(agent_national_id):
            raise ValidationError(_("Số định danh cá nhân phải gồm 12 chữ số."), code="agent")
        agent = get_user_model().objects.filter(national_id=agent_national_id, is_active=True).first()
        if agent is None:
            raise ValidationError(
                _(
                    "Chưa có tài khoản nào với số định danh cá nhân này. Người "
                    "được ủy quyền cần đăng ký tài khoản trước."
                ),
                code="agent",
            )
        if agent == by:
            raise ValidationError(
                _("Người đại diện theo pháp luật không cần tự ủy quyền cho mình."), code="agent"
            )
        today = timezone.localdate()
        valid_from = valid_from or today
        if valid_until is not None and valid_until < valid_from:
            raise ValidationError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), code="valid_until")
        codes = sorted({str(code).strip() for code in procedure_codes if str(code).strip()})
        mandate = Mandate.objects.create(
            business=business,
            agent=agent,
            procedure_codes=codes,
            valid_from=valid_from,
            valid_until=valid_until,
            granted_by=by,
        )
        audit.record(
            "identity.mandate.grant",
            mandate,
            changes={
                "business": business.tax_code,
                "agent": agent.pk,
                "granted_by": by.pk,
                "procedures": codes,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
            actor=by,
        )
    return mandate


def revoke_mandate(mandate: Mandate, *, by) -> Mandate:
    """Revoke ``mandate`` at once (the legal representative; the agent may give it up too).

    Effect (one transaction): ``revoked_at``/``revoked_by``; audit ``identity.mandate.revoke``. A
    mandate already revoked is returned as it is.
    """
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().select_related("business").get(pk=mandate.pk)
        if mandate.agent_id != by.pk:
            _require_representative(by, mandate.business)
        if mandate.revoked_at is not None:
            return mandate
        mandate.revoked_at = timezone.now()
        mandate.revoked_by = by
        mandate.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "identity.mandate.revoke",
            mandate,
            changes={"business": mandate.business.tax_code, "agent": mandate.agent_id, "revoked_by": by.pk},
            actor=by,
        )
    return mandate


def represented_business(person, tax_code: str) -> Business | None:
    """The business ``tax_code`` when ``person`` is its legal representative (as last checked), else
    ``None`` (whether it exists or not: pages answer 404 alike)."""
    business = Business.objects.filter(tax_code=tax_code).first()
    if business is None or not is_legal_representative(person, business):
        return None
    return business


def mandate_for(person, mandate_id) -> Mandate | None:
    """The mandate ``mandate_id`` when ``person`` may revoke it (the business's legal representative, or
    the person authorised, who may give it up), else ``None``."""
    mandate = Mandate.objects.select_related("business", "agent").filter(pk=mandate_id).first()
    if mandate is None:
        return None
    if mandate.agent_id == person.pk or is_legal_representative(person, mandate.business):
        return mandate
    return None


def mandates_of(business: Business):
    """Every mandate of ``business``, newest first, with its agent."""
    return business.mandates.select_related("agent", "granted_by", "revoked_by").order_by("-granted_at")


def mandates_received(person):
    return Mandate.objects.filter(agent=person).select_related("business").order_by("-granted_at")


# --- Parents and minor children -------------------------------------------------------------------


def _parse_birth(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (TypeError, ValueError):
        return None


def add_child(person, child_national_id: str) -> Guardianship:
    """Record that ``person`` acts for their minor child ``child_national_id``, after checking the
    national population database: the child is a child (``Con``) of the household of which ``person``
    is the head or the head's spouse, and is under 18 today.

    Effect (one transaction): the guardianship (once; a second call returns it); audit
    ``identity.guardianship.add``.
    """
    child_national_id = (child_national_id or "").strip()
    if not NATIONAL_ID_RE.fullmatch(child_national_id):
        raise ValidationError(_("Số định danh cá nhân phải gồm 12 chữ số."), code="child")
    existing = Guardianship.objects.filter(
        guardian=person, ward_national_id=child_national_id, ended_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    if not person.national_id:
        raise ValidationError(
            _("Tài khoản của bạn chưa có số định danh cá nhân để đối chiếu."), code="no_national_id"
        )
    try:
        record = registers.citizen(person.national_id)
    except registers.RegisterUnavailable:
        raise _registry_error() from None
    household = (record or {}).get("HoGiaDinh") or {}
    child = next(
        (m for m in household.get("ThanhVien") or [] if m.get("SoDinhDanh") == child_national_id), None
    )
    born = _parse_birth((child or {}).get("NgayThangNamSinh", ""))
    if (
        record is None
        or household.get("QuanHeVoiChuHo") not in PARENT_RELATIONS
        or child is None
        or child.get("QuanHeVoiChuHo") != CHILD_RELATION
        or born is None
    ):
        raise ValidationError(
            _(
                "Theo Cơ sở dữ liệu quốc gia về dân cư, người có số định danh "
                "này không phải con trong hộ gia đình của bạn."
            ),
            code="not_a_child",
        )
    guardianship = Guardianship(
        guardian=person,
        ward_national_id=child_national_id,
        ward_name=child.get("HoVaTen", ""),
        ward_date_of_birth=born,
        checked_at=timezone.now(),
    )
    if guardianship.adult_on() <= timezone.localdate():
        raise ValidationError(
            _("Con của bạn đã đủ 18 tuổi: người đã thành niên tự làm thủ tục hoặc ủy quyền cho bạn."),
            code="adult",
        )
    with transaction.atomic():
        guardianship.save()
        audit.record(
            "identity.guardianship.add",
            guardianship,
            changes={"guardian": person.pk, "ward_national_id": child_national_id},
            actor=person,
        )
    return guardianship


def children_of(person):
    return Guardianship.objects.filter(guardian=person, ended_at__isnull=True).order_by("ward_name")


# --- The one rule -------------------------------------------------------------------------------


def may_act_for(person, principal, procedure_code: str, on: date | None = None) -> bool:
    """Whether ``person`` may submit procedure ``procedure_code`` on behalf of ``principal`` on ``on``
    (today). ``principal`` is a ``Business`` or a tax code (a business), a 12-digit national ID or an
    account (a person). No effect; a few queries.

    - oneself: always;
    - a business: its legal representative (as the registry last said), or the holder of a mandate in
      force that covers the procedure; never for a business that is not active;
    - a person: their parent as recorded by ``add_child``, until the child's 18th birthday.
    """
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    day = on or timezone.localdate()
    if isinstance(principal, Business):
        return _may_act_for_business(person, principal, procedure_code, day)
    if hasattr(principal, "national_id") and hasattr(principal, "pk"):
        if principal.pk == person.pk:
            return True
        principal = principal.national_id or ""
    principal = str(principal or "").strip()
    if NATIONAL_ID_RE.fullmatch(principal):
        if principal == person.national_id:
            return True
        return any(
            day < guardianship.adult_on()
            for guardianship in Guardianship.objects.filter(
                guardian=person, ward_national_id=principal, ended_at__isnull=True
            )
        )
    if registers.TAX_CODE_RE.fullmatch(principal):
        business = Business.objects.filter(tax_code=principal).first()
        return business is not None and _may_act_for_business(person, business, procedure_code, day)
    return False


def _may_act_for_business(person, business: Business, procedure_code: str, day: date) -> bool:
    if not business.is_active:
        return False
    if is_legal_representative(person, business):
        return True
    return any(
        mandate.covers(procedure_code)
        for mandate in Mandate.objects.in_force(day).filter(agent=person, business=business)
    )


def record_act_for(person, principal_label: str, action: str, obj=None, **details) -> None:
    """Audit an act ``person`` did on someone else's behalf (``identity.act_for``), naming both."""
    audit.record(
        "identity.act_for",
        obj,
        changes={"agent": person.pk, "principal": principal_label, "action": action, **details},
        actor=person,
    )
