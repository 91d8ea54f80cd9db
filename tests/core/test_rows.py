"""Named queries' rows as the ORM's instances (``core.rows``): the same values, converted the same way on
SQLite and PostgreSQL, and None for a LEFT JOIN that found nothing."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from congso.core import rows
from congso.identity.models import User
from congso.portal.models import ApplicationDraft
from tests.portal.applications import make_communes, make_version


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def _read(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns(model, model._meta.db_table)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_an_instance_read_by_a_named_query_equals_the_orms(make_user):
    citizen = make_user(kind="citizen", email="a@example.vn")
    version = make_version(form="2.000815", papers=[], agencies=make_communes())
    draft = ApplicationDraft.objects.create(
        user=citizen,
        procedure_version=version,
        data={"ho_ten": "Nguyễn Văn A", "con": [{"ngay": "2020-01-02"}]},
        acting_for={"relation": "self"},
        expires_at=timezone.now() + timedelta(days=3),
    )
    for model, pk in ((User, citizen.pk), (ApplicationDraft, draft.pk)):
        read = rows.instance(model, _read(model, pk))
        expected = model.objects.get(pk=pk)
        assert _fields(read) == _fields(expected), model
        assert read._state.adding is False and read._state.db == "default"
    # The JSON answers come back as Python values, the moments aware: as the ORM gives them.
    read = rows.instance(ApplicationDraft, _read(ApplicationDraft, draft.pk))
    assert read.data["con"][0]["ngay"] == "2020-01-02"
    assert timezone.is_aware(read.expires_at) and read.public_id == draft.public_id


def test_columns_of_a_model_begin_at_an_offset_and_a_missing_row_is_none(make_user):
    citizen = make_user(kind="citizen")
    row = ("x", *_read(User, citizen.pk), *([None] * rows.width(User)))
    assert rows.instance(User, row, 1).pk == citizen.pk
    assert rows.instance(User, row, 1 + rows.width(User)) is None


def test_a_one_table_named_query_reads_the_rows_meeting_its_condition_in_order(make_user):
    people = [make_user(kind="citizen", email=f"{name}@example.vn") for name in ("c", "a", "b")]
    ids = [person.pk for person in people]
    found = rows.read(
        User, f"id IN ({rows.placeholders(ids)}) AND email <> %s", [*ids, "b@example.vn"], order_by="email"
    )
    assert [user.email for user in found] == ["a@example.vn", "c@example.vn"]
    assert [_fields(user) for user in found] == [
        _fields(User.objects.get(email=e)) for e in ("a@example.vn", "c@example.vn")
    ]
    assert rows.read(User, "id = %s", [-1]) == []
