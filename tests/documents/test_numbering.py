"""Document numbers: the symbol per Decree 30, yearly gap-free sequences per register, numbers given
back on rollback, and 50 issues in parallel on PostgreSQL getting 50 consecutive numbers."""

import multiprocessing

import pytest
from django.db import connection, transaction

from congso.documents import numbering, services
from congso.documents.models import Direction, OutgoingDocument, Register, RegisterSequence

from . import race_child


@pytest.mark.parametrize(
    "document_type, unit, expected",
    [
        ("QĐ", "", "QĐ-UBND"),
        ("TB", "VP", "TB-UBND"),  # the drafting unit is only in a công văn's symbol
        ("CV", "VP", "UBND-VP"),
        ("CV", "", "UBND"),
    ],
)
def test_symbol_per_decree_30(document_type, unit, expected):
    assert numbering.format_symbol(document_type, "UBND", unit) == expected


def test_numbers_below_ten_take_a_leading_zero():
    assert numbering.format_number_symbol(7, "QĐ-UBND") == "07/QĐ-UBND"
    assert numbering.format_number_symbol(125, "UBND-VP") == "125/UBND-VP"


def test_each_register_and_year_counts_from_one(db, agency_a, agency_b):
    outgoing_a = Register.objects.create(agency=agency_a, direction=Direction.OUTGOING, name="Sổ đi")
    incoming_a = Register.objects.create(agency=agency_a, direction=Direction.INCOMING, name="Sổ đến")
    outgoing_b = Register.objects.create(agency=agency_b, direction=Direction.OUTGOING, name="Sổ đi")
    with transaction.atomic():
        got = [numbering.next_number(outgoing_a, 2026) for _ in range(3)]
        got += [numbering.next_number(incoming_a, 2026), numbering.next_number(outgoing_b, 2026)]
        got += [numbering.next_number(outgoing_a, 2027)]
    assert got == [1, 2, 3, 1, 1, 1]


def test_a_rolled_back_issue_gives_its_number_back(db, agency_a):
    register = Register.objects.create(agency=agency_a, direction=Direction.OUTGOING, name="Sổ đi")
    with transaction.atomic():
        assert numbering.next_number(register, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(register, 2026) == 2
        raise RuntimeError("signing failed")
    with transaction.atomic():
        assert numbering.next_number(register, 2026) == 2
    assert RegisterSequence.objects.get(register=register, year=2026).last_value == 2


def test_a_register_for_decisions_keeps_its_own_numbers(db, agency_a):
    decisions = Register.objects.create(
        agency=agency_a, direction=Direction.OUTGOING, name="Sổ quyết định", document_types=["QĐ"]
    )
    general = Register.objects.create(agency=agency_a, direction=Direction.OUTGOING, name="Sổ chung")
    assert services.register_for(agency_a, Direction.OUTGOING, "QĐ") == decisions
    assert services.register_for(agency_a, Direction.OUTGOING, "CV") == general


PROCESSES = 10
PER_PROCESS = 5


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_issues_get_fifty_consecutive_numbers(signed_draft, cast, settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises all writers on one database lock, so parallel processes "
            "cannot race on the register's sequence row (the sequential tests above cover gap-freedom)."
        )
    drafts = [signed_draft(f"Về việc số {i}").pk for i in range(PROCESSES * PER_PROCESS)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [
        context.Process(
            target=race_child.issue_many,
            args=(
                connection.settings_dict["NAME"],
                str(settings.MEDIA_ROOT),
                settings.CONGSO_DOCUMENTS_PKI_DIR,
                cast.clerk.pk,
                drafts[worker * PER_PROCESS : (worker + 1) * PER_PROCESS],
                barrier,
                results,
            ),
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    errors = [detail for status, detail in outcomes if status == "error"]
    assert not errors, errors
    numbers = sorted(n for _status, made in outcomes for n in made)
    assert numbers == list(range(1, PROCESSES * PER_PROCESS + 1))
    issued = OutgoingDocument.objects.filter(number__isnull=False)
    assert sorted(issued.values_list("number", flat=True)) == numbers
    assert RegisterSequence.objects.get().last_value == PROCESSES * PER_PROCESS


def test_the_notice_type_is_a_notice_in_english_not_the_menus_notifications():
    """ "Thông báo" as a document type (TB) was translated with the menu's "Notifications"."""
    from django.utils import translation

    from congso.documents.models import DocumentType

    with translation.override("en"):
        assert str(DocumentType.NOTICE.label) == "Notice"
    with translation.override("vi"):
        assert str(DocumentType.NOTICE.label) == "Thông báo"
