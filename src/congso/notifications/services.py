"""The public functions of notifications: what events make, how a notification is sent, and what the
portal, the workspace and the dossier page read.

- ``notify_for_event(event)``: the subscribers' one entry — one notification per recipient per channel,
  rendered in the recipient's language, following preferences (``channels_for``); idempotent.
- ``attempt_send(id)``: one try of one notification (the background task), with retries, backoff, the
  channel's rate limit and the duplicate rule described in ``channels``.
- ``record_delivery_report(...)``: the SMS gateway's delivery report.
- Reading for the pages: ``unread_count``, ``inbox``, ``mark_read``, ``preference_for``,
  ``update_preferences``, ``of_dossier``.
- Housekeeping (periodic jobs in ``jobs``): ``requeue_stale``, ``purge_old_bodies``.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from congso.core import audit, ratelimit, rows

from . import defaults, sms, templating
from .channels import PermanentFailure, TransientFailure, channels
from .models import ChannelName, Notification, NotificationStatus, Preference, Template

logger = logging.getLogger(__name__)

# What the law requires the applicant to be told (Decree 61/2018 & 107/2021, Circular 01/2018 forms
# 02, 03, 04): these go out through at least one channel that reaches the person, whatever they chose.
LEGALLY_REQUIRED = frozenset(
    {"dossier.supplement_requested", "dossier.refused", "dossier.extended", "dossier.result_ready"}
)
CITIZEN_EVENTS = frozenset(
    {
        "dossier.submitted",
        "dossier.accepted",
        "dossier.supplement_requested",
        "dossier.refused",
        "dossier.payment_requested",
        "dossier.extended",
        "dossier.result_ready",
    }
)
OFFICER_EVENTS = frozenset(
    {"workflow.step_opened", "workflow.step_overdue", "dossier.handed_over", "dossier.deadline_at_risk"}
)
CHANNEL_ORDER = (ChannelName.IN_APP, ChannelName.SMS, ChannelName.EMAIL)
STALE_AFTER = timedelta(minutes=5)
# How long a worker that claimed a notification has to send it before another may try (its lease).
SEND_LEASE = timedelta(seconds=60)


@dataclass
class Recipient:
    """Someone to tell: an account (with its preference) or, for a dossier filed at the counter without
    an account, just the contact details the applicant gave."""

    key: str
    account: object = None
    preference: Preference | None = None
    addresses: dict = field(default_factory=dict)  # channel → address
    language: str = "vi"


# --- Preferences --------------------------------------------------------------------------------------


def preference_for(account) -> Preference:
    """The account's preference, or the default one (every channel, Vietnamese) unsaved."""
    found = Preference.objects.filter(account=account).first()
    return found or Preference(account=account)


def update_preferences(account, **chosen) -> Preference:
    """Save the account's choices (``language``, ``email_enabled``, ``sms_enabled``, ``in_app_enabled``,
    ``digest_enabled``); audited."""
    allowed = {"language", "email_enabled", "sms_enabled", "in_app_enabled", "digest_enabled"}
    unknown = set(chosen) - allowed
    if unknown:
        raise ValueError(f"Unknown preference fields: {sorted(unknown)}")
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(account=account)
        for name, value in chosen.items():
            setattr(preference, name, value)
        preference.full_clean()
        preference.save()
        audit.record("notifications.preferences", preference, actor=account, changes=dict(chosen))
    return preference


def recipient_for_account(account, *, phone: str = "", email: str = "") -> Recipient:
    """``account`` as a recipient: its own contact details first, then those given on the dossier."""
    preference = preference_for(account)
    addresses = {ChannelName.IN_APP: f"account:{account.pk}"}
    if account.email or email:
        addresses[ChannelName.EMAIL] = account.email or email
    if account.phone or phone:
        addresses[ChannelName.SMS] = account.phone or phone
    return Recipient(f"account:{account.pk}", account, preference, addresses, preference.language)


