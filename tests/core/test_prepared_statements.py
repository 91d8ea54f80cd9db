"""On PostgreSQL the server binds each statement's values, and a statement that a connection runs again and
again is prepared there (settings ``DATABASE_SERVER_SIDE_BINDING``, ``DATABASE_PREPARE_THRESHOLD``;
docs/operations.md, "Prepared statements")."""

import pytest
from django.conf import settings
from django.db import connection

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="binding and prepared statements are PostgreSQL's"
)


PROBE = "SELECT /* congso: prepared statement probe */ %s::text"


def _probes_prepared_on_this_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared statement probe%"],
        )
        return [statement for (statement,) in cursor.fetchall() if "pg_prepared_statements" not in statement]


@on_postgresql
@pytest.mark.django_db
def test_values_are_bound_by_the_server_and_a_repeated_statement_is_prepared():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert connection.features.uses_server_side_binding is options["server_side_binding"]
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold == options["prepare_threshold"]
    assert _probes_prepared_on_this_connection() == []

    # The same statement with another value each time, as the requests of one server thread run it.
    with connection.cursor() as cursor:
        for n in range((threshold or 5) + 1):
            cursor.execute(PROBE, [f"value-{n}"])
            assert cursor.fetchone() == (f"value-{n}",)

    prepared = _probes_prepared_on_this_connection()
    if threshold is None or not options["server_side_binding"]:  # values written into the text: no Parse
        assert prepared == []
    else:
        assert len(prepared) == 1
        assert "$1" in prepared[0] and "value-" not in prepared[0]  # the value is bound, not in the text


@on_postgresql
@pytest.mark.django_db
def test_a_prepared_statement_reads_each_runs_own_values(django_user_model):
    """Prepared once, the statement still answers for the value of each run, quotes and all."""
    names = ["an", "O'Brien", "Nguyễn Thị Ánh", "x'); DROP TABLE identity_user; --"]
    for name in names:
        django_user_model.objects.create_user(name, password="x" * 12)
    for _round in range(3):
        for name in names:
            assert django_user_model.objects.get(username=name).username == name
