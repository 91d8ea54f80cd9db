"""Why a card or bank account payment failed, as the card and account network answers it.

VNPAY passes these result codes through as ``vnp_ResponseCode`` (STANDARDS.md §8.2b) and the national
portal's payment platform as ``MaLoi`` (§8.2a; its own table stops at "00" and "01", the rest are the
banks' codes [verify]). One table, in the payer's words and language, for every provider that relays them.
"""

from django.utils.translation import gettext_lazy as _

REASONS = {
    "07": _("Tiền đã bị trừ nhưng giao dịch bị nghi ngờ gian lận; ngân hàng sẽ liên hệ với bạn."),
    "09": _("Thẻ hoặc tài khoản của bạn chưa đăng ký dịch vụ Internet Banking."),
    "10": _("Bạn đã xác thực thông tin thẻ hoặc tài khoản không đúng quá 3 lần."),
    "11": _("Đã hết thời gian chờ thanh toán."),
    "12": _("Thẻ hoặc tài khoản của bạn đang bị khóa."),
    "13": _("Mật khẩu xác thực giao dịch (OTP) không đúng."),
    "24": _("Bạn đã hủy giao dịch."),
    "51": _("Tài khoản của bạn không đủ số dư."),
    "65": _("Tài khoản của bạn đã vượt quá hạn mức giao dịch trong ngày."),
    "75": _("Ngân hàng thanh toán đang bảo trì."),
    "79": _("Bạn đã nhập sai mật khẩu thanh toán quá số lần quy định."),
}
