"""Several INSERTs of one change sent as one SQL statement (PostgreSQL's data-modifying CTEs).

A change on a hot path (a dossier submitted, received, moved) writes a handful of small rows in one
transaction: its status change, audit line, outbox events, their deliveries and the task that delivers
them. Sent one by one, each costs a round trip and the ORM's whole save path; the rows do not depend on
each other's values (except the task on its deliveries' ids, see ``core.events``), so PostgreSQL can take
them as one ``WITH a AS (INSERT …), b AS (INSERT …) SELECT …``. The SQL of each row comes from Django's
own insert compiler (``pre_save`` of ``auto_now_add`` fields, ``get_db_prep_save`` of every value), so a
row written here is the row ``Model.save()`` writes; ``tests/core/test_statements.py`` compares them.

Only for PostgreSQL (``supported()``); SQLite has no data-modifying CTEs, its callers save row by row.
"""

from dataclasses import dataclass, field

# The connection itself (``connections[alias]``), not the ``django.db.connection`` proxy, which looks it
# up again on every attribute read: several reads per value, hundreds of values a change.
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, BigAutoField, SmallAutoField
from django.db.models.sql import InsertQuery

from .postgresql import fetch_one

_AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)


def supported(connection=None) -> bool:
    """Whether this database runs several INSERTs as one statement (PostgreSQL)."""
    return (connection or connections[DEFAULT_DB_ALIAS]).vendor == "postgresql"


@dataclass
class Insert:
    """One ``INSERT`` of ``objs`` (unsaved instances of one model) as a CTE part: its SQL and parameters.
    ``returning``: the database-generated primary keys are read back and set on ``objs``, in order."""

    model: type
    objs: list
    returning: bool = False
    columns: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)


def values(model, objs, connection=None, *, replace: dict | None = None) -> Insert:
    """The ``INSERT`` of ``objs`` with the values ``save()`` would send: each field's ``pre_save``
    (``auto_now_add`` set on the instance too) and ``get_db_prep_save``, as Django's insert compiler does.
    ``replace`` maps a field name to an SQL expression (without parameters) that stands for that field's
    value in every row (the task's arguments computed from the deliveries, ``core.events``).

    The compiler itself is used only where a value is an expression or a field writes its own
    placeholder (``_by_compiler``); building it for each change cost more than the rows' values."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    replace = replace or {}
    fields, columns, plain = _insert_fields(model, connection)
    insert = Insert(model, list(objs), returning=isinstance(model._meta.pk, _AUTO_FIELDS))
    insert.columns = list(columns)
    if not plain:
        return _by_compiler(insert, fields, connection, replace)
    rows, params = [], []
    for obj in objs:
        placeholders = []
        for f in fields:
            value = f.pre_save(obj, True)
            if f.name in replace:
                placeholders.append(replace[f.name])
                continue
            if hasattr(value, "resolve_expression"):
                return _by_compiler(insert, fields, connection, replace)
            placeholders.append("%s")
            params.append(f.get_db_prep_save(value, connection=connection))
        rows.append("(" + ", ".join(placeholders) + ")")
    insert.rows, insert.params = rows, params
    return insert


_INSERT_FIELDS: dict[tuple, tuple] = {}


def _insert_fields(model, connection) -> tuple[list, list[str], bool]:
    """The fields an INSERT of ``model`` writes (not its automatic key, nor generated columns), their
    quoted columns, and whether each takes a plain ``%s`` (no field writes its own placeholder)."""
    key = (model, connection.vendor)
    if key not in _INSERT_FIELDS:
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        if isinstance(model._meta.pk, _AUTO_FIELDS):
            fields = [f for f in fields if f is not model._meta.pk]
        columns = [connection.ops.quote_name(f.column) for f in fields]
        plain = not any(hasattr(f, "get_placeholder") for f in fields)
        _INSERT_FIELDS[key] = (fields, columns, plain)
    return _INSERT_FIELDS[key]


def _by_compiler(insert: Insert, fields, connection, replace: dict) -> Insert:
    """``values`` through Django's insert compiler, for an expression value or a field with its own
    placeholder."""
    query = InsertQuery(insert.model)
    query.insert_values(fields, insert.objs, raw=False)
    compiler = query.get_compiler(connection=connection)
    insert.rows, insert.params = [], []
    for obj in insert.objs:
        placeholders = []
        for f in fields:
            value = compiler.pre_save_val(f, obj)
            if f.name in replace:
                placeholders.append(replace[f.name])
                continue
            placeholder = getattr(f, "get_placeholder", None)  # as the compiler's own ``as_sql``
            sql, params = compiler.field_as_sql(f, placeholder, compiler.prepare_value(f, value))
            placeholders.append(sql)
            insert.params.extend(params)
        insert.rows.append("(" + ", ".join(placeholders) + ")")
    return insert


def execute(inserts: list[Insert], *, tail: list[tuple[str, str, list]] = (), connection=None) -> dict:
    """Run ``inserts`` and ``tail`` as one statement, in the caller's transaction; set the generated
    primary keys on the instances of each ``returning`` insert. ``tail``: ``(name, sql, params)`` CTE
    parts written by the caller, which may read the inserts' parts by their names ``i0``, ``i1``… (their
    own names must differ). Returns, by name, the rows of each tail part that has ``RETURNING``."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    parts, params, results = [], [], []
    for n, insert in enumerate(inserts):
        name = f"i{n}"
        table = quote(insert.model._meta.db_table)
        sql = f"INSERT INTO {table} ({', '.join(insert.columns)}) VALUES {', '.join(insert.rows)}"  # noqa: S608
        if insert.returning:
            pk = quote(insert.model._meta.pk.column)
            sql += f" RETURNING {pk}"
            results.append((name, f"ARRAY(SELECT {pk} FROM {name} ORDER BY {pk})"))  # noqa: S608
        parts.append(f"{name} AS ({sql})")
        params.extend(insert.params)
    for name, sql, tail_params in tail:
        parts.append(f"{name} AS ({sql})")
        params.extend(tail_params)
        if " RETURNING " in sql:
            results.append((name, f"ARRAY(SELECT * FROM {name})"))  # noqa: S608
    select = ", ".join(expression for _name, expression in results) or "1"
    # Prepared: the same INSERTs on every change of a kind, and an INSERT's plan does not depend on values;
    # its hundred-odd placeholders numbered once per statement (``core.postgresql.fetch_one``).
    row = fetch_one(connection, f"WITH {', '.join(parts)} SELECT {select}", params)  # noqa: S608
    values_by_name = {name: list(value) for (name, _expr), value in zip(results, row, strict=False)}
    for n, insert in enumerate(inserts):
        if insert.returning:
            # A multi-row INSERT draws its sequence values in row order, so ascending ids are row order.
            for obj, pk in zip(insert.objs, values_by_name[f"i{n}"], strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
    for insert in inserts:
        if not insert.returning:
            for obj in insert.objs:
                obj._state.adding = False
                obj._state.db = connection.alias
    tail_names = {name for name, _sql, _params in tail}
    return {name: value for name, value in values_by_name.items() if name in tail_names}
