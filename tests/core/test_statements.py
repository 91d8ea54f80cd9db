"""``core.statements.values``: the values of an INSERT as Django's insert compiler makes them, without
building the compiler unless a value is an expression."""

from datetime import UTC, datetime

from django.db import connection
from django.db.models import Value
from django.db.models.functions import Lower

from congso.core import statements
from congso.core.models import AuditEntry, OutboxEvent


def _events():
    moment = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    return [
        OutboxEvent(
            name="dossier.received", aggregate_type="dossiers.dossier", aggregate_id="7", payload={"a": [1]}
        ),
        OutboxEvent(name="dossier.status_changed", payload={"to": "dang_xu_ly"}, occurred_at=moment),
    ]


def _as_compared(insert):
    # JSON values are adapter objects (psycopg's Jsonb): compare what they hold.
    params = [getattr(value, "obj", value) for value in insert.params]
    return insert.columns, insert.rows, params


def test_values_are_the_insert_compilers(db):
    fields, _columns, plain = statements._insert_fields(OutboxEvent, connection)
    assert plain
    events = _events()
    quick = statements.values(OutboxEvent, events)
    by_compiler = statements._by_compiler(statements.Insert(OutboxEvent, events), fields, connection, {})
    by_compiler.columns = quick.columns
    # auto_now_add sets the moment on each instance: compare all but those.
    moment_index = [f.name for f in fields].index("occurred_at")
    for insert in (quick, by_compiler):
        for row in range(2):
            insert.params[row * len(fields) + moment_index] = None
    assert _as_compared(quick) == _as_compared(by_compiler)
    assert quick.returning is False  # a UUID key is the instance's own


def test_an_expression_value_goes_through_the_compiler(db):
    entry = AuditEntry(action=Lower(Value("TEST.EXPRESSION")))
    insert = statements.values(AuditEntry, [entry])
    assert "LOWER(" in insert.rows[0]
    assert insert.returning is True


def test_a_replaced_field_takes_the_given_sql(db):
    insert = statements.values(OutboxEvent, _events()[:1], replace={"payload": "'{}'::jsonb"})
    assert "'{}'::jsonb" in insert.rows[0]
    assert len(insert.params) == len(insert.columns) - 1
