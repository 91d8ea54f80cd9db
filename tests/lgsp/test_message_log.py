"""The message log: the hash chain, signed checkpoints, ``congso lgsp verify`` naming the record that
was altered, removed, inserted or reordered, retention behind a checkpoint, the daily exchange counts
and "who used my data"."""

import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.test import override_settings
from django.utils import timezone, translation

from congso.lgsp import messagelog, services
from congso.lgsp.models import ExchangeDay, LogCheckpoint, MessageRecord

pytestmark = pytest.mark.django_db


def entry(n, **extra):
    body = f"answer {n}".encode()
    values = {
        "at": timezone.now(),
        "message_id": f"msg-{n}",
        "client": "GOV/000.00.03.H08/HOTICH",
        "service": "000.00.02.H08/MOTCUA/tra-cuu-ho-so",
        "method": "GET",
        "path": f"/ho-so/{n}",
        "user_id": "canbo1",
        "issue": f"H08.01-{n}",
        "data_subject": "",
        "status": 200,
        "source": "",
        "request_bytes": 0,
        "response_bytes": len(body),
        "duration_us": 1200,
        "request_sha256": hashlib.sha256(b"").hexdigest(),
        "response_sha256": hashlib.sha256(body).hexdigest(),
    }
    values.update(extra)
    return values


@pytest.fixture
def five():
    messagelog.append([entry(n) for n in range(1, 4)])
    messagelog.append([entry(n) for n in range(4, 6)])
    return list(MessageRecord.objects.order_by("seq"))


def problems():
    return messagelog.verify().problems


def test_an_untouched_log_verifies_and_the_command_says_so(five, capsys):
    assert [r.seq for r in five] == [1, 2, 3, 4, 5]
    assert five[0].prev_hash == messagelog.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(five, five[1:], strict=False))
    assert messagelog.write_checkpoint().seq == 5
    assert messagelog.write_checkpoint() is None  # nothing new
    call_command("lgsp", "verify")
    assert "Nhật ký thông điệp toàn vẹn: 5 bản ghi, 1 điểm niêm phong." in capsys.readouterr().out
    with translation.override("en"):
        call_command("lgsp", "verify")
    assert "The message log verifies: 5 records, 1 checkpoints." in capsys.readouterr().out


def test_an_altered_record_is_named(five):
    MessageRecord.objects.filter(seq=3).update(status=500)
    assert problems() == [
        "bản ghi #3 (thông điệp msg-3) đã bị sửa: nội dung không còn khớp với mã băm của nó"
    ]
    with translation.override("en"):
        assert problems() == ["record #3 (message msg-3) was altered: its contents no longer match its hash"]
    with pytest.raises(CommandError, match=r"KHÔNG toàn vẹn: 1 vấn đề \(5 bản ghi"):
        call_command("lgsp", "verify")
    with (
        translation.override("en"),
        pytest.raises(CommandError, match=r"does NOT verify: 1 problems \(5 records"),
    ):
        call_command("lgsp", "verify")


def test_a_removed_record_is_named_by_its_neighbours(five):
    MessageRecord.objects.filter(seq=3).delete()
    assert problems() == ["một bản ghi đã bị xoá giữa bản ghi #2 và bản ghi #4 (thông điệp msg-4)"]
    with translation.override("en"):
        assert problems() == ["a record was removed between record #2 and record #4 (message msg-4)"]


def test_removing_the_last_record_is_seen_from_the_head(five):
    MessageRecord.objects.filter(seq=5).delete()
    assert problems() == ["(các) bản ghi cuối sau bản ghi #4 đã bị xoá (đầu chuỗi là #5)"]
    with translation.override("en"):
        assert problems() == ["the last record(s) after record #4 were removed (the head is #5)"]


def test_an_inserted_record_is_named_even_when_it_is_chained_correctly(five):
    # Make room at position 3 and insert a forged record that chains onto record 2 with a valid hash.
    for seq in (5, 4, 3):
        MessageRecord.objects.filter(seq=seq).update(seq=seq + 1)
    forged = entry(99)
    MessageRecord.objects.create(
        seq=3, prev_hash=five[1].hash, hash=messagelog.chain_hash(five[1].hash, forged), **forged
    )
    assert problems() == ["bản ghi #3 (thông điệp msg-99) đã bị chèn thêm: chuỗi không dẫn tới nó"]
    with translation.override("en"):
        assert problems() == ["record #3 (message msg-99) was inserted: the chain does not lead to it"]


