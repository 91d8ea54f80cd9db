"""congso's own domain events as LGSP event types: their codes, names, JSON Schemas, and the
projection of an outbox event's payload onto what a subscriber receives.

The dossiers block publishes one event per status transition (``dossiers.states.TRANSITIONS``) with
``states.event_payload``, and one per hand-over (``dossier.handed_over``, with where it went). An
agency system following its dossiers needs the dossier's code, its status (the 10 national statuses,
STANDARDS §1) and the one before, the channel, the receiving and current agency, the procedure, the due
time and when it happened — so that is all it gets: no internal id, no public lookup id, no process
data, never the applicant's name, ID or phone (``additionalProperties`` is false, so a payload that
grew a field fails its schema instead of leaking it).

Pure data and functions: the migrations ``0003_pubsub`` and ``0006_handed_over_event`` read
``DOMAIN_EVENT_TYPES`` to register them.
"""

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The fields of a dossier event an agency system receives, with their schemas.
_DOSSIER_FIELDS = {
    "code": {"type": "string", "minLength": 1, "maxLength": 50, "description": "Mã hồ sơ"},
    "status": {"type": "integer", "minimum": 1, "maximum": 10, "description": "Trạng thái (1–10)"},
    "from_status": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 10,
        "description": "Trạng thái trước đó",
    },
    "channel": {"enum": ["online", "counter", "postal", "national_portal"], "description": "Kênh nộp"},
    "agency_code": {"type": "string", "minLength": 1, "description": "Mã định danh cơ quan tiếp nhận"},
    "current_agency_code": {"type": "string", "minLength": 1, "description": "Mã cơ quan đang giải quyết"},
    "procedure_code": {"type": "string", "minLength": 1, "description": "Mã thủ tục hành chính"},
    "form_code": {"type": "string", "description": "Mã mẫu phiếu (Nghị định 61/2018), nếu có"},
    "due_at": {"type": ["string", "null"], "format": "date-time", "description": "Hạn trả kết quả"},
    "timeliness": {"enum": ["early", "on_time", "late"], "description": "Trước hạn, đúng hạn hay quá hạn"},
    "occurred_at": {"type": "string", "format": "date-time", "description": "Thời điểm xảy ra"},
}
# A hand-over (a row of the control sheet, form 06) says where the dossier went: the receiving unit's
# system learns that a dossier arrived for it (the open API then reads it, docs/api.md).
_HAND_OVER_FIELDS = {
    "step_name": {"type": "string", "maxLength": 200, "description": "Bước xử lý"},
    "from_agency_code": {"type": ["string", "null"], "description": "Mã đơn vị giao"},
    "to_agency_code": {"type": "string", "minLength": 1, "description": "Mã đơn vị nhận"},
    "step_due_at": {"type": ["string", "null"], "format": "date-time", "description": "Hạn của bước"},
    "branch": {"type": "boolean", "description": "Nhánh song song (liên thông)"},
}
_REQUIRED = [
    "code",
    "status",
    "from_status",
    "channel",
    "agency_code",
    "current_agency_code",
    "procedure_code",
    "occurred_at",
]

# code → (name, the status the dossier is in after it)
_DOSSIER_EVENTS = {
    "dossier.submitted": ("Hồ sơ được nộp", None),  # at the counter it is accepted at once (2)
    "dossier.accepted": ("Hồ sơ được tiếp nhận", 2),
    "dossier.refused": ("Hồ sơ không được tiếp nhận", 3),
    "dossier.processing_started": ("Hồ sơ được chuyển xử lý", 4),
    "dossier.supplement_requested": ("Yêu cầu bổ sung hồ sơ", 5),
    "dossier.supplemented": ("Hồ sơ được bổ sung", None),
    "dossier.payment_requested": ("Yêu cầu thực hiện nghĩa vụ tài chính", 6),
    "dossier.paid": ("Đã thực hiện nghĩa vụ tài chính", 4),
    "dossier.withdrawn": ("Hồ sơ được rút theo yêu cầu", 7),
    "dossier.stopped": ("Dừng giải quyết hồ sơ", 8),
    "dossier.result_ready": ("Đã có kết quả giải quyết", 9),
    "dossier.result_returned": ("Đã trả kết quả", 10),
    "dossier.handed_over": ("Hồ sơ được bàn giao (phiếu kiểm soát, mẫu 06)", None),
}


def _dossier_schema(code: str, name: str, status: int | None) -> dict:
    properties = dict(_DOSSIER_FIELDS)
    if code == "dossier.handed_over":
        properties.update(_HAND_OVER_FIELDS)
    if status is not None:
        properties["status"] = {**properties["status"], "const": status}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://congso.vn/lgsp/events/{code}.json",
        "title": name,
        "type": "object",
        "additionalProperties": False,
        "required": list(_REQUIRED),
        "properties": properties,
    }


DOMAIN_EVENT_TYPES: dict[str, dict] = {
    code: {
        "name": name,
        "description": (
            "Phát hành khi hồ sơ chuyển trạng thái; chỉ gồm mã hồ sơ, trạng thái, cơ quan, thủ tục và "
            "thời điểm — không có thông tin cá nhân của người nộp."
        ),
        "schema": _dossier_schema(code, name, status),
    }
    for code, (name, status) in _DOSSIER_EVENTS.items()
}


def project(code: str, domain_payload: dict, occurred_at: str) -> dict:
    """The LGSP payload of domain event ``code``: only the fields its schema names, plus when it
    happened (ISO 8601)."""
    allowed = DOMAIN_EVENT_TYPES[code]["schema"]["properties"]
    payload = {key: value for key, value in domain_payload.items() if key in allowed}
    payload.setdefault("from_status", None)
    payload["occurred_at"] = occurred_at
    return payload


def agencies_of(payload: dict) -> list[str]:
    """The agencies a dossier event concerns (a subscriber without the all-agencies right receives
    only the events of its own agency)."""
    codes = [payload.get("agency_code"), payload.get("current_agency_code"), payload.get("to_agency_code")]
    return sorted({c for c in codes if c})
