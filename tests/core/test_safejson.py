"""Bounded JSON parsing: deep or overlong input is refused before anything recursive runs."""

import json

import pytest

from congso.core import safejson


def test_ordinary_json_parses_as_usual():
    assert safejson.loads('{"a": [1, {"b": "[[[{{{"}]}') == {"a": [1, {"b": "[[[{{{"}]}
    assert safejson.loads(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    with pytest.raises(json.JSONDecodeError):
        safejson.loads("{")


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"s": "[" * 1000 + '\\"' + "{" * 1000})
    assert safejson.text_depth(text) == 1
    assert safejson.loads(text)["s"].startswith("[[")


def test_deep_input_is_refused_with_a_message():
    with pytest.raises(safejson.JSONLimitError) as raised:
        safejson.loads("[" * 200_000)
    assert "JSON lồng nhau quá sâu" in raised.value.message
    assert safejson.loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(safejson.JSONLimitError):
        safejson.loads("[" * 65 + "]" * 65)


def test_overlong_input_is_refused():
    with pytest.raises(safejson.JSONLimitError) as raised:
        safejson.loads('"' + "x" * 100 + '"', max_length=50)
    assert "JSON quá dài" in raised.value.message


def test_check_depth_walks_parsed_values_without_recursion():
    value: list = []
    for _level in range(10_000):
        value = [value]
    with pytest.raises(safejson.JSONLimitError):
        safejson.check_depth(value)
    safejson.check_depth({"a": [{"b": 1}]})
    safejson.check_depth("text")


@pytest.mark.parametrize(
    "text",
    ["NaN", '{"a": Infinity}', "[-Infinity]", "1e999999", '{"n": -1e400}', "1" + "0" * 200],
    ids=["nan", "infinity", "minus-infinity", "overflow", "negative-overflow", "long-integer"],
)
def test_numbers_no_json_and_no_database_takes_are_refused_with_a_message(text):
    with pytest.raises(safejson.JSONLimitError) as raised:
        safejson.loads(text)
    assert "sys." not in raised.value.message


def test_ordinary_numbers_still_parse():
    assert safejson.loads('{"fee": 50000, "rate": 0.5, "key": 9223372036854775807}') == {
        "fee": 50000,
        "rate": 0.5,
        "key": 9223372036854775807,
    }
