"""The built-in texts: the demo seeds them as editable templates, and a notification whose template an
administrator has not written (or switched off in every language) falls back to them, so a legally
required notice is never lost for want of a text. ``(event, channel, language) → (subject, body)``."""

_VI = {
    "dossier.submitted": (
        "Hồ sơ {{ ma_ho_so }} đã được nộp",
        "Hồ sơ {{ ma_ho_so }} (thủ tục {{ thu_tuc }}) đã được nộp trực tuyến tới {{ co_quan }} và đang chờ "
        "tiếp nhận. Theo dõi tại {{ duong_dan }}",
    ),
    "dossier.accepted": (
        "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận",
        "{{ co_quan }} đã tiếp nhận hồ sơ {{ ma_ho_so }}. Ngày hẹn trả kết quả: {{ han_tra }}. "
        "Theo dõi tại {{ duong_dan }}",
    ),
    "dossier.supplement_requested": (
        "Hồ sơ {{ ma_ho_so }} cần bổ sung",
        "{{ co_quan }} yêu cầu bổ sung hồ sơ {{ ma_ho_so }} (mẫu 02). Xem nội dung cần bổ sung tại "
        "{{ duong_dan }}",
    ),
    "dossier.refused": (
        "Hồ sơ {{ ma_ho_so }} bị từ chối tiếp nhận",
        "{{ co_quan }} từ chối tiếp nhận hồ sơ {{ ma_ho_so }} (mẫu 03). Xem lý do tại {{ duong_dan }}",
    ),
    "dossier.payment_requested": (
        "Hồ sơ {{ ma_ho_so }}: cần thực hiện nghĩa vụ tài chính",
        "Hồ sơ {{ ma_ho_so }} cần thực hiện nghĩa vụ tài chính trước khi giải quyết tiếp. Chi tiết tại "
        "{{ duong_dan }}",
    ),
    "dossier.extended": (
        "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ ma_ho_so }}",
        "{{ co_quan }} xin lỗi vì hồ sơ {{ ma_ho_so }} chậm so với hẹn {{ han_cu }}; ngày hẹn trả mới: "
        "{{ han_tra }} (mẫu 04). Chi tiết tại {{ duong_dan }}",
    ),
    "dossier.result_ready": (
        "Hồ sơ {{ ma_ho_so }} đã có kết quả",
        "Hồ sơ {{ ma_ho_so }} đã có kết quả giải quyết. Mời nhận kết quả theo hình thức đã đăng ký. "
        "Chi tiết tại {{ duong_dan }}",
    ),
    "workflow.step_opened": (
        "Việc mới: {{ buoc }} — hồ sơ {{ ma_ho_so }}",
        "Anh/chị được giao bước “{{ buoc }}” của hồ sơ {{ ma_ho_so }}, hạn {{ han_xu_ly }}. "
        "Xử lý tại {{ duong_dan }}",
    ),
    "workflow.step_overdue": (
        "Quá hạn: {{ buoc }} — hồ sơ {{ ma_ho_so }}",
        "Bước “{{ buoc }}” của hồ sơ {{ ma_ho_so }} đã quá hạn {{ han_xu_ly }} và đã được báo lãnh đạo "
        "đôn đốc. Xử lý tại {{ duong_dan }}",
    ),
    "dossier.handed_over": (
        "Hồ sơ {{ ma_ho_so }} được chuyển đến anh/chị",
        "Hồ sơ {{ ma_ho_so }} (thủ tục {{ thu_tuc }}) được chuyển đến anh/chị ở bước “{{ buoc }}”, "
        "hạn {{ han_xu_ly }}. Xử lý tại {{ duong_dan }}",
    ),
    "dossier.deadline_at_risk": (
        "Sắp đến hạn: hồ sơ {{ ma_ho_so }}",
        "Hồ sơ {{ ma_ho_so }} (thủ tục {{ thu_tuc }}) sẽ đến hạn trả kết quả lúc {{ han_tra }}. "
        "Nếu không kịp, cần gửi thư xin lỗi và hẹn lại (mẫu 04) trước hạn. Xử lý tại {{ duong_dan }}",
    ),
    "digest.morning": (
        "Bản tin công việc ngày {{ ngay }}",
        "Hôm nay có {{ so_den_han }} việc đến hạn và {{ so_qua_han }} việc đã quá hạn.\n{{ danh_sach }}\n"
        "Xem tất cả tại {{ duong_dan }}",
    ),
}

