"""Configured approval chains (luồng duyệt): the only writer of ``ApprovalChain`` and its steps, and
the plan a draft follows.

An agency administrator or a leader defines, for a document type or as the agency's default, the
ordered review steps (a role, in the agency or in one of its units, optionally one fixed person) and the
signer (a fixed leader, or any leader the drafter picks). ``plan_for`` freezes the chain in force into a
plain list when a draft is first submitted; the draft keeps that plan to the end, returns included, so a
chain edited meanwhile never moves a draft already on its way. Without any configured chain the drafter
chooses the approvers freely (``services.submit_for_approval``).

Why an ordered chain interpreted here rather than a BPMN process of the workflow block: see
docs/documents.md, "Approval chains".
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.agencies import services as agencies
from congso.core import audit

from . import permissions
from .models import ApprovalChain, ApprovalChainStep, ChainRole, DocumentType
from .services import DocumentError

MAX_STEPS = 8


def _refuse(message: str):
    raise DocumentError(message)


def units_of(agency) -> list:
    """The units a step may name: the agency's sub-units in force (phòng, đơn vị trực thuộc)."""
    return agencies.agency_descendants(agency, on=timezone.localdate())


def chains_of(agency) -> list[ApprovalChain]:
    return list(
        ApprovalChain.objects.filter(agency=agency)
        .select_related("signer")
        .prefetch_related("steps__unit", "steps__person")
    )


def chain_for(agency, document_type: str) -> ApprovalChain | None:
    """The chain of ``document_type`` in ``agency``, else the agency's default, else ``None``."""
    found = {c.document_type: c for c in ApprovalChain.objects.filter(agency=agency)}
    return found.get(document_type) or found.get("")


def holds(person, role: str, place) -> bool:
    """Whether ``person`` holds ``role`` in ``place`` (the agency, or the unit the step names)."""
    return person is not None and agencies.has_role(person, role, place)


def candidates(agency, role: str, unit=None) -> list:
    """Who may stand at a step: the holders of ``role`` in ``unit`` (or the agency), today."""
    return agencies.staff_of(unit or agency, [role])


def _label(person) -> str:
    return getattr(person, "full_name", "") or person.get_username()


def save_chain(*, agency, by, document_type: str, steps: list[dict], signer=None) -> ApprovalChain:
    """Create or replace the chain of ``document_type`` ("" = the default) of ``agency``. ``steps`` are
    dicts ``{"role", "unit" (an Agency or None), "person" (a user or None)}`` in order."""
    if not permissions.can_configure_chains(by, agency):
        _refuse(_("Chỉ quản trị cơ quan hoặc lãnh đạo cơ quan được cấu hình luồng duyệt."))
    if document_type and document_type not in DocumentType.values:
        _refuse(_("Loại văn bản không hợp lệ."))
    if len(steps) > MAX_STEPS:
        _refuse(_("Luồng duyệt có tối đa %(n)s bước trước người ký.") % {"n": MAX_STEPS})
    allowed_units = {u.pk for u in units_of(agency)}
    for number, step in enumerate(steps, start=1):
        _check_step(number, agency, step, allowed_units)
    if signer is not None and not permissions.is_leader(signer, agency):
        _refuse(_("Người ký phải là lãnh đạo của cơ quan ban hành."))
    fixed = [s["person"].pk for s in steps if s.get("person") is not None]
    if signer is not None:
        fixed.append(signer.pk)
    if len(set(fixed)) != len(fixed):
        _refuse(_("Một người chỉ xuất hiện một lần trong luồng duyệt."))
    with transaction.atomic():
        chain, _created = ApprovalChain.objects.update_or_create(
            agency=agency, document_type=document_type, defaults={"signer": signer, "updated_by": by}
        )
        chain.steps.all().delete()
        ApprovalChainStep.objects.bulk_create(
            ApprovalChainStep(
                chain=chain, position=i, role=s["role"], unit=s.get("unit"), person=s.get("person")
            )
            for i, s in enumerate(steps, start=1)
        )
        audit.record(
            "documents.chain.save",
            chain,
            actor=by,
            changes={
                "document_type": document_type,
                "steps": [
                    [s["role"], getattr(s.get("unit"), "pk", None), getattr(s.get("person"), "pk", None)]
                    for s in steps
                ],
                "signer": getattr(signer, "pk", None),
            },
        )
    return chain


