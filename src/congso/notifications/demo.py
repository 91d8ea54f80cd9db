"""Demo seeding of notifications: the built-in texts as editable templates in Vietnamese and English
(``defaults``), so an administrator finds every event × channel × language in the admin. Idempotent: a
template already there (perhaps edited) is left as it is."""

from django.db import transaction

from . import defaults
from .models import Template


def seed_demo_notifications() -> int:
    """Create the missing templates; returns how many were created."""
    created = 0
    with transaction.atomic():
        for event_key, channel, language, subject, body, strip in defaults.all_texts():
            _template, made = Template.objects.get_or_create(
                event_key=event_key,
                channel=channel,
                language=language,
                defaults={"subject": subject, "body": body, "strip_diacritics": strip},
            )
            created += made
    return created
