"""The starting text of a draft, per document type (Decree 30/2020, Appendix I, part II: the "căn cứ"
lines of a decision, the body of a công văn, a report's sections …). A drafter edits it; nothing here
is sent as it is."""

from django.utils.translation import gettext as _

from .models import DocumentType

_BODIES = {
    DocumentType.DECISION: (
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Căn cứ …;\n"
        "Theo đề nghị của …,\n"
        "QUYẾT ĐỊNH:\n"
        "Điều 1. …\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
        "Điều 3. … chịu trách nhiệm thi hành Quyết định này."
    ),
    DocumentType.OFFICIAL_LETTER: "Kính gửi: …\n{reference}…\nĐề nghị … xem xét, phối hợp./.",
    DocumentType.NOTICE: "{reference}… thông báo như sau:\n1. …\n2. …",
    DocumentType.REPORT: (
        "I. TÌNH HÌNH, KẾT QUẢ THỰC HIỆN\n…\nII. TỒN TẠI, HẠN CHẾ\n…\nIII. PHƯƠNG HƯỚNG, KIẾN NGHỊ\n…"
    ),
    DocumentType.PLAN: "I. MỤC ĐÍCH, YÊU CẦU\n…\nII. NỘI DUNG\n…\nIII. TỔ CHỨC THỰC HIỆN\n…",
    DocumentType.SUBMISSION: "Kính gửi: …\n{reference}… kính trình … xem xét, quyết định:\n…",
    DocumentType.INVITATION: "… trân trọng kính mời: …\nTới dự: …\nThời gian: …\nĐịa điểm: …",
}
_DEFAULT = "{reference}…"


def body_for(document_type: str, summary: str, reply_to=None, dossier=None) -> str:
    reference = ""
    if reply_to is not None:
        reference = _("Trả lời văn bản số %(number)s ngày %(day)s của %(sender)s về %(summary)s,\n") % {
            "number": reply_to.number_symbol,
            "day": reply_to.issued_on.strftime("%d/%m/%Y"),
            "sender": reply_to.sender_name,
            "summary": reply_to.summary,
        }
    elif dossier is not None:
        reference = _("Liên quan đến hồ sơ %(code)s,\n") % {"code": dossier.code}
    return _BODIES.get(document_type, _DEFAULT).format(reference=reference)
