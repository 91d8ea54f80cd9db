"""Publish / subscribe: event types, the rights to receive them, subscriptions, publishing an event to
the subscriptions allowed to receive it, and the pull side (fetch a batch, acknowledge up to an id).

Every change is audited and publishes ``lgsp.registry_changed`` like the rest of the registry
(``common.changed``). Push deliveries are sent by the background worker (``services.webhooks``).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jsonschema
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import conf, destinations, keys, rules
from ..models import (
    Delivery,
    DeliveryStatus,
    EventRight,
    EventType,
    PublishedEvent,
    Subscription,
    SubscriptionMode,
    SubscriptionState,
    System,
    SystemGroup,
)
from ..pubsub import catalogue
from .common import RegistryError, changed

SECRET_PREFIX = "whsec_"  # noqa: S105 — a prefix that makes a leaked secret recognisable, not a secret


# --- Event types -----------------------------------------------------------------------------------


def check_schema(schema) -> None:
    """Refuse what is not a JSON Schema (draft 2020-12) object."""
    if not isinstance(schema, dict):
        raise RegistryError(_("Lược đồ JSON phải là một đối tượng."), field="schema")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise RegistryError(
            _("Lược đồ JSON không hợp lệ: %(error)s") % {"error": exc.message}, field="schema"
        ) from exc


def validate_payload(event_type: EventType, payload: dict) -> None:
    """Raise ``jsonschema.ValidationError`` when ``payload`` does not satisfy its type's schema."""
    validator = jsonschema.Draft202012Validator(
        event_type.schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(payload)


@transaction.atomic
def register_event_type(
    code: str, name: str, schema: dict, *, publisher: System | None = None, description: str = "", by=None
) -> EventType:
    check_schema(schema)
    event_type = EventType(code=code, name=name, schema=schema, publisher=publisher, description=description)
    try:
        event_type.full_clean()
    except Exception as exc:
        raise RegistryError(_("Mã loại sự kiện không hợp lệ hoặc đã có."), field="code") from exc
    event_type.save()
    changed("lgsp.event_type.register", event_type, changes={"code": code}, by=by)
    return event_type


@transaction.atomic
def ensure_domain_event_types() -> list[EventType]:
    """Register (or bring up to date) congso's own domain event types from ``pubsub.catalogue``."""
    result = []
    for code, entry in catalogue.DOMAIN_EVENT_TYPES.items():
        event_type, _created = EventType.objects.update_or_create(
            code=code,
            defaults={"name": entry["name"], "description": entry["description"], "schema": entry["schema"]},
        )
        result.append(event_type)
    return result


# --- Rights --------------------------------------------------------------------------------------


@transaction.atomic
def grant_events(
    event_type: EventType,
    *,
    system: System | None = None,
    group: SystemGroup | None = None,
    all_agencies: bool = False,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    by=None,
) -> EventRight:
    """Allow ``system`` (or every system of ``group``) to receive events of ``event_type``: those of its
    own agency, or of every agency with ``all_agencies``."""
    if (system is None) == (group is None):
        raise RegistryError(_("Hãy chọn đúng một hệ thống hoặc một nhóm hệ thống được cấp quyền."))
    now = timezone.now()
    valid_from = valid_from or now
    if valid_to is not None and valid_to <= valid_from:
        raise RegistryError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), field="valid_to")
    existing = (
        EventRight.objects.in_force(now)
        .filter(
            event_type=event_type, system=system, group=group, all_agencies=all_agencies, valid_to=valid_to
        )
        .first()
    )
    if existing is not None:
        return existing  # granting what is already in force changes nothing
    right = EventRight.objects.create(
        event_type=event_type,
        system=system,
        group=group,
        all_agencies=all_agencies,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    changed(
        "lgsp.events.grant",
        right,
        changes={
            "event_type": event_type.code,
            "subject": system.identifier if system else f"group:{group.code}",
            "all_agencies": all_agencies,
        },
        by=by,
    )
    return right


@transaction.atomic
def revoke_events(right: EventRight, by=None) -> EventRight:
    right = EventRight.objects.select_for_update(of=("self",)).get(pk=right.pk)
    if right.revoked_at is None:
        right.revoked_at = timezone.now()
        right.revoked_by = by if getattr(by, "is_authenticated", False) else None
        right.save(update_fields=["revoked_at", "revoked_by"])
        changed("lgsp.events.revoke", right, changes={"event_type": right.event_type.code}, by=by)
    return right


def _rights(event_type: EventType) -> list[dict]:
    return [
        {
            "system": r.system.identifier if r.system_id else None,
            "group": r.group.code if r.group_id else None,
            "all_agencies": r.all_agencies,
            "valid_from": r.valid_from.isoformat(),
            "valid_to": r.valid_to.isoformat() if r.valid_to else None,
        }
        for r in EventRight.objects.filter(event_type=event_type, revoked_at__isnull=True).select_related(
            "system__member", "group"
        )
    ]


def _owner_agency_code(system: System) -> str | None:
    if system.owner_agency_id is not None:
        return system.owner_agency.code
    return system.member.code if system.member.agency_id else None


def _groups(system: System) -> set[str]:
    return set(system.groups.values_list("code", flat=True))


def may_receive(system: System, event_type: EventType, event_agencies: list[str], now=None) -> bool:
    """Whether ``system`` may receive an event of ``event_type`` about ``event_agencies``
    (``rules.may_receive`` over its rights)."""
    return rules.may_receive(
        _rights(event_type),
        system.identifier,
        _groups(system),
        _owner_agency_code(system),
        event_agencies,
        now or timezone.now(),
    )


def may_subscribe(system: System, event_type: EventType, now=None) -> bool:
    """Whether ``system`` holds a right in force on ``event_type`` (whatever its agency scope)."""
    return bool(
        rules.receiving_rights(_rights(event_type), system.identifier, _groups(system), now or timezone.now())
    )


# --- Subscriptions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedSubscription:
    subscription: Subscription
    secret: str  # shown once; empty for a pull subscription


def subscription_secret(subscription: Subscription) -> str:
    return keys.unseal(subscription.secret_sealed, f"whsec:{subscription.public_id}", conf.key_secret())


@transaction.atomic
def subscribe(
    system: System, event_type: EventType, mode: str, url: str = "", by=None
) -> CreatedSubscription:
    """Subscribe ``system`` to ``event_type``. A push subscription gets a signing secret, returned
    here once (only its encrypted form is stored, since every delivery must be signed with it)."""
    if not may_subscribe(system, event_type):
        raise RegistryError(_("Hệ thống chưa được cấp quyền nhận loại sự kiện này."), field="event_type")
    url = url.strip()
    if mode == SubscriptionMode.PUSH:
        try:
            destinations.check(url, must_resolve=False)
        except destinations.RefusedDestination as exc:
            raise RegistryError(exc.message, field="url") from exc
    elif mode == SubscriptionMode.PULL:
        url = ""
    else:
        raise RegistryError(_("Cách nhận không hợp lệ."), field="mode")
    subscription = Subscription(system=system, event_type=event_type, mode=mode, url=url)
    subscription.created_by = by if getattr(by, "is_authenticated", False) else None
    secret = ""
    if mode == SubscriptionMode.PUSH:
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        subscription.secret_sealed = keys.seal(secret, f"whsec:{subscription.public_id}", conf.key_secret())
    subscription.save()
    changed(
        "lgsp.subscription.create",
        subscription,
        changes={"system": system.identifier, "event_type": event_type.code, "mode": mode, "url": url},
        by=by,
    )
    return CreatedSubscription(subscription, secret)


@transaction.atomic
def set_subscription_state(subscription: Subscription, state: str, by=None) -> Subscription:
    """Pause or resume. Events keep being recorded for a paused subscription; on resume its pending
    push deliveries are sent at once."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.state == state:
        return subscription
    subscription.state = state
    subscription.save(update_fields=["state"])
    changed("lgsp.subscription.state", subscription, changes={"state": state}, by=by)
    if state == SubscriptionState.ACTIVE and subscription.mode == SubscriptionMode.PUSH:
        from .webhooks import send_pending_now

        send_pending_now(subscription)
    return subscription


# --- Publishing ----------------------------------------------------------------------------------


def publish_event(
    event_type: EventType,
    payload: dict,
    *,
    occurred_at: datetime,
    source: str = "",
    subject: str = "",
    agency_codes: list[str] | None = None,
) -> PublishedEvent | None:
    """Publish ``payload`` (checked against the type's schema) to every subscription whose system may
    receive it; push deliveries are handed to the worker. Idempotent per ``source``: publishing the
    same source again returns the event already published. Nothing is stored (None) while the type has
    no subscription at all."""
    from .webhooks import enqueue

    validate_payload(event_type, payload)  # even with no subscriber: a payload that drifted shows at once
    with transaction.atomic():
        if not Subscription.objects.filter(event_type=event_type).exists():
            return None  # nobody to tell: no row (a subscription receives what is published after it)
        if source:
            existing = PublishedEvent.objects.filter(event_type=event_type, source=source).first()
            if existing is not None:
                return existing
        event = PublishedEvent.objects.create(
            event_type=event_type,
            source=source,
            subject=subject,
            agency_codes=agency_codes or [],
            payload=payload,
            occurred_at=occurred_at,
        )
        now = timezone.now()
        rights = _rights(event_type)
        subscriptions = Subscription.objects.filter(event_type=event_type).select_related(
            "system__member", "system__owner_agency"
        )
        for subscription in subscriptions:
            system = subscription.system
            agency = _owner_agency_code(system)
            if not rules.may_receive(
                rights, system.identifier, _groups(system), agency, event.agency_codes, now
            ):
                continue
            delivery = Delivery.objects.create(
                subscription=subscription, event=event, next_attempt_at=now, enqueued_at=now
            )
            if subscription.mode == SubscriptionMode.PUSH and subscription.state == SubscriptionState.ACTIVE:
                enqueue(delivery)
    return event


def publish_domain_event(outbox_event) -> PublishedEvent | None:
    """The ``lgsp.publish`` outbox subscriber: publish a congso domain event as its LGSP event type,
    if that type is registered and active."""
    event_type = EventType.objects.filter(code=outbox_event.name, publisher__isnull=True, active=True).first()
    if event_type is None or outbox_event.name not in catalogue.DOMAIN_EVENT_TYPES:
        return None
    payload = catalogue.project(outbox_event.name, outbox_event.payload, outbox_event.occurred_at.isoformat())
    return publish_event(
        event_type,
        payload,
        occurred_at=outbox_event.occurred_at,
        source=f"outbox:{outbox_event.pk}",
        subject=payload.get("code", ""),
        agency_codes=catalogue.agencies_of(payload),
    )


def purge_published(now=None) -> int:
    """Delete the published events older than ``CONGSO_LGSP_EVENT_RETENTION_DAYS`` whose every delivery
    is done (none pending, none dead), with their deliveries; return how many events."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.event_retention_days())
    unfinished = Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.DEAD])
    old = PublishedEvent.objects.filter(published_at__lt=cutoff).exclude(pk__in=unfinished.values("event_id"))
    pks = list(old.values_list("pk", flat=True)[:5000])
    Delivery.objects.filter(event_id__in=pks).delete()
    PublishedEvent.objects.filter(pk__in=pks).delete()
    return len(pks)


