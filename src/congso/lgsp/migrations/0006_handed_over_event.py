from django.db import migrations


def register_domain_event_types(apps, schema_editor):
    """congso's domain event types brought up to date (``pubsub.catalogue``): adds ``dossier.handed_over``
    and the hand-over's destination to the agencies it concerns."""
    from congso.lgsp.pubsub.catalogue import DOMAIN_EVENT_TYPES

    EventType = apps.get_model("lgsp", "EventType")
    for code, entry in DOMAIN_EVENT_TYPES.items():
        EventType.objects.update_or_create(
            code=code,
            defaults={"name": entry["name"], "description": entry["description"], "schema": entry["schema"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lgsp", "0005_service_upstream_token_variable"),
    ]

    operations = [
        migrations.RunPython(register_domain_event_types, migrations.RunPython.noop),
    ]