def test_a_record_appended_behind_the_head_is_named(five):
    forged = entry(77)
    MessageRecord.objects.create(
        seq=6, prev_hash=five[4].hash, hash=messagelog.chain_hash(five[4].hash, forged), **forged
    )
    assert problems() == ["bản ghi #6 (thông điệp msg-77) đã bị chèn thêm: chuỗi không dẫn tới nó"]


def test_reordered_records_are_named(five):
    MessageRecord.objects.filter(seq=3).update(seq=-3)
    MessageRecord.objects.filter(seq=4).update(seq=3)
    MessageRecord.objects.filter(seq=-3).update(seq=4)
    assert problems() == [
        "bản ghi #3 (thông điệp msg-4) và bản ghi #4 (thông điệp msg-3) đã bị đổi thứ tự: "
        "trong chuỗi, #3 đứng sau #4"
    ]
    with translation.override("en"):
        assert problems() == [
            "record #3 (message msg-4) and record #4 (message msg-3) were reordered: "
            "#3 follows #4 in the chain"
        ]


def test_a_rewritten_chain_no_longer_matches_its_signed_checkpoint(five):
    messagelog.write_checkpoint()
    # Rewrite record 2 and every hash after it consistently: the chain holds, the seal does not.
    prev = five[0].hash
    for record in MessageRecord.objects.order_by("seq")[1:]:
        if record.seq == 2:
            record.status = 404
        values = {name: getattr(record, name) for name in messagelog.CANONICAL_FIELDS}
        record.prev_hash, record.hash = prev, messagelog.chain_hash(prev, values)
        record.save()
        prev = record.hash
    from congso.lgsp.models import LogHead

    LogHead.objects.filter(pk=1).update(hash=prev)
    assert problems() == ["điểm niêm phong tại bản ghi #5 không còn khớp: các bản ghi tới nó đã bị viết lại"]
    with translation.override("en"):
        assert problems() == ["checkpoint at record #5 no longer matches: records up to it were rewritten"]
    LogCheckpoint.objects.update(signature="AAAA")
    assert problems() == ["điểm niêm phong tại bản ghi #5 có chữ ký không hợp lệ"]
    with translation.override("en"):
        assert problems() == ["checkpoint at record #5 has an invalid signature"]


def test_retention_archives_sealed_records_and_the_rest_still_verifies(five, tmp_path):
    MessageRecord.objects.filter(seq__lte=2).update(at=timezone.now() - timedelta(days=40))
    # Only records under a checkpoint may go: first without one, nothing moves.
    with override_settings(CONGSO_LGSP_LOG_RETENTION_DAYS=30, CONGSO_LGSP_LOG_ARCHIVE_DIR=str(tmp_path)):
        assert messagelog.archive_expired() == 0
    # The aged records' times changed after they were chained; re-chain them as if logged then.
    prev = messagelog.GENESIS
    for record in MessageRecord.objects.order_by("seq"):
        values = {name: getattr(record, name) for name in messagelog.CANONICAL_FIELDS}
        record.prev_hash, record.hash = prev, messagelog.chain_hash(prev, values)
        record.save()
        prev = record.hash
    from congso.lgsp.models import LogHead

    LogHead.objects.filter(pk=1).update(hash=prev)
    messagelog.write_checkpoint()
    with override_settings(CONGSO_LGSP_LOG_RETENTION_DAYS=30, CONGSO_LGSP_LOG_ARCHIVE_DIR=str(tmp_path)):
        assert messagelog.archive_expired() == 2
    assert list(MessageRecord.objects.values_list("seq", flat=True)) == [3, 4, 5]
    archived = list(tmp_path.glob("lgsp-log-*.jsonl"))
    assert [p.name for p in archived] == ["lgsp-log-000000000001-000000000002.jsonl"]
    assert len(archived[0].read_text().splitlines()) == 2
    assert messagelog.verify().ok
    messagelog.append([entry(6)])
    assert messagelog.verify().ok


def test_exchange_days_are_filled_for_client_and_provider(registry):
    provider, consumer = registry["provider"], registry["consumer"]
    messagelog.append(
        [entry(n, client_system_id=consumer.pk, provider_system_id=provider.pk) for n in range(3)]
    )
    counts = dict(ExchangeDay.objects.values_list("system__code", "count"))
    assert counts == {"HOTICH": 3, "MOTCUA": 3}


