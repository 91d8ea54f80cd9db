"""What congso does with psycopg on PostgreSQL beyond Django: timestamps read by psycopg's compiled
loader, and hot statements prepared on their connection (``prepared``).

Reading ``timestamptz`` values at the speed of psycopg's compiled loader:

Django (5.2, ``backends/postgresql/psycopg_any.py``) registers its own loader for ``timestamptz``: a
Python subclass of psycopg's pure-Python loader that parses the text and then sets the connection's
time zone on the result. It replaces psycopg's compiled loader even when psycopg's C implementation is
installed (``psycopg[binary]``), and costs ~3 µs a value: about a millisecond on an inbox page of fifty
dossiers and their to-do, with three or four dates each.

``use_compiled_timestamptz_loader`` registers, on each new connection, a loader with Django's result
(the datetime with ``tzinfo`` replaced by the connection's time zone, naive when ``USE_TZ`` is off)
whose parsing is psycopg's compiled loader: ~1 µs a value. It keeps Django's ``timezone`` attribute,
which Django compares on every cursor to decide whether to register its own loader again. With
psycopg's pure-Python implementation it registers nothing (Django's loader is then as fast as any).
"""

import itertools
import re
import time
from contextlib import contextmanager
from functools import cache, lru_cache

from django.conf import settings

TIMESTAMPTZ = "timestamptz"


@cache
def _compiled_loader():
    """psycopg's own loader class for ``timestamptz`` text, when it is the compiled one; else None."""
    import psycopg
    from psycopg.pq import Format

    if psycopg.pq.__impl__ == "python":
        return None
    oid = psycopg.postgres.types[TIMESTAMPTZ].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)


@cache
def loader_for(tz):
    """The loader class for connections whose Django time zone is ``tz`` (one class per zone, as
    Django makes them), or None when psycopg has no compiled loader."""
    from psycopg.adapt import Loader

    compiled = _compiled_loader()
    if compiled is None:
        return None

    class CompiledTimestamptzLoader(Loader):
        timezone = tz

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = compiled(oid, context).load

        def load(self, data):
            # Django's rule: the instant in the session's time zone, labelled with Django's zone.
            return self._parse(data).replace(tzinfo=tz)

    return CompiledTimestamptzLoader


def use_compiled_timestamptz_loader(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: on a PostgreSQL connection opened with psycopg 3, read
    ``timestamptz`` with ``loader_for(connection.timezone)``."""
    if connection.vendor != "postgresql" or not hasattr(connection.connection, "adapters"):
        return  # SQLite, or psycopg2 (which parses timestamps in C already)
    loader = loader_for(connection.timezone)
    if loader is not None:
        connection.connection.adapters.register_loader(TIMESTAMPTZ, loader)


@contextmanager
def prepared(connection):
    """Every statement ``connection`` runs inside is prepared on it the first time and only executed
    afterwards: PostgreSQL parses and plans it once per connection, not on every request (psycopg keeps
    the last hundred per connection). Each server thread keeps its connection (``CONN_MAX_AGE``), so a
    hot statement is prepared once and then runs for its new values only.

    Only for statements whose best plan does not depend on their values: rows inserted, a row read by
    its key, the few rows of a foreign key. Never around a list filtered and sorted over unevenly spread
    data (an agency's inbox): a prepared statement may keep one generic plan, made for average values,
    and on the busiest ward's filtered inbox that plan read 8,547 rows and sorted them (25 ms) where the
    plan for its values reads 51 (1 ms) (bench/README.md, "Session of 2026-12-07, fourth").

    Nothing is prepared on SQLite, on psycopg 2, when PostgreSQL does not bind the values
    (``DATABASE_SERVER_SIDE_BINDING`` off: they are then written into the text), or when
    ``DATABASE_PREPARED_STATEMENTS`` is off (PgBouncer older than 1.21 in transaction mode)."""
    if not _prepares(connection):
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    # psycopg prepares a statement once it has run ``prepare_threshold`` times on the connection; Django
    # leaves it None (never), so every other statement of the request is left as Django runs it.
    before = driver.prepare_threshold
    driver.prepare_threshold = 0
    try:
        yield
    finally:
        driver.prepare_threshold = before


def _prepares(connection) -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.features.uses_server_side_binding
        and getattr(settings, "CONGSO_PREPARED_STATEMENTS", False)
    )


def fetch_one(connection, sql: str, params: list):
    """Run ``sql`` (Django's ``%s`` placeholders) prepared (``prepared``) and return its one row, like a
    ``prepared_cursor``, but for a statement of many parameters: its placeholders are numbered once per
    statement text (``numbered``) and it runs on psycopg's raw cursor, which takes PostgreSQL's ``$1``,
    ``$2``… as they are.

    Why: psycopg rewrites ``%s`` into ``$n`` on every execution and keeps the result only for statements
    of at most 50 parameters. A submission's one-statement change (``core.statements``) has 108 (online)
    to 159 (counter), and the rewriting cost 0.2–0.3 ms of CPU each time (bench/README.md, "Session of
    2026-12-07, sixth").

    It stays a Django statement: errors are Django's (``IntegrityError``…), a broken transaction is
    refused as Django refuses it, and the statement is in ``connection.queries`` when queries are logged
    (``DEBUG``, the tests' query counts). Where values are not bound on the server (psycopg 2,
    ``DATABASE_SERVER_SIDE_BINDING`` off) it runs through Django's cursor as before."""
    if not _binds_on_server(connection):
        from .rows import prepared_cursor

        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    return fetch_one_numbered(connection, numbered(sql), params)


def fetch_one_numbered(connection, statement: str, params: list):
    """Run ``statement``, written with PostgreSQL's own placeholders (``$1``, ``$2``…), prepared on
    psycopg's raw cursor, and return its one row; Django's errors, broken-transaction check and query log
    as for any statement (``fetch_one``; the LGSP log's batch writes its ``$n`` with their types itself)."""
    from psycopg import RawCursor

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with prepared(connection), connection.wrap_database_errors, RawCursor(connection.connection) as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if connection.queries_logged:
        # As Django's debug cursor logs a statement: what ``CaptureQueriesContext`` and ``DEBUG`` read.
        connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - started:.3f}"})
    return row


_PLACEHOLDER = re.compile(r"%[s%]")


@lru_cache(maxsize=256)
def numbered(sql: str) -> str:
    """``sql`` with each ``%s`` written as PostgreSQL's ``$1``, ``$2``… in order and ``%%`` as ``%``: what
    psycopg sends for it. Cached by text: a kind of change writes the same statement every time."""
    number = itertools.count(1)
    return _PLACEHOLDER.sub(lambda found: "%" if found.group() == "%%" else f"${next(number)}", sql)


def _binds_on_server(connection) -> bool:
    return connection.vendor == "postgresql" and connection.features.uses_server_side_binding
