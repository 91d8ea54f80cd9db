"""E-mails written directly on the batch's SMTP session (``channels._plain_message``) arrive as Django's
``EmailMessage`` would write them: same headers, same decoded subject and body (real SMTP server)."""

from email.header import decode_header, make_header

import pytest
from django.core.mail import EmailMessage, get_connection

from congso.notifications.channels import EmailChannel, PermanentFailure
from congso.notifications.models import Notification

BODY = (
    "UBND phường Phú Cường đã tiếp nhận hồ sơ 000.00.01.H08-261204-0001.\n.Dòng bắt đầu bằng dấu chấm\n\nHết."
)


def notification(pk: int, **changes) -> Notification:
    values = {
        "channel": "email",
        "address": "cong.dan@example.vn",
        "subject": "Hồ sơ 000.00.01.H08-261204-0001 đã được tiếp nhận",
        "body": BODY,
    }
    return Notification(pk=pk, **{**values, **changes})


def as_django_would(n: Notification) -> None:
    connection = get_connection()
    EmailMessage(
        subject=n.subject,
        body=n.body,
        to=[n.address],
        headers={"Message-ID": EmailChannel.message_id(n), "Auto-Submitted": "auto-generated"},
        connection=connection,
    ).send(fail_silently=False)


def seen(message) -> dict:
    names = ("From", "To", "Message-ID", "Auto-Submitted", "MIME-Version", "Content-Type")
    return {
        **{name: message[name] for name in names},
        "Subject": str(make_header(decode_header(message["Subject"]))),
        "Date": bool(message["Date"]),
        "body": message.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n").rstrip("\n"),
    }


def test_a_batch_writes_each_message_itself_and_it_reads_as_djangos(smtp_server, monkeypatch):
    direct = notification(7001)
    as_django_would(notification(7001))

    def refused(*args):
        raise AssertionError("the batch built a MIME object")

    monkeypatch.setattr(EmailMessage, "message", refused)
    results = EmailChannel().send_many([direct])
    assert results[7001].provider_message_id == "<congso-7001@congso.local>"
    django_copy, written = smtp_server
    assert seen(written) == seen(django_copy)
    assert seen(written)["body"] == BODY and seen(written)["Subject"] == direct.subject


@pytest.mark.parametrize(
    "changes",
    [{"body": "x" * 1200}, {"subject": "Tiêu đề\nBcc: ai@example.vn"}],
    ids=["line-over-998-bytes", "line-break-in-subject"],
)
def test_anything_unusual_takes_djangos_path(smtp_server, monkeypatch, changes):
    calls = []
    original = EmailMessage.message

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(EmailMessage, "message", counted)
    results = EmailChannel().send_many([notification(7002, **changes)])
    assert calls  # Django wrote it, or refused it: a line break in a header is never sent
    if "body" in changes:
        assert results[7002].provider_message_id and len(smtp_server) == 1
    else:
        assert isinstance(results[7002], PermanentFailure) and not smtp_server  # not a crashed batch


def test_a_batch_is_carried_by_several_smtp_sessions_at_once(smtp_server, settings):
    settings.CONGSO_EMAIL_CONCURRENCY = 4
    batch = [notification(7100 + n, address=f"nguoi{n}@example.vn") for n in range(8)]
    results = EmailChannel().send_many(batch)
    assert {pk: r.provider_message_id for pk, r in results.items()} == {
        n.pk: f"<congso-{n.pk}@congso.local>" for n in batch
    }
    assert sorted(m["To"] for m in smtp_server) == sorted(n.address for n in batch)
    assert len({m["X-Peer"] for m in smtp_server}) == 4  # four connections (client ports)
