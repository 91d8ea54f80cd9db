"""``core.form_rendering``: inputs and text areas written in Python are the markup Django's templates
draw, byte for byte; every other widget still goes through its template."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from congso.core.form_rendering import FormRenderer

WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false", "size": 20}),
    forms.HiddenInput(),
    forms.EmailInput(attrs={"required": True, "disabled": False}),
    forms.NumberInput(attrs={"min": 0, "step": 0.5}),
    forms.PasswordInput(render_value=True),
    forms.PasswordInput(),
    forms.URLInput(),
    forms.DateInput(format="%d/%m/%Y"),
    forms.DateTimeInput(),
    forms.TimeInput(),
    forms.ColorInput(),
    forms.SearchInput(attrs={"type": "search"}),
    forms.TelInput(attrs={"inputmode": "tel", "pattern": "[0-9 +]{8,15}"}),
    forms.FileInput(attrs={"accept": ".pdf,image/*"}),
    forms.Textarea(),
    forms.Textarea(attrs={"rows": 3, "aria-invalid": "true"}),
]
VALUES = [None, "", 0, "Nguyễn Văn A", "<script>alert(\"x\")</script> & 'quote'", mark_safe("<b>an toàn</b>")]


def _both(widget, value, attrs):
    context = widget.get_context("field-name", value, attrs)
    template = widget.template_name
    return FormRenderer().render(template, context), DjangoTemplates().render(template, context)


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: f"{type(w).__name__}{sorted(w.attrs)}")
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_inputs_are_the_markup_of_djangos_templates(widget, value):
    attrs = {"id": "id_field", "aria-describedby": 'id_field_helptext "x"', "required": True, "hidden": False}
    ours, django = _both(widget, value, attrs)
    assert ours == django


def test_an_attribute_with_markup_is_escaped_and_a_safe_one_kept():
    attrs = {"title": '"><img src=x onerror=alert(1)>', "data-safe": mark_safe("&amp;")}
    widget = forms.TextInput(attrs=attrs)
    ours, django = _both(widget, '"><svg onload=alert(1)>', {"id": "id_x"})
    assert ours == django
    assert "<img" not in ours and "<svg" not in ours
    assert 'data-safe="&amp;"' in ours


def test_a_bound_form_draws_the_same_page_with_either_renderer():
    class Sample(forms.Form):
        name = forms.CharField(label="Họ và tên", max_length=100, help_text="Như trên căn cước.")
        email = forms.EmailField(required=False)
        note = forms.CharField(widget=forms.Textarea, required=False)
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        agreed = forms.BooleanField()

    data = {"name": "<Lê> & Trần", "email": "sai", "note": "dòng 1\ndòng 2", "kind": "b"}
    ours = Sample(data, renderer=FormRenderer()).as_div()
    django = Sample(data, renderer=DjangoTemplates()).as_div()
    assert ours == django
    assert 'aria-invalid="true"' in ours  # the errors are drawn the same way


def test_other_widgets_still_use_their_templates():
    widget = forms.Select(choices=[("1", "Một"), ("2", "<Hai>")])
    ours, django = _both(widget, "2", {"id": "id_s"})
    assert ours == django
    assert "&lt;Hai&gt;" in ours


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "congso.core.form_rendering.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
