from django.db import migrations


def register_domain_event_types(apps, schema_editor):
    """congso's domain event types brought up to date (``pubsub.catalogue``): a dossier's channel may now
    be ``national_portal`` (submitted on the National Public Service Portal)."""
    from congso.lgsp.pubsub.catalogue import DOMAIN_EVENT_TYPES

    EventType = apps.get_model("lgsp", "EventType")
    for code, entry in DOMAIN_EVENT_TYPES.items():
        EventType.objects.update_or_create(
            code=code,
            defaults={"name": entry["name"], "description": entry["description"], "schema": entry["schema"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lgsp", "0006_handed_over_event"),
    ]

    operations = [
        migrations.RunPython(register_domain_event_types, migrations.RunPython.noop),
    ]