def channels_for(recipient: Recipient, *, required: bool) -> list[str]:
    """The channels to use. An account gets what it chose among the channels that can reach it; someone
    without an account every channel their details allow. A legally required notice that would reach
    the person by no outside channel (SMS, e-mail) goes in-app and by every outside channel they have."""
    reachable = [
        name
        for name in CHANNEL_ORDER
        if name in recipient.addresses
        and name in channels
        and channels[name]().reaches(recipient.addresses[name])
    ]
    if recipient.preference is None:
        return reachable
    chosen = [name for name in reachable if recipient.preference.wants(name)]
    if required and not any(name != ChannelName.IN_APP for name in chosen):
        chosen = reachable
    return chosen


# --- From events to notifications ---------------------------------------------------------------------


def _public_url(path: str) -> str:
    """``path`` as an address a message can carry: on the configured public base URL, else — outside
    production (the demo, where none is set) — on the local web server, so an e-mail or SMS never ends
    with a bare path nobody can open. Production without a base URL keeps the path (congso check and
    operations.md ask for the setting)."""
    base = settings.CONGSO_PUBLIC_BASE_URL.rstrip("/")
    if not base and not settings.IS_PRODUCTION:
        base = settings.CONGSO_LOCAL_WEB_URL.rstrip("/")
    return f"{base}{path}" if base else path


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _local_date(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y") if value else ""


def _local_moment(value) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y") if value else ""


def template_text(event_key: str, channel: str, language: str) -> tuple[str, str, bool] | None:
    """``(subject, body, strip_diacritics)``: the active template in ``language``, else in Vietnamese,
    else the built-in text."""
    for lang in dict.fromkeys([language, "vi"]):
        template = Template.objects.filter(
            event_key=event_key, channel=channel, language=lang, is_active=True
        ).first()
        if template is not None:
            return template.subject, template.body, template.strip_diacritics
    return defaults.text_for(event_key, channel, language)


def render_for(event_key: str, channel: str, language: str, values: dict) -> tuple[str, str] | None:
    """The subject and body of one message in ``language``, or None when there is no text for it.
    Translatable values are put in the recipient's language too, never the language of the request or
    worker that made the event (an officer's Vietnamese page, the worker's default)."""
    text = template_text(event_key, channel, language)
    if text is None:
        return None
    subject, body, strip = text
    with translation.override(language):
        subject, body = templating.render(subject, values), templating.render(body, values)
    if channel == ChannelName.SMS and strip:
        body = sms.strip_diacritics(body)
    return subject, body


def _dossier_values(dossier, payload: dict) -> dict:
    link = _url("portal:dossier-status", dossier.code)
    return {
        "ma_ho_so": dossier.code,
        "thu_tuc": dossier.procedure_version.procedure.code,
        "co_quan": dossier.receiving_agency.name,
        "han_tra": _local_date(dossier.due_at),
        "han_cu": payload.get("old_due_at", "")[:10] if payload.get("old_due_at") else "",
        "duong_dan": _public_url(link),
    }


def notify_for_event(event) -> list[Notification]:
    """Make the notifications an outbox event calls for; what exists already is left alone (an event
    delivered twice makes nothing new). Returns those created now."""
    if event.name in CITIZEN_EVENTS:
        return _notify_citizen(event)
    if event.name == "dossier.handed_over":
        return _notify_receiver(event)
    if event.name == "dossier.deadline_at_risk":
        return _notify_in_charge(event)
    if event.name in OFFICER_EVENTS:
        return _notify_officers(event)
    return []


def _notify_citizen(event) -> list[Notification]:
    from congso.dossiers import services as dossiers

    payload = event.payload
    dossier = dossiers.find_by_code(payload["code"])
    if event.name == "dossier.submitted" and dossier.channel != "online":
        return []  # a counter intake is received at once: its dossier.accepted tells the applicant
    if event.name == "dossier.extended" and payload.get("old_due_at"):
        from datetime import datetime

        payload = {**payload, "old_due_at": _local_date(datetime.fromisoformat(payload["old_due_at"]))}
    values = _dossier_values(dossier, payload)
    account = None
    if dossier.applicant_id:
        from congso.identity import services as identity

        account = identity.active_accounts([dossier.applicant_id]).get(dossier.applicant_id)
    if account is not None:
        recipient = recipient_for_account(
            account, phone=dossier.applicant_phone, email=dossier.applicant_email
        )
        link = _url("portal:my-dossier", dossier.public_id)
    else:
        # No account, or a deactivated one: the contact details given on the dossier.
        addresses = {}
        if dossier.applicant_phone:
            addresses[ChannelName.SMS] = dossier.applicant_phone
        if dossier.applicant_email:
            addresses[ChannelName.EMAIL] = dossier.applicant_email
        key = f"address:{dossier.applicant_phone or dossier.applicant_email}"
        recipient = Recipient(key, addresses=addresses)
        link = ""
    return create(
        event=event,
        recipients=[recipient],
        values=values,
        required=event.name in LEGALLY_REQUIRED,
        dossier_id=dossier.pk,
        link=link,
    )


def _holders(event, role: str) -> list:
    """The officers holding ``role`` at the event's agency today (nobody for an unknown agency/role)."""
    from congso.agencies import services as agencies

    if not role:
        return []
    try:
        return agencies.staff_of(agencies.get_agency_by_code(event.payload["agency_code"]), [role])
    except (ObjectDoesNotExist, ValueError) as error:
        logger.warning("No %s to notify for %s: %s", role, event, error)
        return []


def _notify_officers(event) -> list[Notification]:
    """A work item opened (``workflow.step_opened``) or overdue (``workflow.step_overdue``): its named
    officer, or every holder of its role at its agency; an overdue one also the leaders asked to follow
    it up (``escalation_role``)."""
    from congso.identity import services as identity

    payload = event.payload
    if payload.get("assigned_user_id"):
        accounts = list(identity.active_accounts([payload["assigned_user_id"]]).values())
    else:
        accounts = _holders(event, payload.get("role", ""))
    if event.name == "workflow.step_overdue":
        accounts += _holders(event, payload.get("escalation_role", ""))
    accounts = list({account.pk: account for account in accounts}.values())
    if not accounts:
        return []
    from congso.dossiers import services as dossiers

    code = dossiers.code_of(payload["dossier_id"])
    link = _url("workflow_tasks:detail", payload["work_item_id"]) or _url("workflow_tasks:inbox")
    values = {
        "ma_ho_so": code,
        "buoc": payload.get("label") or payload.get("step", ""),
        "han_xu_ly": _local_moment(_parse(payload.get("due_at"))),
        "duong_dan": _public_url(link),
    }
    return create(
        event=event,
        recipients=[recipient_for_account(account) for account in accounts],
        values=values,
        required=False,
        dossier_id=payload.get("dossier_id"),
        link=link,
    )


def _officer_dossier_link(code: str) -> str:
    return _url("dossiers:detail", code)


def _notify_receiver(event) -> list[Notification]:
    """A dossier handed over (form 06) to a named officer tells that officer. A hand-over to a unit's
    queue names nobody (the unit's to-do shows it); a process's step tells its officer through
    ``workflow.step_opened``, so its hand-over adds nothing."""
    from congso.identity import services as identity

    payload = event.payload
    if not payload.get("received_by_id") or payload.get("process"):
        return []
    accounts = list(identity.active_accounts([payload["received_by_id"]]).values())
    if not accounts:
        return []
    link = _officer_dossier_link(payload["code"])
    values = {
        "ma_ho_so": payload["code"],
        "thu_tuc": payload.get("procedure_code", ""),
        "buoc": payload.get("step_name", ""),
        "han_xu_ly": _local_moment(_parse(payload.get("step_due_at") or payload.get("due_at"))),
        "duong_dan": _public_url(link),
    }
    return create(
        event=event,
        recipients=[recipient_for_account(account) for account in accounts],
        values=values,
        required=False,
        dossier_id=payload["dossier_id"],
        link=link,
    )


def _notify_in_charge(event) -> list[Notification]:
    """A dossier's appointment is near (``dossier.deadline_at_risk``, published once per dossier and
    appointment by ``dossiers.deadlines.watch``): the officers in charge of it now."""
    from congso.dossiers import services as dossiers

    payload = event.payload
    dossier = dossiers.find_by_code(payload["code"])
    accounts = dossiers.in_charge_of(dossier)
    if not accounts:
        return []
    link = _officer_dossier_link(dossier.code)
    values = {
        "ma_ho_so": dossier.code,
        "thu_tuc": payload.get("procedure_code", ""),
        "han_tra": _local_moment(_parse(payload.get("due_at"))),
        "duong_dan": _public_url(link),
    }
    return create(
        event=event,
        recipients=[recipient_for_account(account) for account in accounts],
        values=values,
        required=False,
        dossier_id=dossier.pk,
        link=link,
    )


def _parse(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def create(
    *,
    recipients,
    values: dict,
    required: bool,
    event=None,
    event_key: str = "",
    dedup_key: str = "",
    dossier_id=None,
    link: str = "",
) -> list[Notification]:
    """One notification per recipient per channel, skipping what ``dedup_key`` already made; the
    outside channels' sending is enqueued in the same transaction."""
    event_key = event_key or event.name
    dedup_key = dedup_key or f"event:{event.pk}"
    made, outside = [], set()
    with transaction.atomic():
        for recipient in recipients:
            for channel in channels_for(recipient, required=required):
                rendered = render_for(event_key, channel, recipient.language, values)
                if rendered is None:
                    logger.warning("No text for %s on %s", event_key, channel)
                    continue
                subject, body = rendered
                now = timezone.now()
                in_app = channel == ChannelName.IN_APP
                try:
                    with transaction.atomic():
                        notification = Notification.objects.create(
                            dedup_key=dedup_key,
                            recipient_key=recipient.key,
                            recipient=recipient.account,
                            address="" if in_app else recipient.addresses[channel],
                            channel=channel,
                            event_id=event.pk if event is not None else None,
                            event_key=event_key,
                            language=recipient.language,
                            required=required,
                            dossier_id=dossier_id,
                            subject=subject,
                            body=body,
                            link=link,
                            status=NotificationStatus.DELIVERED if in_app else NotificationStatus.QUEUED,
                            sent_at=now if in_app else None,
                            delivered_at=now if in_app else None,
                            next_attempt_at=None if in_app else now,
                        )
                except IntegrityError:
                    continue  # made by an earlier delivery of the same event
                if not in_app:
                    outside.add(channel)
                made.append(notification)
        for channel in sorted(outside):
            _enqueue(channel)
    return made


def _enqueue(channel: str, run_after=None) -> None:
    """A task that sends what is due on ``channel`` (``drain``), now or at ``run_after``."""
    from .tasks import send_due

    task = send_due if run_after is None else send_due.using(run_after=run_after)
    task.enqueue(channel)


# --- Sending ------------------------------------------------------------------------------------------
#
# In batches: one statement claims up to ``CONGSO_NOTIFICATIONS_BATCH_SIZE`` due notifications of a
# channel, one counter write takes the batch's share of the channel's rate limit, the channel sends the
# batch (one SMTP connection; concurrent requests over keep-alive connections to the SMS gateway) with no
# transaction open, and one statement marks every result. The duplicate rule is unchanged: each message
# carries its own client message id, the same on every attempt.

# How long one task keeps claiming batches before it hands over to a new task (so one busy channel does
# not hold a worker for ever, and other queues get their turn).
DRAIN_SECONDS = 5.0


@dataclass
class Batch:
    """What one ``send_batch`` did: the outcome per notification id (sent, retry, failed), or
    ``deferred`` when the channel's rate limit left no room this second."""

    outcomes: dict = field(default_factory=dict)
    deferred: bool = False
    claimed: int = 0


def backoff(attempts: int) -> timedelta:
    """base × 2^(attempts−1), at most an hour."""
    seconds = settings.CONGSO_NOTIFICATIONS_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(3600, seconds))


def rate_room(channel: str, wanted: int, now=None) -> int:
    """How many of ``wanted`` messages ``channel`` may send this second, across every worker, counted
    at once (``core.ratelimit.take_up_to``)."""
    limit = settings.CONGSO_NOTIFICATIONS_RATE.get(channel)
    if not limit:
        return wanted
    return ratelimit.take_up_to("notifications.send", channel, wanted, limit=limit, window=1, now=now)


def drain(channel: str, *, seconds: float = DRAIN_SECONDS) -> dict:
    """The task's work: send batches of ``channel`` while some are due, for at most ``seconds``; then a
    follow-up task carries on (at once, or next second when the rate limit is reached). Counts by
    outcome."""
    import time

    counts: dict[str, int] = {}
    started = time.monotonic()
    while True:
        batch = send_batch(channel)
        for outcome in batch.outcomes.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        if batch.deferred:
            _enqueue(channel, run_after=timezone.now() + timedelta(seconds=1))
            counts["deferred"] = counts.get("deferred", 0) + 1
            return counts
        if batch.claimed < settings.CONGSO_NOTIFICATIONS_BATCH_SIZE:
            return counts  # nothing more is due now; retries have their own task
        if time.monotonic() - started >= seconds:
            _enqueue(channel)
            return counts


def send_batch(channel: str, *, only_ids=None, rate_limited: bool = True, now=None) -> Batch:
    """Claim, send and mark one batch of due notifications of ``channel`` (only ``only_ids`` if given).

    Three short steps, no database transaction open while the channel talks to the outside:
    1. claim — one statement: count the attempt and lease each row for ``SEND_LEASE`` (another worker
       skips it meanwhile: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's writes are serialised);
    2. send — the channel, each message with its notification's client message id;
    3. mark — one statement: sent (provider ids), retry (reason, backoff) or failed, only rows still
       queued.
    A worker killed between 2 and 3 leaves its rows queued; once the lease has passed they are due
    again, and the next attempt sends with the same client message id, which the SMS gateway
    deduplicates (``channels``): no second SMS.
    """
    now = now or timezone.now()
    wanted = len(only_ids) if only_ids is not None else settings.CONGSO_NOTIFICATIONS_BATCH_SIZE
    room = rate_room(channel, wanted, now) if rate_limited else wanted
    if not room:
        return Batch(deferred=_due(channel, now, only_ids).exists())
    claimed = _claim(channel, room, now, only_ids)
    if rate_limited and len(claimed) < room:
        ratelimit.give_back("notifications.send", channel, window=1, now=now, amount=room - len(claimed))
    if not claimed:
        return Batch()
    results = channels[channel]().send_many(claimed)
    outcomes = _mark_batch(claimed, results, now)
    # Deferred: the rate cut the batch short and more is due, waiting for the next second.
    deferred = len(claimed) == room < wanted and _due(channel, now, only_ids).exists()
    return Batch(outcomes=outcomes, deferred=deferred, claimed=len(claimed))


def _due(channel: str, now, only_ids=None):
    due = Notification.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=NotificationStatus.QUEUED,
        channel=channel,
    )
    return due.filter(pk__in=list(only_ids)) if only_ids is not None else due


