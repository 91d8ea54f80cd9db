"""The HTML assertion helper (tests/support/html.py) reads markup as a browser does."""

import pytest

from tests.support.html import has_link, links, one, select, texts

PAGE = """<!doctype html><html lang=vi><title>Trang</title>
<nav><a aria-current="page" href="/can-bo/">Trang  làm
việc</a> <a href='/can-bo/ho-so/' class="nav-link">Hộp <span>việc</span></a></nav>
<main><input value="2" name="so_trang" type="text" id="f-so_trang"><p>Một<p>Hai</main>
<table><tr><td>Yêu cầu bổ sung<br>Cần bạn <!-- ghi chú -->thực hiện</td></tr></table>"""


def test_attributes_are_read_whatever_their_order_and_quoting():
    field = one(PAGE, "#f-so_trang")
    assert (field.tag, field["name"], field["value"], field.get("required")) == (
        "input",
        "so_trang",
        "2",
        None,
    )
    assert one(PAGE, "a.nav-link").classes == {"nav-link"}


def test_text_is_the_elements_text_with_whitespace_collapsed():
    assert one(PAGE, 'a[aria-current="page"]').text == "Trang làm việc"
    assert texts(PAGE, "main p") == ["Một", "Hai"]  # unclosed paragraphs closed as a browser does
    assert one(PAGE, "td").text == "Yêu cầu bổ sung Cần bạn thực hiện"  # a line break reads as a space


def test_links_and_has_link():
    assert links(PAGE) == [("/can-bo/", "Trang làm việc"), ("/can-bo/ho-so/", "Hộp việc")]
    assert has_link(PAGE, "/can-bo/ho-so/", "Hộp việc") and has_link(PAGE, "/can-bo/")
    assert not has_link(PAGE, "/can-bo/ho-so/", "Hộp") and not has_link(PAGE, "/khac/")


def test_one_fails_unless_exactly_one_element_matches():
    with pytest.raises(AssertionError, match="2 elements match"):
        one(PAGE, "nav a")
    with pytest.raises(AssertionError, match="0 elements match"):
        one(PAGE, "form")


def test_queries_within_an_element_and_on_bytes():
    navigation = one(PAGE.encode(), "nav")
    assert [element.text for element in select(navigation, "span")] == ["việc"]
