"""The compiled ``timestamptz`` loader (core.postgresql) gives exactly what Django's own loader gives."""

import datetime

import pytest
from django.db import connection

from congso.core import postgresql

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg's loaders are PostgreSQL's; SQLite stores text"
)

# Instants a dossier can carry, written as PostgreSQL reads them: another zone's offset, half-hour and
# negative offsets, microseconds, the edges of Python's datetime, and a missing value.
LITERALS = [
    "2026-12-07 06:41:22.839711+00",
    "2026-01-01 07:00:00+07",
    "2026-03-31 23:59:59.999999+05:30",
    "1999-12-31 20:00:00-04",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    None,
]


def _select_all(cursor, literals=LITERALS):
    cursor.execute(
        "SELECT " + ", ".join("%s::timestamptz" for _ in literals),  # noqa: S608 -- placeholders only
        literals,
    )
    return cursor.fetchone()


@on_postgresql
@pytest.mark.django_db
def test_new_connections_read_timestamptz_with_the_compiled_loader():
    connection.ensure_connection()
    registered = connection.connection.adapters.get_loader(1184, 0)
    assert registered is postgresql.loader_for(connection.timezone)
    assert registered.timezone is connection.timezone  # Django's per-cursor check finds nothing to redo


@on_postgresql
@pytest.mark.django_db
def test_values_equal_those_of_djangos_loader():
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    with connection.cursor() as ours:
        mine = _select_all(ours)
    with connection.cursor() as theirs:
        register_tzloader(connection.timezone, theirs.cursor)  # Django's Python loader, on this cursor
        django_values = _select_all(theirs)
    assert mine == django_values
    assert [value.tzinfo if value else None for value in mine] == [
        value.tzinfo if value else None for value in django_values
    ]
    assert mine[1] == datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC)


@on_postgresql
@pytest.mark.django_db
def test_a_session_in_another_time_zone_still_gives_djangos_result():
    """Django labels the session's wall time with its own zone; a session moved to another zone (by a
    raw statement) gives the same values from both loaders (year 9999's last instant, past 10000 there,
    is left out: see the next test)."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    literals = [literal for literal in LITERALS if not (literal or "").startswith("9999")]
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
        try:
            mine = _select_all(cursor, literals)
            register_tzloader(connection.timezone, cursor.cursor)
            django_values = _select_all(cursor, literals)
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert mine == django_values


@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("literal", ["infinity", "-infinity"])
def test_what_python_cannot_hold_fails_as_with_djangos_loader(literal):
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from django.db.utils import DataError

    for django_loader in (False, True):
        with connection.cursor() as cursor:
            if django_loader:
                register_tzloader(connection.timezone, cursor.cursor)
            with pytest.raises(DataError):
                _select_all(cursor, [literal])


@on_postgresql
@pytest.mark.django_db
def test_without_time_zone_support_the_values_are_naive():
    connection.ensure_connection()
    loader = postgresql.loader_for(None)(1184, connection.connection)
    assert loader.load(b"2026-01-01 07:00:00+07") == datetime.datetime(2026, 1, 1, 0, 0)


@on_postgresql
@pytest.mark.django_db
def test_the_orm_reads_aware_datetimes(django_user_model):
    user = django_user_model.objects.create_user("tz-reader", password="x" * 12)
    stamp = datetime.datetime(2026, 12, 7, 13, 5, 1, 2, tzinfo=datetime.UTC)
    django_user_model.objects.filter(pk=user.pk).update(date_joined=stamp)
    assert django_user_model.objects.values_list("date_joined", flat=True).get(pk=user.pk) == stamp


def test_other_databases_are_left_as_they_are():
    class Other:
        vendor = "sqlite"

    postgresql.use_compiled_timestamptz_loader(sender=None, connection=Other())