def _check_step(number: int, agency, step: dict, allowed_units: set) -> None:
    role, unit, person = step.get("role"), step.get("unit"), step.get("person")
    if role not in ChainRole.values:
        _refuse(_("Bước %(n)s: cần chọn vai trò.") % {"n": number})
    if unit is not None and unit.pk not in allowed_units:
        _refuse(_("Bước %(n)s: đơn vị không thuộc cơ quan.") % {"n": number})
    if person is not None and not holds(person, role, unit or agency):
        _refuse(
            _("Bước %(n)s: %(name)s không giữ vai trò đã chọn ở đơn vị đó.")
            % {"n": number, "name": _label(person)}
        )


def delete_chain(chain: ApprovalChain, *, by) -> None:
    """Remove a configured chain; drafts already submitted keep the plan they started with."""
    if not permissions.can_configure_chains(by, chain.agency):
        _refuse(_("Chỉ quản trị cơ quan hoặc lãnh đạo cơ quan được cấu hình luồng duyệt."))
    with transaction.atomic():
        audit.record(
            "documents.chain.delete", chain, actor=by, changes={"document_type": chain.document_type}
        )
        chain.delete()


def plan_for(chain: ApprovalChain) -> dict:
    """The chain frozen into plain data, kept on the draft (``OutgoingDocument.chain_plan``)."""
    return {
        "chain": chain.pk,
        "steps": [
            {
                "role": s.role,
                "unit": s.unit_id,
                "person": s.person_id,
            }
            for s in chain.steps.select_related("unit").order_by("position")
        ],
        "signer": chain.signer_id,
    }


def plan_of(document) -> dict | None:
    """The plan ``document`` follows: the one it started with, else the chain in force for its type
    (not yet frozen: it is frozen at the first submission), else ``None`` (free choice). A draft first
    submitted without a configured chain keeps the free choice too."""
    if document.chain_plan is not None:
        return document.chain_plan
    if document.pk is not None and document.approvals.exists():
        return None
    chain = chain_for(document.agency, document.document_type)
    return plan_for(chain) if chain is not None else None


def step_label(role: str, unit) -> str:
    """ "Lãnh đạo — Phòng Tư pháp", in the reader's language."""
    name = str(ChainRole(role).label) if role in ChainRole.values else role
    return f"{name} — {unit.name}" if unit is not None else name


def planned_steps(document, plan: dict) -> list[dict]:
    """The plan's steps with what a page needs: position, label, unit, the fixed person or the
    candidates to choose from."""
    rows = []
    for position, step in enumerate(plan["steps"], start=1):
        unit = agencies.get_agency(step["unit"]) if step["unit"] else None
        people = candidates(document.agency, step["role"], unit)
        fixed = next((p for p in people if p.pk == step["person"]), None) if step["person"] else None
        rows.append(
            {
                "position": position,
                "role": step["role"],
                "unit": unit,
                "label": step_label(step["role"], unit),
                "fixed": step["person"],
                "person": fixed,
                "candidates": people,
            }
        )
    return rows


def people_for(document, plan: dict, picks: dict) -> list[tuple[object, dict]]:
    """The person at each step of ``plan``: the fixed one, the one picked (``picks``: position → user
    id) among the holders of the step's role, or the only holder. Refuses with the step's number."""
    chosen = []
    for row in planned_steps(document, plan):
        n = row["position"]
        if row["fixed"]:
            if row["person"] is None:
                _refuse(
                    _("Bước %(n)s: người duyệt cố định không còn giữ vai trò %(label)s; cần cấu hình lại.")
                    % {"n": n, "label": row["label"]}
                )
            person = row["person"]
        elif picks.get(n) is not None:
            person = next((p for p in row["candidates"] if p.pk == picks[n]), None)
            if person is None:
                _refuse(
                    _("Bước %(n)s: người được chọn không giữ vai trò %(label)s.")
                    % {"n": n, "label": row["label"]}
                )
        elif len(row["candidates"]) == 1:
            person = row["candidates"][0]
        elif not row["candidates"]:
            _refuse(
                _("Bước %(n)s: hiện không có ai giữ vai trò %(label)s; cần cấu hình lại luồng duyệt.")
                % {"n": n, "label": row["label"]}
            )
        else:
            _refuse(_("Bước %(n)s: cần chọn người duyệt (%(label)s).") % {"n": n, "label": row["label"]})
        chosen.append((person, row))
    return chosen


def signer_for(document, plan: dict, signer):
    """The plan's fixed signer (still a leader of the agency), else ``signer`` as chosen."""
    if plan.get("signer"):
        leaders = agencies.staff_of(document.agency, ["leader"])
        fixed = next((p for p in leaders if p.pk == plan["signer"]), None)
        if fixed is None:
            _refuse(_("Người ký cố định của luồng duyệt không còn là lãnh đạo cơ quan; cần cấu hình lại."))
        return fixed
    return signer