_CLAIM_SQL = """
UPDATE {table} SET attempts = attempts + 1, next_attempt_at = %s
WHERE id IN (
    SELECT id FROM {table}
    WHERE status = %s AND channel = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s){only}
    ORDER BY next_attempt_at, id LIMIT %s{lock}
)
RETURNING {columns}
"""
# What sending needs of a claimed notification.
CLAIMED_COLUMNS = (
    "id",
    "channel",
    "address",
    "subject",
    "body",
    "attempts",
    "language",
    "event_key",
    "dossier_id",
)


def _claim(channel: str, size: int, now, only_ids=None) -> list[Notification]:
    """One statement: lease up to ``size`` due notifications of ``channel`` and return them (the
    columns sending needs). ``SKIP LOCKED`` lets concurrent workers take disjoint batches."""
    from django.db import connection

    ops = connection.ops
    only, ids = "", []
    if only_ids is not None:
        ids = [int(pk) for pk in only_ids]
        only = f" AND id IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = _CLAIM_SQL.format(
        table=Notification._meta.db_table, only=only, lock=lock, columns=", ".join(CLAIMED_COLUMNS)
    )
    params = [
        ops.adapt_datetimefield_value(now + SEND_LEASE),
        NotificationStatus.QUEUED,
        channel,
        ops.adapt_datetimefield_value(now),
        *ids,
        size,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        claimed = cursor.fetchall()
    fields = ("pk", *CLAIMED_COLUMNS[1:])
    return sorted(
        (Notification(**dict(zip(fields, row, strict=True))) for row in claimed), key=lambda n: n.pk
    )


_MARK_SQL = """
UPDATE {table} SET status = %s, failure_reason = %s,
    provider_message_id = COALESCE(%s, provider_message_id), sent_at = COALESCE(%s, sent_at),
    delivered_at = COALESCE(%s, delivered_at), failed_at = COALESCE(%s, failed_at), next_attempt_at = %s
WHERE id = %s AND status = %s
"""


def _mark_batch(claimed: list[Notification], results: dict, now) -> dict:
    """One transaction for the whole batch: each row sent (with its provider id), retried later (reason,
    backoff) or failed (reason); rows no longer queued are left alone. One prepared statement run for
    every row (``executemany``: pipelined on PostgreSQL) — a ``CASE`` per column over 250 rows cost
    more CPU to compile in the ORM than the sending itself (bench/README.md, "notifications"). Returns
    the outcomes."""
    from django.db import connection

    def at(value):
        return connection.ops.adapt_datetimefield_value(value)

    outcomes, rows, retry_at = {}, [], []
    queued = NotificationStatus.QUEUED
    for notification in claimed:
        result = results.get(notification.pk) or TransientFailure("no answer from the channel")
        pk = notification.pk
        if isinstance(result, PermanentFailure) or (
            isinstance(result, TransientFailure)
            and notification.attempts >= settings.CONGSO_NOTIFICATIONS_MAX_ATTEMPTS
        ):
            outcomes[pk] = "failed"
            reason = str(result)[:2000]
            rows.append((NotificationStatus.FAILED, reason, None, None, None, at(now), None, pk, queued))
            logger.error("Notification %s failed: %s", pk, result)
        elif isinstance(result, TransientFailure):
            outcomes[pk] = "retry"
            retry_at.append(now + backoff(notification.attempts))
            rows.append((queued, str(result)[:2000], None, None, None, None, at(retry_at[-1]), pk, queued))
            logger.warning("Notification %s: %s; retry at %s", pk, result, retry_at[-1])
        else:
            outcomes[pk] = "sent"
            done = NotificationStatus.DELIVERED if result.delivered else NotificationStatus.SENT
            delivered = at(now) if result.delivered else None
            provider = result.provider_message_id[:100]
            rows.append((done, "", provider, at(now), delivered, None, None, pk, queued))
    sql = _MARK_SQL.format(table=Notification._meta.db_table)
    with transaction.atomic():
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        if retry_at:
            _enqueue(claimed[0].channel, run_after=min(retry_at))
    return outcomes


def attempt_send(notification_id: int, *, rate_limited: bool = True) -> str:
    """One try of one notification through the batch path (the admin, tests, a task enqueued before
    batches): sent, retry, failed, deferred (over the channel's rate) or skipped (not queued, not due,
    or leased by another worker)."""
    channel = (
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.QUEUED)
        .values_list("channel", flat=True)
        .first()
    )
    if channel is None or channel not in channels or not channels[channel].external:
        return "skipped"
    batch = send_batch(channel, only_ids=[notification_id], rate_limited=rate_limited)
    if batch.deferred:
        _enqueue(channel, run_after=timezone.now() + timedelta(seconds=1))
        return "deferred"
    return batch.outcomes.get(notification_id, "skipped")


