"""On PostgreSQL the server binds each statement's values, and congso prepares the statements whose plan
does not depend on their values — rows inserted, rows read by key — inside ``core.postgresql.prepared``;
every other statement is planned for its own values on every run, as Django runs it (settings
``DATABASE_SERVER_SIDE_BINDING``, ``DATABASE_PREPARED_STATEMENTS``; docs/operations.md)."""

import pytest
from django.db import connection
from django.test import override_settings

from congso.core import rows, statements
from congso.core.postgresql import numbered, prepared

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="binding and prepared statements are PostgreSQL's"
)

PROBE = "SELECT /* congso: prepared statement probe */ %s::text"


def _prepared_statements(marker: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall() if marker in statement]


def _run_probe(times: int) -> None:
    with connection.cursor() as cursor:
        for n in range(times):
            cursor.execute(PROBE, [f"value-{n}"])
            assert cursor.fetchone() == (f"value-{n}",)


@on_postgresql
@pytest.mark.django_db
def test_values_are_bound_by_the_server():
    assert connection.features.uses_server_side_binding is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text", ["x'); DROP TABLE identity_user; --"])
        assert cursor.fetchone() == ("x'); DROP TABLE identity_user; --",)


@on_postgresql
@pytest.mark.django_db
def test_outside_prepared_no_statement_is_prepared_however_often_it_runs():
    """A list filtered over unevenly spread data must be planned for its own values each time: a
    prepared statement may settle on one generic plan, 25 times slower for the busiest agency."""
    _run_probe(12)
    assert _prepared_statements("prepared statement probe") == []


@on_postgresql
@pytest.mark.django_db
def test_inside_prepared_a_statement_is_prepared_once_and_answers_each_runs_values():
    with prepared(connection):
        _run_probe(6)
    found = _prepared_statements("prepared statement probe")
    assert len(found) == 1
    assert "$1" in found[0] and "value-" not in found[0]  # the value is bound, not in the text
    # Outside the block the connection is as Django left it: nothing more is prepared.
    assert connection.connection.prepare_threshold is None
    _run_probe(3)
    assert len(_prepared_statements("prepared statement probe")) == 1


@on_postgresql
@pytest.mark.django_db
@override_settings(CONGSO_PREPARED_STATEMENTS=False)
def test_nothing_is_prepared_when_prepared_statements_are_switched_off():
    with prepared(connection):
        _run_probe(6)
    assert _prepared_statements("prepared statement probe") == []


@on_postgresql
@pytest.mark.django_db
def test_named_queries_and_one_statement_writes_are_prepared(django_user_model):
    from congso.core.models import AuditEntry

    user = django_user_model.objects.create_user("prepared-reader", password="x" * 12)
    table = django_user_model._meta.db_table
    for _round in range(3):
        assert rows.read(django_user_model, "id = %s", [user.pk]) == [user]
    assert len(_prepared_statements(f'FROM "{table}" WHERE id = $1')) == 1

    entry = AuditEntry(action="test.prepared", object_type="test", object_id="1")
    statements.execute([statements.values(AuditEntry, [entry])])
    assert entry.pk is not None
    written = _prepared_statements(AuditEntry._meta.db_table)
    assert any(statement.startswith("WITH i0 AS (INSERT INTO") for statement in written)


def test_numbered_writes_postgresqls_placeholders_in_order_and_a_doubled_percent_as_one():
    assert numbered("INSERT INTO t (a, b) VALUES (%s, %s), (%s, 'x%%y')") == (
        "INSERT INTO t (a, b) VALUES ($1, $2), ($3, 'x%y')"
    )
    assert numbered("SELECT 1") == "SELECT 1"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_many_valued_write_is_one_logged_statement_with_djangos_errors(django_user_model):
    """``core.statements`` runs its one statement on psycopg's raw cursor (``fetch_one``): still counted by
    the tests' query counts, still raising Django's errors (``IntegrityError``, then ``InternalError`` for
    what follows in the transaction it broke)."""
    from django.db import IntegrityError, InternalError, transaction
    from django.test.utils import CaptureQueriesContext

    from congso.core.models import AuditEntry

    entries = [AuditEntry(action=f"test.many.{n}", object_type="test", object_id=str(n)) for n in range(12)]
    write = statements.values(AuditEntry, entries)
    assert len(write.params) > 50  # more than psycopg keeps rewritten
    with CaptureQueriesContext(connection) as captured:
        statements.execute([write])
    assert [query["sql"][:24] for query in captured.captured_queries] == ["WITH i0 AS (INSERT INTO "]
    assert "$1" in captured.captured_queries[0]["sql"] and "%s" not in captured.captured_queries[0]["sql"]
    assert all(entry.pk is not None for entry in entries)
    assert AuditEntry.objects.filter(action__startswith="test.many.").count() == 12

    user = django_user_model.objects.create_user("many-values", password="x" * 12)
    twin = django_user_model(username="many-values", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.execute([statements.values(django_user_model, [twin])])
    assert django_user_model.objects.filter(username="many-values").get() == user
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            statements.execute([statements.values(django_user_model, [twin])])
        # PostgreSQL refuses what follows a failed statement; the refusal is Django's error, as for any.
        with pytest.raises(InternalError):
            statements.execute([statements.values(AuditEntry, [AuditEntry(action="test.after")])])
        transaction.set_rollback(True)


@on_postgresql
@pytest.mark.django_db
def test_without_server_binding_a_many_valued_write_runs_through_djangos_cursor(monkeypatch):
    """``DATABASE_SERVER_SIDE_BINDING`` off (values written into the text by psycopg's client cursor):
    the raw cursor, which always binds on the server, is not used."""
    from django.test.utils import CaptureQueriesContext

    from congso.core import postgresql
    from congso.core.models import AuditEntry

    monkeypatch.setattr(postgresql, "_binds_on_server", lambda connection: False)
    entries = [AuditEntry(action=f"test.client.{n}", object_type="test", object_id=str(n)) for n in range(12)]
    with CaptureQueriesContext(connection) as captured:
        statements.execute([statements.values(AuditEntry, entries)])
    (query,) = captured.captured_queries
    assert "$1" not in query["sql"] and "test.client.11" in query["sql"]  # as Django logs it
    assert AuditEntry.objects.filter(action__startswith="test.client.").count() == 12


def test_prepared_leaves_other_databases_alone():
    class Other:
        vendor = "sqlite"

    with prepared(Other()):
        pass


@on_postgresql
@pytest.mark.django_db
def test_the_inbox_prepares_its_reads_by_key_but_never_its_lists(client, actors, submit, media_root):
    """The page's gate (session, account, memberships) and calendar are prepared; its list of dossiers
    and its to-do, filtered and sorted over agencies of very different sizes, are planned for their own
    values on every request (tests/dossiers fixtures)."""
    client.force_login(actors.one_stop)
    for _n in range(3):
        submit()
    for _n in range(7):
        assert client.get("/can-bo/ho-so/").status_code == 200
    prepared_now = _prepared_statements("")
    assert any('"django_session"' in statement for statement in prepared_now)
    assert any('"agencies_staffmembership"' in statement for statement in prepared_now)
    reads = [s for s in prepared_now if "INSERT INTO" not in s]  # a submission's writes are prepared
    lists = [s for s in reads if "ORDER BY" in s and ('"dossiers_dossier"' in s or "UNION ALL" in s)]
    assert lists == []
