"""core.text and its template filters: notes in brackets are merged, never doubled; and the English
catalogue (every user-facing text of the code) keeps one quotation style and no doubled brackets."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from congso.core.text import with_note_html

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(
    ("text", "note", "expected"),
    [
        ("Ý kiến của bạn", "không bắt buộc", 'Ý kiến của bạn <span class="optional">(không bắt buộc)</span>'),
        (
            "Thời gian được giao (giờ làm việc)",
            "không bắt buộc",
            'Thời gian được giao (giờ làm việc<span class="optional">, không bắt buộc</span>)',
        ),
        (
            "Bản sao cần chứng thực (nếu người yêu cầu tự chụp)",
            "nếu có",
            "Bản sao cần chứng thực (nếu người yêu cầu tự chụp)",
        ),
        ("Giấy tờ khác (nếu có)", "nếu có", "Giấy tờ khác (nếu có)"),
        ("Mã <b> (x)", "không bắt buộc", 'Mã &lt;b&gt; (x<span class="optional">, không bắt buộc</span>)'),
    ],
)
def test_a_note_merges_into_the_bracket_a_label_ends_with(text, note, expected):
    assert with_note_html(text, note) == expected


def test_the_filters_mark_optional_labels_and_papers_if_any():
    template = Template(
        "{% load congso_text %}"
        "{{ a|optional_label }}|{{ b|optional_label:'muted' }}|{{ c|if_any }}|{{ d|if_any }}"
    )
    html = template.render(
        Context(
            {
                "a": "Thời gian được giao (giờ làm việc)",
                "b": "Ghi chú",
                "c": "Giấy tờ liên quan (nếu có)",
                "d": "Giấy chứng nhận kết hôn của cha mẹ (nếu cha mẹ đã đăng ký kết hôn)",
            }
        )
    )
    assert html == (
        'Thời gian được giao (giờ làm việc<span class="optional">, không bắt buộc</span>)|'
        'Ghi chú <span class="muted">(không bắt buộc)</span>|'
        "Giấy tờ liên quan (nếu có)|"
        "Giấy chứng nhận kết hôn của cha mẹ (nếu cha mẹ đã đăng ký kết hôn)"
    )
    assert ") (" not in html


def _msgids() -> list[str]:
    found, current, reading = [], None, False
    for line in PO_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, reading = ast.literal_eval(line[6:]), True
        elif reading and line.startswith('"'):
            current += ast.literal_eval(line)
        elif reading:
            found.append(current)
            reading = False
    return [m for m in found if m]


# What may stay between straight quotes: HTML attributes, and code quoted as code — JSON
# ("type": "object") or an expression's string (dossier.channel == "online").
_CODE = re.compile(r'<[^>]*>|"[^"\s]*"\s*:\s*"[^"\s]*"|[=!<>]=\s*"[^"\s]*"')


def test_vietnamese_texts_use_one_quotation_style_and_no_doubled_brackets():
    msgids = _msgids()
    assert len(msgids) > 1000
    guillemets = [m for m in msgids if "«" in m or "»" in m]
    straight = [m for m in msgids if '"' in _CODE.sub("", m)]
    doubled = [m for m in msgids if re.search(r"\)\s+\(", _CODE.sub("", m))]
    assert not guillemets, "use “…”, not «…»:\n" + "\n".join(guillemets)
    assert not straight, "use “…”, not straight quotes:\n" + "\n".join(straight)
    assert not doubled, "merge the brackets, e.g. (giờ làm việc, không bắt buộc):\n" + "\n".join(doubled)
