"""Document numbers (Decree 30/2020, STANDARDS §5): from 01 on 1 January to 31 December per register,
unique in the year, gap-free and never reused.

``next_number(register, year)`` is one statement, ``INSERT … ON CONFLICT (register, year) DO UPDATE SET
last_value = last_value + 1 RETURNING last_value``, run *inside the caller's transaction* (the one that
stores the issued document), like ``dossiers.codes.next_sequence``: the row is created at 1 or
incremented, and locked either way until that transaction ends, so two clerks issuing at once wait for
each other instead of reading the same value, and an issue that rolls back gives its number back. A
number that was committed is never handed out again: nothing ever decrements the row.
"""

from django.db import connection, transaction

from .models import WITHOUT_ABBREVIATION, RegisterSequence


def next_number(register, year: int) -> int:
    """Take the next number of ``register`` in ``year`` and return it (see the module docstring)."""
    quote = connection.ops.quote_name
    table = quote(RegisterSequence._meta.db_table)
    register_column, year_column, value = (
        quote(RegisterSequence._meta.get_field(name).column) for name in ("register", "year", "last_value")
    )
    # Identifiers come from the model's meta (quoted); the values are parameters.
    sql = (
        f"INSERT INTO {table} ({register_column}, {year_column}, {value}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({register_column}, {year_column}) DO UPDATE SET {value} = {table}.{value} + 1 "
        f"RETURNING {value}"
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, [register.pk, year])
        return cursor.fetchone()[0]


def format_symbol(document_type: str, agency_short_name: str, drafting_unit: str = "") -> str:
    """The symbol after the number: ``QĐ-UBND`` for a decision, ``UBND-VP`` for a công văn (the agency,
    then the drafting unit), ``UBND`` for a công văn without a drafting unit."""
    if document_type in WITHOUT_ABBREVIATION:
        return "-".join(part for part in (agency_short_name, drafting_unit) if part)
    return "-".join(part for part in (document_type, agency_short_name) if part)


def format_number_symbol(number: int, symbol: str) -> str:
    """``Số: 12/QĐ-UBND``'s ``12/QĐ-UBND``: numbers below 10 take a leading 0."""
    return f"{number:02d}/{symbol}"
