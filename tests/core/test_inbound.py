"""core.inbound: raw bodies other systems post, refused when they carry what no database stores (a NUL
byte or character, a lone surrogate), bounded in size; flat messages cleaned for the record."""

import io

import pytest

from congso.core import inbound


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": "x\x00"}',  # a raw NUL byte inside a string
        b"\x00",
        b'{"a": "x\\u0000"}',  # the escape decodes to NUL
        b'{"x\\u0000": 1}',  # in a key
        b'{"a": [[{"b": ["\\u0000"]}]]}',  # deep inside
        b'{"a": "\\ud800"}',  # a lone surrogate
    ],
)
def test_a_body_with_a_nul_or_a_lone_surrogate_is_refused_with_a_clear_message(body):
    with pytest.raises(inbound.BodyRefused) as refused:
        inbound.parse_json(body)
    assert refused.value.status == 400 and "NUL" in refused.value.message


def test_ordinary_json_passes_and_an_empty_body_may_have_a_default():
    assert inbound.parse_json('{"tên": ["Nguyễn Văn An", 1, null]}'.encode()) == {
        "tên": ["Nguyễn Văn An", 1, None]
    }
    assert inbound.parse_json(b"  ", empty={}) == {}
    with pytest.raises(ValueError):
        inbound.parse_json(b"{not json")
    with pytest.raises(ValueError):
        inbound.parse_json(b"")


def test_read_body_bounds_the_size_and_refuses_nul_bytes():
    assert inbound.read_body(io.BytesIO(b"<a>b</a>"), 8) == b"<a>b</a>"
    with pytest.raises(inbound.BodyRefused) as too_large:
        inbound.read_body(io.BytesIO(b"x" * 9), 8)
    assert too_large.value.status == 413
    with pytest.raises(inbound.BodyRefused) as nul:
        inbound.read_body(io.BytesIO(b"<a>\x00</a>"), 100)
    assert nul.value.status == 400


def test_clean_message_keeps_a_hostile_message_storable():
    cleaned = inbound.clean_message({"a\x00": "x\x00y", "b": "\ud800", "c": {"d": 1}, "e": None})
    assert cleaned == {"a": "xy", "b": "?", "c": '{"d": 1}', "e": ""}
    assert len(inbound.clean_message({str(n): "v" * 5000 for n in range(100)})) == inbound.MAX_FIELDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),  # overflows a 64-bit key: the query would fail
        ("99999999999999999999", None),
        ("²", None),  # str.isdigit() is true, int() raises
        ("٣", None),  # Arabic-Indic three: int() reads it, but it names no row a page offered
        ("", None),
        ("-1", None),
        (" 1", None),
        ("1e3", None),
        (None, None),
    ],
)
def test_row_id_takes_only_ascii_digits_within_a_database_key(text, expected):
    assert inbound.row_id(text) == expected