# eSMS SendStatus (STANDARDS §8.3): 1 awaiting approval, 2 awaiting send, 4 rejected, 5 done, 7 sent and
# awaiting report.
SMS_REJECTED = "4"
SMS_DONE = "5"


def record_delivery_report(
    request_id: str, sms_id: str, send_status: str, send_failed: int
) -> Notification | None:
    """Apply the gateway's report on the message sent with ``request_id`` (our client message id).
    Idempotent; a report never moves a delivered or failed notification back. Returns the notification,
    or None when the id is not ours."""
    if not request_id.startswith("congso-") or not request_id[7:].isdigit():
        return None
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=int(request_id[7:]), channel=ChannelName.SMS)
            .first()
        )
        if notification is None:
            return None
        if notification.status in (NotificationStatus.DELIVERED, NotificationStatus.FAILED):
            return notification
        if send_status == SMS_DONE and not send_failed:
            notification.status = NotificationStatus.DELIVERED
            notification.delivered_at = now
        elif send_status == SMS_REJECTED or (send_status == SMS_DONE and send_failed):
            notification.status = NotificationStatus.FAILED
            notification.failed_at = now
            notification.failure_reason = (
                f"SMS gateway report: SendStatus {send_status}, SendFailed {send_failed}"
            )
        else:
            return notification
        if sms_id and not notification.provider_message_id:
            notification.provider_message_id = sms_id[:100]
        notification.save(
            update_fields=["status", "delivered_at", "failed_at", "failure_reason", "provider_message_id"]
        )
        audit.record(
            "notifications.delivery_report",
            notification,
            label="sms-gateway",
            changes={"status": notification.status, "send_status": send_status},
        )
    return notification


