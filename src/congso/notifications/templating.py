"""The template language of notifications: plain text with ``{{ ten_bien }}`` placeholders.

No Django template tags, filters or attribute lookups: administrators type these texts, so the only thing
a template can do is insert one of the event's known variables. ``check_template`` refuses a
placeholder the event does not offer (it would otherwise be sent empty) and any other ``{{``/``{%``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")

_DOSSIER = {
    "ma_ho_so": gettext_lazy("mã hồ sơ"),
    "thu_tuc": gettext_lazy("mã thủ tục hành chính"),
    "co_quan": gettext_lazy("tên cơ quan tiếp nhận"),
    "han_tra": gettext_lazy("ngày hẹn trả kết quả"),
    "duong_dan": gettext_lazy("địa chỉ trang tra cứu hồ sơ"),
}

# Event key → the variables its templates may use, with what each means (shown in the admin).
VARIABLES: dict[str, dict[str, str]] = {
    "dossier.submitted": _DOSSIER,
    "dossier.accepted": _DOSSIER,
    "dossier.supplement_requested": _DOSSIER,
    "dossier.refused": _DOSSIER,
    "dossier.payment_requested": _DOSSIER,
    "dossier.extended": {**_DOSSIER, "han_cu": gettext_lazy("ngày hẹn trả cũ")},
    "dossier.result_ready": _DOSSIER,
    "workflow.step_opened": {
        "ma_ho_so": gettext_lazy("mã hồ sơ"),
        "buoc": gettext_lazy("tên bước xử lý"),
        "han_xu_ly": gettext_lazy("hạn của bước"),
        "duong_dan": gettext_lazy("địa chỉ trang công việc"),
    },
    "workflow.step_overdue": {
        "ma_ho_so": gettext_lazy("mã hồ sơ"),
        "buoc": gettext_lazy("tên bước xử lý"),
        "han_xu_ly": gettext_lazy("hạn của bước"),
        "duong_dan": gettext_lazy("địa chỉ trang công việc"),
    },
    "dossier.handed_over": {
        "ma_ho_so": gettext_lazy("mã hồ sơ"),
        "thu_tuc": gettext_lazy("mã thủ tục hành chính"),
        "buoc": gettext_lazy("tên bước xử lý"),
        "han_xu_ly": gettext_lazy("hạn của bước"),
        "duong_dan": gettext_lazy("địa chỉ trang hồ sơ của cán bộ"),
    },
    "dossier.deadline_at_risk": {
        "ma_ho_so": gettext_lazy("mã hồ sơ"),
        "thu_tuc": gettext_lazy("mã thủ tục hành chính"),
        "han_tra": gettext_lazy("hạn trả kết quả (giờ và ngày)"),
        "duong_dan": gettext_lazy("địa chỉ trang hồ sơ của cán bộ"),
    },
    "digest.morning": {
        "ngay": gettext_lazy("ngày của bản tin"),
        "so_den_han": gettext_lazy("số việc đến hạn hôm nay"),
        "so_qua_han": gettext_lazy("số việc đã quá hạn"),
        "danh_sach": gettext_lazy("danh sách các việc (mỗi dòng một việc)"),
        "duong_dan": gettext_lazy("địa chỉ trang việc cần xử lý"),
    },
}

EVENT_LABELS = {
    "dossier.submitted": gettext_lazy("Hồ sơ đã được nộp trực tuyến"),
    "dossier.accepted": gettext_lazy("Hồ sơ đã được tiếp nhận"),
    "dossier.supplement_requested": gettext_lazy("Yêu cầu bổ sung hồ sơ (mẫu 02)"),
    "dossier.refused": gettext_lazy("Từ chối tiếp nhận hồ sơ (mẫu 03)"),
    "dossier.payment_requested": gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "dossier.extended": gettext_lazy("Hồ sơ trễ hạn — thư xin lỗi và hẹn lại (mẫu 04)"),
    "dossier.result_ready": gettext_lazy("Đã có kết quả giải quyết"),
    "workflow.step_opened": gettext_lazy("Giao việc cho cán bộ"),
    "workflow.step_overdue": gettext_lazy("Bước xử lý quá hạn (báo cán bộ)"),
    "dossier.handed_over": gettext_lazy("Hồ sơ được chuyển đến một cán bộ (mẫu 06)"),
    "dossier.deadline_at_risk": gettext_lazy("Hồ sơ sắp đến hạn (báo cán bộ)"),
    "digest.morning": gettext_lazy("Bản tin buổi sáng của cán bộ"),
}

# Samples for the admin's preview.
SAMPLE_VALUES = {
    "ma_ho_so": "000.00.01.H08-261204-0001",
    "thu_tuc": "1.001193",
    "co_quan": "UBND phường Phú Cường",
    "han_tra": "15/12/2026",
    "han_cu": "10/12/2026",
    "duong_dan": "https://dichvucong.example.gov.vn/tra-cuu/",
    "buoc": "Thẩm định hồ sơ",
    "han_xu_ly": "16:30 05/12/2026",
    "ngay": "05/12/2026",
    "so_den_han": "3",
    "so_qua_han": "1",
    "danh_sach": "- 000.00.01.H08-261204-0001: Thẩm định hồ sơ (hạn 16:30)",
}


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def check_template(template) -> None:
    """Raise ``ValidationError`` (per field) when the template uses a variable its event does not offer,
    has a stray ``{{``/``{%``, or names an unknown event."""
    known = VARIABLES.get(template.event_key)
    if known is None:
        raise ValidationError({"event_key": _("Không có sự kiện “%(key)s”.") % {"key": template.event_key}})
    errors = {}
    for field in ("subject", "body"):
        text = getattr(template, field) or ""
        unknown = sorted({name for name in placeholders(text) if name not in known})
        if unknown:
            errors[field] = _(
                "Biến không có trong sự kiện này: %(names)s. Các biến được dùng: %(known)s."
            ) % {
                "names": ", ".join(unknown),
                "known": ", ".join(sorted(known)),
            }
        elif STRAY.search(PLACEHOLDER.sub("", text)):
            errors[field] = _("Chỉ được dùng biến dạng {{ ten_bien }}; không dùng thẻ hay bộ lọc mẫu.")
    if template.channel == "email" and not (template.subject or "").strip():
        errors.setdefault("subject", _("Thư điện tử phải có tiêu đề."))
    if errors:
        raise ValidationError(errors)


def render(text: str, values: dict) -> str:
    """Fill the placeholders of a checked template. A variable missing from ``values`` is an error of
    the caller (the event offers it), not something to send empty."""
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text or "")
