"""The English catalog of the interface (src/congso/locale/en): complete, valid, compiled, and in use.

The Vietnamese texts in the code are the msgids; English is the second language. When these tests fail
after someone added or changed a text, the fix is always the same: from src/congso run

    ../../manage.py makemessages -l en --ignore "*/tests/*" --ignore "identity/locale" --no-obsolete

translate the new entries in locale/en/LC_MESSAGES/django.po, and compile it with
``msgfmt --check -o django.mo django.po``.
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.html import one

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "django.po"
MO_FILE = CATALOG_DIR / "django.mo"
HOW_TO_FIX = (
    "run makemessages and translate: from src/congso, ../../manage.py makemessages -l en "
    '--ignore "*/tests/*" --ignore "identity/locale" --no-obsolete, fill in '
    "locale/en/LC_MESSAGES/django.po, then msgfmt --check -o django.mo django.po"
)


class PoEntry:
    """One message of a .po file, as written in the file."""

    def __init__(self):
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.line = 0

    @property
    def key(self) -> str:
        """The key the compiled catalog uses for this message."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _po_string(token: str) -> str:
    """The text of one quoted .po string (C escapes, like msgfmt reads them)."""
    return ast.literal_eval(token)


def parse_po(path: Path) -> tuple[PoEntry, list[PoEntry]]:
    """Read a .po file into its header entry and its messages; obsolete (#~) entries are left out."""
    entries: list[PoEntry] = []
    current = PoEntry()
    field: tuple[str, int | None] | None = None

    def finish():
        nonlocal current
        if current.msgid is not None:
            entries.append(current)
        current = PoEntry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            field = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current.msgid is not None:
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if current.msgid is not None:
                finish()
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, token = match.group(1), match.group(2), match.group(3)
            if keyword in ("msgctxt", "msgid") and current.msgid is not None and current.msgstr:
                finish()
            if keyword == "msgid":
                current.line = number
            field = (keyword, int(index) if index is not None else None)
            _append(current, field, _po_string(token))
        elif line.startswith('"') and field is not None:
            _append(current, field, _po_string(line))
        else:
            raise AssertionError(f"{path.name}:{number}: line not understood: {raw!r}")
    finish()
    header = next((e for e in entries if e.msgid == "" and e.msgctxt is None), None)
    assert header is not None, f"{path.name} has no header entry"
    return header, [e for e in entries if e is not header]


def _append(entry: PoEntry, field: tuple[str, int | None], text: str) -> None:
    keyword, index = field
    if keyword == "msgstr":
        slot = index or 0
        entry.msgstr[slot] = entry.msgstr.get(slot, "") + text
    else:
        setattr(entry, keyword, (getattr(entry, keyword) or "") + text)


@pytest.fixture(scope="module")
def catalog():
    assert PO_FILE.exists(), f"{PO_FILE} is missing: {HOW_TO_FIX}"
    return parse_po(PO_FILE)


def test_header_declares_english_utf8_and_two_plural_forms(catalog):
    header, _ = catalog
    text = header.msgstr[0]
    assert "fuzzy" not in header.flags, "the header is still marked fuzzy"
    assert "Language: en\n" in text
    assert "Content-Type: text/plain; charset=UTF-8\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text


def test_every_message_is_translated_and_none_is_fuzzy(catalog):
    _, messages = catalog
    assert len(messages) > 1000, "the catalog looks truncated"
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in messages if not e.translated]
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in messages if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated messages ({HOW_TO_FIX}):\n" + "\n".join(
        untranslated[:40]
    )
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages; check and unmark them ({HOW_TO_FIX}):\n" + "\n".join(
        fuzzy[:40]
    )


def test_plural_messages_have_both_english_forms(catalog):
    _, messages = catalog
    wrong = [e.msgid for e in messages if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]]
    assert not wrong, f"plural messages without exactly msgstr[0] and msgstr[1]: {wrong}"


# Format placeholders, and the HTML the templates put inside messages. Pseudo-tags such as
# "user:<tên đăng nhập>" are words, not markup, so only real element names count as tags.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sdif]|%%|\{\w*\}"
    r"|</?(?:a|abbr|b|br|code|em|i|kbd|p|small|span|strong)\b[^<>]*>|&nbsp;"
)


def test_translations_keep_every_placeholder_and_tag(catalog):
    _, messages = catalog
    wrong = []
    for entry in messages:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        expected = sorted(set().union(*(PLACEHOLDER.findall(source) for source in sources)))
        for index, text in entry.msgstr.items():
            found = sorted(set(PLACEHOLDER.findall(text)))
            if found != expected:
                wrong.append(f"line {entry.line} msgstr[{index}]: expected {expected}, found {found}")
    assert not wrong, "placeholders or tags changed in translation:\n" + "\n".join(wrong)


def test_msgfmt_accepts_the_catalog(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed, so the catalog cannot be checked with it")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt --check failed:\n{result.stderr}"
    assert result.stderr == "", f"msgfmt --check warned:\n{result.stderr}"


def test_compiled_catalog_matches_the_po_file(catalog):
    _, messages = catalog
    assert MO_FILE.exists(), f"{MO_FILE} is missing: compile it with msgfmt --check -o django.mo django.po"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled} - {""}
    expected_ids = {e.key for e in messages if e.translated and "fuzzy" not in e.flags}
    stale = "django.mo is out of date with django.po: recompile with msgfmt --check -o django.mo django.po"
    assert len(compiled_ids) == len(expected_ids), stale
    assert compiled_ids == expected_ids, stale
    for entry in messages:
        if entry.key not in expected_ids:
            continue
        if entry.msgid_plural is None:
            assert compiled[entry.key] == entry.msgstr[0], f"{stale} (line {entry.line})"
        else:
            for index, text in entry.msgstr.items():
                assert compiled[(entry.key, index)] == text, f"{stale} (line {entry.line})"


def _english_page(client, url: str) -> str:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(
    ("url", "english", "vietnamese"),
    [
        (
            "/",
            [
                "Deal with administrative procedures online",
                "Skip to main content",
                "Two types of online public service",
                "Fully online public service",
                "Look up a dossier",
            ],
            [
                "Làm thủ tục hành chính trực tuyến",
                "Bỏ qua đến nội dung chính",
                "Dịch vụ công trực tuyến toàn trình",
                "Tra cứu hồ sơ",
                "Đăng nhập",
            ],
        ),
        (
            "/tai-khoan/dang-nhap/",
            ["Sign in", "Username or personal identification number", "Password", "Forgotten your password?"],
            ["Đăng nhập", "Tên đăng nhập hoặc số định danh cá nhân", "Mật khẩu", "Quên mật khẩu?"],
        ),
        (
            "/thu-tuc/",
            ["Administrative procedures", "Procedure name or code", "All fields", "Search by life event"],
            ["Thủ tục hành chính", "Tên hoặc mã thủ tục", "Tất cả lĩnh vực", "Tìm theo sự kiện cuộc sống"],
        ),
    ],
)
def test_key_pages_speak_english_after_switching_language(client, db, url, english, vietnamese):
    html = _english_page(client, url)
    assert one(html, "html")["lang"] == "en"
    for phrase in english:
        assert phrase in html, f"{url}: missing the English text {phrase!r}"
    for phrase in vietnamese:
        assert phrase not in html, f"{url}: the Vietnamese text {phrase!r} is still shown in English"


def test_pages_stay_vietnamese_without_the_switch(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Làm thủ tục hành chính trực tuyến" in html
    assert "Deal with administrative procedures online" not in html