# --- What the pages read ------------------------------------------------------------------------------


def unread_count(account) -> int:
    """How many in-app messages ``account`` has not read: ``Notification.objects.unread_for(account)``
    counted by a named query, as the header of every signed-in page asks."""
    if not getattr(account, "is_authenticated", False):
        return 0
    connection = connections[Notification.objects.db]
    table = connection.ops.quote_name(Notification._meta.db_table)
    # S608: the table and its columns are the model's own names; the values are parameters.
    sql = f"SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND channel = %s AND read_at IS NULL"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [account.pk, ChannelName.IN_APP.value])
        return cursor.fetchone()[0]


def inbox(account):
    """The account's in-app messages, newest first (a lazy queryset)."""
    return Notification.objects.for_account(account)


def mark_read(account, notification_ids=None) -> int:
    """Mark the account's messages read (all when ``notification_ids`` is None). Others' are untouched.
    Returns how many changed."""
    qs = Notification.objects.unread_for(account)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    with transaction.atomic():
        return qs.update(read_at=timezone.now())


def of_dossier(dossier_id: int) -> list[Notification]:
    """Every notification about a dossier (its timeline for officers), oldest first: the rows of
    ``Notification.objects.of_dossier``, read by a named query (``core.rows``) because every dossier
    page asks, and most dossiers have none or a few."""
    return rows.read(
        Notification,
        "dossier_id = %s",
        [dossier_id],
        order_by="created_at, id",
        connection=connections[Notification.objects.db],
    )


