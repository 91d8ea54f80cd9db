"""Template filters of the reporting block: ``{% load reporting_tags %}``.

``{{ amount|grouped }}`` — a whole amount (đồng) with its thousands grouped as the active language
writes them: ``2.000.000.000`` in Vietnamese, ``2,000,000,000`` in English (Django's Vietnamese format
sets no grouping, so ``floatformat:"0g"`` would not group)."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(amount):
    if amount is None or amount == "":
        return ""
    try:
        whole = int(amount)
    except (TypeError, ValueError):
        return amount
    return f"{whole:,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))
