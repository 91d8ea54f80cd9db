"""``{% field_options %}`` and ``{% listed_options %}`` (core/templatetags/congso_options.py): the
options of the inbox's and the catalogue's filters, written in Python."""

from django import forms
from django.template import Context, Template


class Filters(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Tất cả"), ("a", "Loại A"), ('x"><script>', "<b>Đậm</b> & “trích”")], required=False
    )
    number = forms.TypedChoiceField(choices=[(1, "Một"), (2, "Hai")], coerce=int, required=False)


def render(source: str, **context) -> str:
    return Template("{% load congso_options %}" + source).render(Context(context))


def test_the_current_value_is_selected_and_only_it():
    html = render("{% field_options form.kind %}", form=Filters({"kind": "a"}))
    assert html == (
        '<option value="">Tất cả</option><option value="a" selected>Loại A</option>'
        '<option value="x&quot;&gt;&lt;script&gt;">&lt;b&gt;Đậm&lt;/b&gt; &amp; “trích”</option>'
    )


def test_an_unbound_form_selects_the_initial_value_and_numbers_compare_as_text():
    form = Filters(initial={"number": 2})
    assert render("{% field_options form.number %}", form=form) == (
        '<option value="1">Một</option><option value="2" selected>Hai</option>'
    )
    # No value: the empty choice ("Tất cả") is the one selected, as a browser would show it.
    assert render("{% field_options form.kind %}", form=Filters()).count("selected") == 1
    assert render("{% field_options form.kind %}", form=Filters()).startswith('<option value="" selected>')


def test_listed_options_escape_and_select_as_given():
    html = render("{% listed_options options %}", options=[("1", "A & B", False), ('"', "<i>", True)])
    assert html == '<option value="1">A &amp; B</option><option value="&quot;" selected>&lt;i&gt;</option>'