# --- Pull ----------------------------------------------------------------------------------------


def envelope(event: PublishedEvent) -> dict:
    """What a receiver gets, pushed or pulled."""
    return {
        "id": str(event.event_id),
        "type": event.event_type.code,
        "occurred_at": event.occurred_at.isoformat(),
        "published_at": event.published_at.isoformat(),
        "data": event.payload,
    }


def fetch(subscription: Subscription, *, after: int | None = None, limit: int | None = None) -> list[dict]:
    """The next unacknowledged events of a pull subscription, oldest first, each with its ``cursor``.

    Without ``after`` the batch starts at the oldest unacknowledged event, so what was fetched and not
    acknowledged is delivered again. A paused subscription returns nothing.
    """
    if subscription.state != SubscriptionState.ACTIVE:
        return []
    limit = max(1, min(limit or conf.pull_batch(), conf.pull_batch()))
    pending = Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING)
    if after is not None:
        pending = pending.filter(pk__gt=after)
    batch = list(pending.select_related("event__event_type").order_by("pk")[:limit])
    if batch:  # counts how often each was handed out
        Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(attempts=F("attempts") + 1)
    return [{"cursor": d.pk, **envelope(d.event)} for d in batch]


def acknowledge(subscription: Subscription, up_to: int) -> int:
    """Mark delivered every pending event of ``subscription`` up to cursor ``up_to``; return how many."""
    now = timezone.now()
    return Delivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.PENDING, pk__lte=up_to
    ).update(status=DeliveryStatus.DELIVERED, delivered_at=now)
