"""SMS text rules (STANDARDS.md §8.3): GSM-7 or UCS-2, segments, and removing Vietnamese diacritics.

GSM-7 holds 160 characters in one message and 153 per part when concatenated (characters of the
extension table count twice); anything outside it — every Vietnamese letter with a diacritic, đ, ă, â,
ê, ô, ơ, ư — forces UCS-2: 70 characters, 67 per part. A message with diacritics therefore costs about
twice as much; templates may strip them (``strip_diacritics``), as provinces usually do.
"""

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # in the encoding's units (an extended GSM-7 character counts 2)
    parts: int
    per_part: int
    forced_by: str  # the first characters that forced UCS-2, or ""

    @property
    def unicode(self) -> bool:
        return self.encoding == "UCS-2"


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def count(text: str) -> Segments:
    """How many SMS parts ``text`` takes and in which encoding."""
    outside = [ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENDED]
    if not outside:
        length = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        # UCS-2 counts UTF-16 code units: a character beyond the BMP takes two.
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, multi, encoding = 70, 67, "UCS-2"
    if length <= single:
        parts, per_part = (1 if length else 0), single
    else:
        parts, per_part = -(-length // multi), multi
    return Segments(encoding, length, parts, per_part, "".join(dict.fromkeys(outside))[:10])


def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics: ``Hồ sơ đã được tiếp nhận`` → ``Ho so da duoc tiep nhan``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))