def test_data_uses_of_a_citizen(five):
    messagelog.append([entry(10, data_subject="074090012345"), entry(11, data_subject="074090099999")])
    uses = list(services.data_uses_of("074090012345"))
    assert [(u["message_id"], u["client"], u["user_id"]) for u in uses] == [
        ("msg-10", "GOV/000.00.03.H08/HOTICH", "canbo1")
    ]


def test_traffic_per_service_and_per_consumer_from_the_log():
    from datetime import timedelta

    now = timezone.now()
    durations = [1000 * n for n in range(1, 101)]  # 1 … 100 ms
    entries = [entry(n, duration_us=d, at=now - timedelta(minutes=1)) for n, d in enumerate(durations)]
    entries[-1]["status"], entries[-1]["source"] = 502, "provider"
    entries.append(entry(500, client="GOV/000.00.04.H08/KHAC", service="000.00.04.H08/X/y", status=403))
    messagelog.append(entries)
    per_service = services.traffic(now - timedelta(hours=1), now + timedelta(seconds=1))
    assert [t.key for t in per_service] == ["000.00.02.H08/MOTCUA/tra-cuu-ho-so", "000.00.04.H08/X/y"]
    busiest = per_service[0]
    assert (busiest.requests, busiest.errors) == (100, 1)
    assert (busiest.p50_ms, busiest.p95_ms, busiest.p99_ms) == (50.0, 95.0, 99.0)
    assert busiest.last_success is not None and busiest.error_share == 0.01
    assert per_service[1].last_success is None
    per_client = services.traffic(now - timedelta(hours=1), now + timedelta(seconds=1), by="client")
    assert {t.key: t.requests for t in per_client} == {
        "GOV/000.00.03.H08/HOTICH": 100,
        "GOV/000.00.04.H08/KHAC": 1,
    }
    assert services.traffic(now + timedelta(seconds=1), now + timedelta(hours=1)) == []


# --- PostgreSQL: a batch in one statement once the writer knows the head ---------------------------

on_postgresql = pytest.mark.skipif(
    db_connection.vendor != "postgresql",
    reason="Needs PostgreSQL: the one-statement batch is written only there (SQLite has no writes in WITH).",
)


def head():
    from congso.lgsp.models import LogHead

    row = LogHead.objects.get(pk=1)
    return row.seq, row.hash


@on_postgresql
def test_after_the_first_batch_each_batch_is_one_statement_chained_onto_the_known_head(registry):
    provider, consumer = registry["provider"], registry["consumer"]
    messagelog.append([entry(1)])  # the head is locked and read: now this process knows it
    assert messagelog._known_head == head()
    calls = []
    one_statement = messagelog._execute_prepared
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(messagelog, "_execute_prepared", lambda *a: calls.append(a) or one_statement(*a))
        messagelog.append(
            [entry(n, client_system_id=consumer.pk, provider_system_id=provider.pk) for n in (2, 3)]
        )
        messagelog.append([entry(4, client_system_id=consumer.pk, provider_system_id=provider.pk)])
    assert len(calls) == 2
    assert messagelog._known_head == head() == (4, MessageRecord.objects.get(seq=4).hash)
    assert messagelog.verify().ok
    # The day's counts: created by the first batch, added to by the second.
    assert dict(ExchangeDay.objects.values_list("system__code", "count")) == {"HOTICH": 3, "MOTCUA": 3}


@on_postgresql
def test_a_head_moved_by_another_writer_is_read_again_and_nothing_is_lost(five):
    stale = messagelog._known_head
    messagelog._known_head = None
    messagelog.append([entry(6)])  # another gateway process: the head moves on without this one knowing
    messagelog._known_head = stale
    assert messagelog.append([entry(7)]) == 1
    assert [r.message_id for r in MessageRecord.objects.order_by("seq")][-2:] == ["msg-6", "msg-7"]
    assert messagelog._known_head == head() and head()[0] == 7
    assert messagelog.verify().ok


@on_postgresql
def test_a_replayed_message_id_refuses_the_whole_batch_and_changes_nothing(five):
    from django.db import IntegrityError

    before = head()
    assert messagelog._known_head == before
    with pytest.raises(IntegrityError):
        messagelog.append([entry(6), entry(3)])  # msg-3 is logged already
    assert messagelog._known_head is None  # the next batch reads the head again
    assert head() == before and MessageRecord.objects.count() == 5
    assert messagelog.append([entry(6)]) == 1  # the caller's transaction is still usable
    assert messagelog.verify().ok