# --- Housekeeping -------------------------------------------------------------------------------------


def requeue_stale(now=None) -> int:
    """Enqueue a sending task for each channel with notifications due for ``STALE_AFTER`` and still
    queued: their task was lost (a worker killed while sending: its lease has passed). Enqueuing twice
    is harmless (the claim takes each row once). Returns how many notifications were stale."""
    now = now or timezone.now()
    stale = (
        Notification.objects.filter(status=NotificationStatus.QUEUED, next_attempt_at__lte=now - STALE_AFTER)
        .values("channel")
        .annotate(count=models.Count("pk"))
    )
    count = 0
    with transaction.atomic():
        for row in stale:
            _enqueue(row["channel"])
            count += row["count"]
    if count:
        logger.warning("Re-enqueued the sending of %s stale notifications", count)
    return count


def purge_old_bodies(now=None) -> int:
    """Erase the texts of notifications sent, delivered or failed more than
    ``CONGSO_NOTIFICATIONS_RETENTION_DAYS`` ago (the status rows stay, for the dossier's timeline)."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.CONGSO_NOTIFICATIONS_RETENTION_DAYS)
    with transaction.atomic():
        purged = (
            Notification.objects.filter(body_purged_at__isnull=True, created_at__lt=before)
            .exclude(status=NotificationStatus.QUEUED)
            .update(subject="", body="", body_purged_at=now)
        )
        if purged:
            audit.record("notifications.purge", changes={"count": purged, "before": before.isoformat()})
    return purged


def retry_failed(queryset) -> int:
    """Put failed notifications back in the queue (the admin's action); audited. Returns how many."""
    now = timezone.now()
    count, again = 0, set()
    with transaction.atomic():
        for notification in queryset.select_for_update().filter(status=NotificationStatus.FAILED):
            notification.status = NotificationStatus.QUEUED
            notification.attempts = 0
            notification.failure_reason = ""
            notification.failed_at = None
            notification.next_attempt_at = now
            notification.save(
                update_fields=["status", "attempts", "failure_reason", "failed_at", "next_attempt_at"]
            )
            audit.record("notifications.retry", notification)
            count += 1
            again.add(notification.channel)
        for channel in sorted(again):
            _enqueue(channel)
    return count
