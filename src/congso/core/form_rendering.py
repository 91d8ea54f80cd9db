"""The form renderer (``FORM_RENDERER``): Django's own, except that the one-line widgets — every
``<input>`` and ``<textarea>`` — are written here rather than through their templates.

Django draws each widget through a template: ``text.html`` includes ``input.html``, which includes
``attrs.html``. Measured in the officer's inbox, the search box alone cost about a millisecond of CPU that
way (three template lookups and renders for one tag), and the portal's forms draw dozens of them on every
page. The markup written here is the same, byte for byte, as those templates' (a test holds it to them
for every input type, value and attribute kind); any other widget, or a project override of one of
these templates, still goes through the template engine.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

# Django's templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "hidden",
        "search",
        "email",
        "number",
        "password",
        "tel",
        "url",
        "date",
        "datetime",
        "time",
        "color",
        "file",
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# What those templates include: a project override of one of these changes them too.
_INCLUDED = {"input": "django/forms/widgets/input.html", "attrs": "django/forms/widgets/attrs.html"}


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe, so it is not escaped."""
    text = str(value)  # what "%s" % value gives
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, the name alone for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(parts)


def input_html(widget: dict) -> str:
    """``input.html`` for a widget's template context (``Widget.get_context(...)["widget"]``)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    name, kind = conditional_escape(widget["name"]), conditional_escape(widget["type"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def textarea_html(widget: dict) -> str:
    """``textarea.html``: the value on the line after the opening tag (HTML drops that first newline)."""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with ``<input>`` and ``<textarea>`` written in Python."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUT_TEMPLATES and self._django_own(template_name, *_INCLUDED.values()):
            return mark_safe(input_html(context["widget"]))  # noqa: S308 -- every value escaped above
        if template_name == _TEXTAREA_TEMPLATE and self._django_own(template_name, _INCLUDED["attrs"]):
            return mark_safe(textarea_html(context["widget"]))  # noqa: S308 -- every value escaped above
        return super().render(template_name, context, request=request)

    def _django_own(self, *template_names: str) -> bool:
        """Whether these templates are Django's own (a project's override is drawn as it was written)."""
        known = self.__dict__.setdefault("_django_own_templates", {})
        for name in template_names:
            if name not in known:
                origin = self.get_template(name).origin.name.replace("\\", "/")
                known[name] = "/django/forms/templates/django/forms/" in origin
            if not known[name]:
                return False
        return True
