"""Dossiers, procedures, agencies and units as the API's JSON (plain dicts, shaped as ``serializers``)."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from congso.dossiers import services as dossier_services

from .serializers import agency_ref, status_label


def _plain(value):
    """A timeline detail value as JSON: people by name, times in ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    full_name = getattr(value, "full_name", None)
    return str(full_name or value)


def _person(user) -> str:
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or user)


def dossier_item(dossier) -> dict:
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": status_label(dossier.status),
        "channel": dossier.channel,
        "procedure_code": version.procedure.code,
        "procedure_version": version.number,
        "receiving_agency": agency_ref(dossier.receiving_agency),
        "current_agency": agency_ref(dossier.current_agency),
        "submitted_at": _plain(dossier.submitted_at),
        "received_at": _plain(dossier.received_at),
        "due_at": _plain(dossier.due_at),
        "finished_at": _plain(dossier.finished_at),
        "returned_at": _plain(dossier.returned_at),
        "timeliness": dossier.timeliness or "",
        "routed_by_process": dossier.routed_by_process or "",
    }


def paper(item) -> dict:
    return {
        "id": item.pk,
        "stage": item.stage,
        "required_paper_code": item.required_paper_code,
        "name": item.name,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_at": _plain(item.uploaded_at),
    }


def timeline(dossier) -> list[dict]:
    return [
        {
            "at": _plain(entry.at),
            "kind": entry.kind,
            "title": str(entry.title),
            "actor": _person(entry.actor) or entry.actor_label,
            "form_code": entry.form_code or "",
            "detail": _plain(entry.detail),
        }
        for entry in dossier_services.timeline(dossier)
    ]


def dossier_detail(dossier) -> tuple[dict, str]:
    """The dossier's representation with its ``etag``, and the tag."""
    from .etags import dossier_etag, tag_of

    body = dossier_body(dossier)
    etag = tag_of(body) if translation.get_language() == settings.LANGUAGE_CODE else dossier_etag(dossier)
    return {**body, "etag": etag}, etag


def dossier_body(dossier) -> dict:
    """Everything ``GET /dossiers/{code}`` shows except the tag (what the tag digests)."""
    return {
        **dossier_item(dossier),
        "statutory_due_at": _plain(dossier.statutory_due_at),
        "paused_at": _plain(dossier.paused_at),
        "result_note": dossier.result_note,
        "return_method": dossier.return_method or "",
        "applicant": {
            "name": dossier.applicant_name,
            "national_id": dossier.applicant_national_id or "",
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "form_data": _plain(dossier.form_data or {}),
        "papers": [paper(p) for p in dossier.papers.order_by("uploaded_at", "id")],
        "timeline": timeline(dossier),
    }


def procedure_item(procedure) -> dict:
    version = procedure.current_version
    return {
        "code": procedure.code,
        "national_code": procedure.national_code or "",
        "name": procedure.name,
        "level": procedure.level,
        "field": procedure.field.name if procedure.field_id else "",
        "version": version.number,
        "online_mode": version.online_mode,
    }


def procedure_detail(procedure, version, papers, fees) -> dict:
    procedure.current_version = version
    return {
        **procedure_item(procedure),
        "effective_from": _plain(version.effective_from),
        "effective_to": _plain(version.effective_to),
        "legal_basis": version.legal_basis,
        "time_limit_value": version.time_limit_value,
        "time_limit_unit": version.time_limit_unit,
        "result_type": version.result_type,
        "implementing_agencies": [agency_ref(a) for a in version.implementing_agencies.order_by("code")],
        "papers": [
            {
                "code": p.code,
                "name": p.name,
                "originals": p.originals,
                "copies": p.copies,
                "is_required": p.is_required,
            }
            for p in papers
        ],
        "fees": [{"name": f.name, "kind": f.fee.kind, "amount": f.fee.amount} for f in fees],
        "form_schema": version.form_schema,
    }


def agency(item, depth: int = 0) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "short_name": item.short_name or "",
        "kind": item.kind,
        "parent_code": item.parent.code if item.parent_id else None,
        "administrative_unit_code": item.administrative_unit.code if item.administrative_unit_id else None,
        "depth": depth,
    }


def unit(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "division_type": item.division_type,
        "level": item.level,
        "parent_code": item.parent.code if item.parent_id else None,
        "valid_from": _plain(item.valid_from),
        "valid_to": _plain(item.valid_to),
    }
