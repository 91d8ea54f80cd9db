"""Template filters of ``core.text``: ``{% load congso_text %}``.

``{{ label|optional_label }}`` — the label with "(không bắt buộc)" merged into a bracket it already ends
with; ``{{ label|optional_label:"muted" }}`` gives the span that CSS class; ``{{ name|if_any }}`` — the
name with "(nếu có)" (muted) unless it already says when it applies.
"""

from django import template
from django.utils.translation import gettext as _

from congso.core import text

register = template.Library()


@register.filter
def optional_label(label, css_class="optional"):
    return text.with_note_html(label, _("không bắt buộc"), css_class or "optional")


@register.filter
def if_any(name, css_class="muted"):
    return text.with_note_html(name, _("nếu có"), css_class or "muted")
