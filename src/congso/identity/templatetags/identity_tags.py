"""Template helpers for the sign-in pages."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

register = template.Library()


def format_duration(value: timedelta) -> str:
    """A period in words, to the minute and in at most two units: "15 phút", "1 giờ 30 phút", "3 ngày".

    Django's own ``timeuntil`` is not used: its Vietnamese catalogue predates its current msgids.
    """
    total_minutes = max(1, round(value.total_seconds() / 60))
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d ngày", "%(count)d ngày", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d giờ", "%(count)d giờ", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)d phút", "%(count)d phút", minutes) % {"count": minutes})
    return " ".join(parts[:2])


@register.filter
def duration(value: timedelta | None) -> str:
    """``format_duration`` as a template filter; empty for ``None``."""
    if value is None:
        return ""
    return format_duration(value)


@register.simple_tag(takes_context=True)
def lockout_retry_at(context):
    """When a locked-out person may try again: this attempt plus the cool-off (``None`` without one).

    Exact when attempts during a lockout restart the cool-off (axes's default, see
    ``lockout_restarts_on_attempt``); otherwise the lockout may end earlier, never later.
    """
    cool_off = context.get("cooloff_timedelta")
    if cool_off is None:
        return None
    request = context.get("request")
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    return timezone.localtime(started + cool_off)


@register.simple_tag
def lockout_restarts_on_attempt() -> bool:
    """Whether an attempt made during a lockout starts the cool-off again (axes's setting)."""
    from axes.conf import settings as axes_settings

    return bool(axes_settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)
