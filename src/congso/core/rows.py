"""Values of rows read by a written-out statement (a named query that skips the ORM on a hot path).

A column read through a union, a subquery or an expression comes back without its model field's
conversion: SQLite gives a moment as text, PostgreSQL as an aware datetime. ``moment`` makes both the
aware datetime the ORM would have given.

A named query that reads whole rows of a model (the session, the signed-in account, a draft with its
version) names them with ``columns`` and turns them into the instance the ORM would have built with
``instance``: building and compiling the queryset costs several times the round trip on every request
(``bench/README.md``, "Submissions"), while the statement itself never changes.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

# The connection itself (``connections[alias]``), not the ``django.db.connection`` proxy, which looks it
# up again on every attribute read: several reads per value, hundreds of values a change.
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .postgresql import prepared


def moment(value) -> datetime | None:
    """``value`` (a datetime, its ISO text, or None) as an aware datetime; a naive one is read as UTC,
    which is how Django stores moments in SQLite."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a moment: {value!r}")
        value = parsed
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


@contextmanager
def prepared_cursor(connection):
    """A cursor of ``connection`` whose statements are prepared on PostgreSQL (``core.postgresql.prepared``):
    for a named query by key, which every request runs with new values and the same best plan."""
    with prepared(connection), connection.cursor() as cursor:
        yield cursor


def placeholders(values) -> str:
    """``%s, %s, …``, one per value, for an ``IN (…)`` list of parameters."""
    return ", ".join(["%s"] * len(values))


def columns(model, alias: str, connection=None) -> str:
    """``"alias"."column", …``: every concrete column of ``model`` in field order, as ``instance`` reads
    them. ``alias`` is the table's name or its alias in the statement."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    key = (model, alias, connection.vendor)
    if key not in _COLUMNS:  # the same text on every request: worked out once
        quote = connection.ops.quote_name
        _COLUMNS[key] = ", ".join(
            f"{quote(alias)}.{quote(field.column)}" for field in model._meta.concrete_fields
        )
    return _COLUMNS[key]


_COLUMNS: dict[tuple, str] = {}


def instance(model, row, start: int = 0, connection=None):
    """The ``model`` instance whose columns (``columns(model, …)``) begin at ``row[start]``, as the ORM
    builds it: each value through its field's converters (JSON text, SQLite's moments and decimals),
    then ``Model.from_db``. None when the primary key is NULL (a LEFT JOIN that found nothing)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    reading = _reading(model, connection)
    values = list(row[start : start + len(reading.names)])
    if values[reading.pk_index] is None:
        return None
    for index, expression, functions in reading.converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return model.from_db(connection.alias, reading.names, values)


def width(model) -> int:
    """How many values of a row ``columns(model, …)`` reads: where the next model's columns begin."""
    return len(model._meta.concrete_fields)


def select(tables, connection=None) -> str:
    """The select list of a join: ``columns`` of each ``(model, alias)`` of ``tables``, in order, as
    ``instances`` reads them back."""
    return ", ".join(columns(model, alias, connection) for model, alias in tables)


def instances(row, models, connection=None) -> list:
    """One instance (or None, for a LEFT JOIN that found nothing) per model of ``models``, reading
    ``row`` from the start in the order of ``select``."""
    found, start = [], 0
    for model in models:
        found.append(instance(model, row, start, connection))
        start += width(model)
    return found


def read(model, where: str, params: list, *, order_by: str = "", connection=None) -> list:
    """The instances of ``model`` whose rows meet ``where``, in ``order_by`` order: a named query of
    one table. ``where`` and ``order_by`` are SQL over the table's own columns, written by the caller
    with no value in them; every value is one of ``params``. The statement is prepared
    (``prepared_cursor``), so ``where`` selects by a key or a foreign key, never a list whose best plan
    depends on the values."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    # S608: the table and its columns are the model's own names, the conditions the caller's own SQL
    # (never a value: those are parameters).
    sql = f"SELECT {columns(model, table, connection)} FROM {connection.ops.quote_name(table)} WHERE {where}"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {order_by}"
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return [instance(model, row, 0, connection) for row in cursor.fetchall()]


def read_with(
    model, where: str, params: list, *, related=(), known=None, order_by: str = "", connection=None
) -> list:
    """As ``read``, with the instances of ``related`` (names of ``model``'s foreign keys, one level)
    joined and cached on each instance as ``select_related`` caches them, None where the key is empty;
    ``known`` (name → instance) is cached as given, as a related manager caches the object it belongs to.
    In ``where`` and ``order_by`` the table's columns are written ``t.column``. Prepared, as ``read``."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in related]
    tables = [(model, "t")] + [(field.related_model, f"r{i}") for i, field in enumerate(fields)]
    joins = "".join(
        f" LEFT JOIN {quote(field.related_model._meta.db_table)} r{i}"
        f" ON r{i}.{quote(field.target_field.column)} = t.{quote(field.column)}"
        for i, field in enumerate(fields)
    )
    # S608: the tables, aliases and columns are the models' own names, the conditions the caller's own
    # SQL (never a value: those are parameters).
    sql = f"SELECT {select(tables, connection)} FROM {quote(model._meta.db_table)} t{joins} WHERE {where}"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {order_by}"
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    known_fields = [(model._meta.get_field(name), value) for name, value in (known or {}).items()]
    result = []
    for row in found:
        main, *others = instances(row, [m for m, _alias in tables], connection)
        for field, other in zip(fields, others, strict=True):
            field.set_cached_value(main, other)
        for field, value in known_fields:
            field.set_cached_value(main, value)
        result.append(main)
    return result


@dataclass(frozen=True)
class _Reading:
    names: list[str]
    pk_index: int
    converters: list[tuple]


_READINGS: dict[tuple, _Reading] = {}


def _reading(model, connection) -> _Reading:
    """The attribute names of ``model``'s concrete fields and, for those whose value needs it, the
    converters the ORM applies (the backend's and the field's own), worked out once per model and
    database kind."""
    key = (model, connection.vendor)
    if key not in _READINGS:
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            # In the order the ORM's compiler applies them: the backend's, then the field's.
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if functions:
                converters.append((index, expression, functions))
        _READINGS[key] = _Reading([f.attname for f in fields], fields.index(model._meta.pk), converters)
    return _READINGS[key]
