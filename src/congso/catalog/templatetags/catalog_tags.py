"""Template helpers of the catalog pages: online-mode wording and paper quantities."""

from django import template
from django.utils.translation import gettext as _

from ..models import OnlineMode

register = template.Library()


@register.filter
def online_term(mode: str) -> str:
    """``"fully"`` → ``"Toàn trình"``."""
    return OnlineMode.current_term(mode)


@register.filter
def paper_quantity(paper) -> str:
    """``"1 bản chính, 2 bản sao"``, or "Xuất trình" wording when neither is counted."""
    parts = []
    if paper.originals:
        parts.append(_("%(n)s bản chính") % {"n": paper.originals})
    if paper.copies:
        parts.append(_("%(n)s bản sao") % {"n": paper.copies})
    return ", ".join(parts) or _("Theo hướng dẫn")