_EN = {
    "dossier.submitted": (
        "Dossier {{ ma_ho_so }} submitted",
        "Dossier {{ ma_ho_so }} (procedure {{ thu_tuc }}) was submitted online to {{ co_quan }} and "
        "awaits reception. Follow it at {{ duong_dan }}",
    ),
    "dossier.accepted": (
        "Dossier {{ ma_ho_so }} received",
        "{{ co_quan }} received dossier {{ ma_ho_so }}. Result due on {{ han_tra }}. "
        "Follow it at {{ duong_dan }}",
    ),
    "dossier.supplement_requested": (
        "Dossier {{ ma_ho_so }} needs more documents",
        "{{ co_quan }} asks for more documents for dossier {{ ma_ho_so }} (form 02). See what is "
        "needed at {{ duong_dan }}",
    ),
    "dossier.refused": (
        "Dossier {{ ma_ho_so }} refused",
        "{{ co_quan }} refused dossier {{ ma_ho_so }} (form 03). See why at {{ duong_dan }}",
    ),
    "dossier.payment_requested": (
        "Dossier {{ ma_ho_so }}: payment required",
        "Dossier {{ ma_ho_so }} needs a payment before it can go on. Details at {{ duong_dan }}",
    ),
    "dossier.extended": (
        "Apology and new date for dossier {{ ma_ho_so }}",
        "{{ co_quan }} apologises: dossier {{ ma_ho_so }} is late against {{ han_cu }}; the new date "
        "is {{ han_tra }} (form 04). Details at {{ duong_dan }}",
    ),
    "dossier.result_ready": (
        "The result of dossier {{ ma_ho_so }} is ready",
        "The result of dossier {{ ma_ho_so }} is ready. Collect it as you chose. Details at {{ duong_dan }}",
    ),
    "workflow.step_opened": (
        "New task: {{ buoc }} — dossier {{ ma_ho_so }}",
        "You were assigned “{{ buoc }}” of dossier {{ ma_ho_so }}, due {{ han_xu_ly }}. "
        "Open it at {{ duong_dan }}",
    ),
    "workflow.step_overdue": (
        "Overdue: {{ buoc }} — dossier {{ ma_ho_so }}",
        "Step “{{ buoc }}” of dossier {{ ma_ho_so }} passed its deadline {{ han_xu_ly }} and was "
        "escalated to the leaders. Open it at {{ duong_dan }}",
    ),
    "dossier.handed_over": (
        "Dossier {{ ma_ho_so }} was handed over to you",
        "Dossier {{ ma_ho_so }} (procedure {{ thu_tuc }}) was handed over to you for “{{ buoc }}”, "
        "due {{ han_xu_ly }}. Open it at {{ duong_dan }}",
    ),
    "dossier.deadline_at_risk": (
        "Due soon: dossier {{ ma_ho_so }}",
        "Dossier {{ ma_ho_so }} (procedure {{ thu_tuc }}) is due at {{ han_tra }}. If it cannot be "
        "done in time, send the apology with a new date (form 04) before then. Open it at {{ duong_dan }}",
    ),
    "digest.morning": (
        "Your work on {{ ngay }}",
        "Today {{ so_den_han }} tasks are due and {{ so_qua_han }} are late.\n{{ danh_sach }}\n"
        "See them all at {{ duong_dan }}",
    ),
}

TEXTS = {"vi": _VI, "en": _EN}
CHANNELS = ("inapp", "email", "sms")


def text_for(event_key: str, channel: str, language: str) -> tuple[str, str, bool] | None:
    """``(subject, body, strip_diacritics)`` of the built-in text, or None."""
    texts = TEXTS.get(language) or TEXTS["vi"]
    if event_key not in texts:
        return None
    subject, body = texts[event_key]
    return subject, body, channel == "sms"


def all_texts():
    """Every built-in ``(event, channel, language, subject, body, strip_diacritics)``."""
    for language, texts in TEXTS.items():
        for event_key, (subject, body) in texts.items():
            for channel in CHANNELS:
                yield event_key, channel, language, subject, body, channel == "sms"
