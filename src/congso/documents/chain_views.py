"""The approval-chain pages under /can-bo/van-ban/luong-duyet/: an agency's chains per document type
and the page that defines one. Writes go through ``documents.chains``; permissions are
``documents.permissions.can_configure_chains``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.agencies import services as agencies
from congso.workspace.permissions import workspace_required

from . import chain_forms, chains, permissions, services
from .models import ApprovalChain, DocumentType


def _agency(request):
    """The agency whose chains the page shows: ``?co_quan=<id>`` among those the officer configures."""
    choices = [
        a for a in agencies.agencies_for(request.user) if permissions.can_configure_chains(request.user, a)
    ]
    if not choices:
        raise PermissionDenied(_("Chỉ quản trị cơ quan hoặc lãnh đạo cơ quan được cấu hình luồng duyệt."))
    wanted = request.GET.get("co_quan", "")
    return next((a for a in choices if str(a.pk) == wanted), choices[0]), choices


@workspace_required
def chain_list(request):
    agency, choices = _agency(request)
    rows = [
        {"chain": chain, "steps": [chains.step_label(s.role, s.unit) for s in chain.steps.all()]}
        for chain in chains.chains_of(agency)
    ]
    return render(request, "documents/chain_list.html", {"agency": agency, "agencies": choices, "rows": rows})


def _people(agency, units):
    """Everyone who may stand at a step: leaders and specialists of the agency and of its units."""
    found = {}
    for place in [agency, *units]:
        for person in agencies.staff_of(place, ["leader", "specialist"]):
            found.setdefault(person.pk, person)
    return found


@workspace_required
def chain_edit(request):
    agency, _choices = _agency(request)
    units = chains.units_of(agency)
    people = _people(agency, units)
    leaders = {p.pk: p for p in agencies.staff_of(agency, ["leader"])}
    document_type = request.GET.get("loai", "")
    if document_type and document_type not in DocumentType.values:
        raise Http404
    existing = ApprovalChain.objects.filter(agency=agency, document_type=document_type).first()
    form = chain_forms.ChainForm(
        request.POST or None,
        initial=_initial(existing, document_type),
        units=units,
        people=people.values(),
        leaders=leaders.values(),
    )
    if request.method == "POST" and form.is_valid():
        by_unit = {u.pk: u for u in units}
        steps = [
            {"role": s["role"], "unit": by_unit.get(s["unit"]), "person": people.get(s["person"])}
            for s in form.steps()
        ]
        try:
            chain = chains.save_chain(
                agency=agency,
                by=request.user,
                document_type=form.cleaned_data["document_type"],
                steps=steps,
                signer=leaders.get(form.cleaned_data["signer"]),
            )
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu luồng duyệt: %(chain)s.") % {"chain": chain})
            return redirect(f"{_list_url()}?co_quan={agency.pk}")
    return render(
        request,
        "documents/chain_form.html",
        {"agency": agency, "form": form, "existing": existing, "rows": form.step_rows()},
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("documents:chains")


def _initial(chain, document_type: str) -> dict:
    initial = {"document_type": document_type}
    if chain is None:
        return initial
    initial["signer"] = chain.signer_id
    for step in chain.steps.all():
        initial[f"role_{step.position}"] = step.role
        initial[f"unit_{step.position}"] = step.unit_id
        initial[f"person_{step.position}"] = step.person_id
    return initial


@workspace_required
@require_POST
def chain_delete(request, pk):
    chain = get_object_or_404(ApprovalChain.objects.select_related("agency"), pk=pk)
    if not permissions.can_configure_chains(request.user, chain.agency):
        raise Http404
    try:
        chains.delete_chain(chain, by=request.user)
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa luồng duyệt."))
    return redirect(f"{_list_url()}?co_quan={chain.agency_id}")
