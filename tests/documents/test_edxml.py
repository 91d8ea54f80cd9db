"""edXML packages and status messages: round trips, hostile and malformed input refused with a reason
and nothing stored, and the exchange between two congso agencies with statuses flowing back."""

import base64
import dataclasses

import pytest

from congso.documents import edxml, exchange, services
from congso.documents.models import Attachment, IncomingDocument, RecipientStatus
from tests.documents.exchange_helpers import PACKAGE, XXE


def test_package_round_trip():
    data = edxml.build(PACKAGE)
    assert b'xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"' in data
    assert b"<edXML:DocumentId>000.00.12.H08,2026/03/02,7/Q" in data
    assert b"<edXML:PromulgationDate>2026/03/02</edXML:PromulgationDate>" in data
    assert edxml.parse(data) == PACKAGE


def test_status_round_trip():
    message = edxml.StatusMessage(
        from_code="000.01.12.H08",
        from_name="UBND phường",
        to_code="000.00.12.H08",
        response_for=PACKAGE.document_id,
        status="04",
        description="Đã phân công",
        timestamp="2026/03/03 08:00:00",
    )
    assert edxml.parse_status(edxml.build_status(message)) == message


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY a{i} "{"&a;" * 10 if i == 1 else f"&a{i - 1};" * 10}">'.encode() for i in range(1, 9)
    )
    + b']><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&a8;</edXML:edXMLEnvelope>'
)


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: XXE, "DTD"),
        (lambda: BILLION_LAUGHS, "DTD"),
        (lambda: b"<not-xml", "không phải XML"),
        (lambda: b"<edXMLEnvelope/>", "Phần tử gốc"),
        (lambda: b"x" * (edxml.MAX_PACKAGE_BYTES + 1), "vượt quá"),
        (
            lambda: _replace(
                edxml.build(PACKAGE), b"<edXML:CodeNumber>7<", "<edXML:CodeNumber>bảy<".encode()
            ),
            "phải là số",
        ),
        (
            lambda: _replace(edxml.build(PACKAGE), b"2026/03/02</edXML:Prom", b"02-03-2026</edXML:Prom"),
            "yyyy/MM/dd",
        ),
        (
            lambda: (
                edxml.build(PACKAGE)
                .replace(b"<edXML:Subject>", b"<edXML:Subject /><edXML:Other>")
                .replace(b"</edXML:Subject>", b"</edXML:Other>")
            ),
            "thiếu Subject",
        ),
        (
            lambda: _replace(
                edxml.build(PACKAGE),
                b"<edXML:Value>" + base64.b64encode(PACKAGE.attachments[0][1]),
                b"<edXML:Value>!!!not-base64",
            ),
            "base64",
        ),
        (
            lambda: _replace(edxml.build(PACKAGE), ",7/QĐ-UBND<".encode(), ",8/QĐ-UBND<".encode()),
            "DocumentId",
        ),
    ],
)
def test_hostile_or_malformed_packages_are_refused_with_a_reason(make, reason):
    with pytest.raises(edxml.PackageError, match=reason):
        edxml.parse(make())


def test_status_codes_outside_the_standard_are_refused():
    bad = edxml.build_status(
        edxml.StatusMessage(
            from_code="a", from_name="", to_code="b", response_for=PACKAGE.document_id, status="99"
        )
    )
    with pytest.raises(edxml.PackageError, match="99"):
        edxml.parse_status(bad)


@pytest.mark.django_db
def test_a_refused_package_stores_nothing(agency_a):
    with pytest.raises(services.DocumentError, match="DTD"):
        services.receive_package(agency_a, XXE)
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_package_for_another_agency_is_refused(agency_a, agency_b):
    assert PACKAGE.to_code != agency_b.code
    with pytest.raises(services.DocumentError, match="không phải cơ quan này"):
        services.receive_package(agency_b, edxml.build(PACKAGE))


@pytest.mark.django_db
def test_exchange_between_two_agencies_with_statuses_back(signed_draft, cast, agency_a, agency_b, officer):
    specialist_b = officer("specialist", agency_b, "chuyenvien_b")
    document = services.issue(signed_draft(), by=cast.clerk)
    services.dispatch(document, by=cast.clerk)

    (received,) = exchange.deliver_dispatched(document.pk)  # what the outbox subscriber does
    assert received.agency == agency_b and received.sender_code == agency_a.code
    assert received.number_symbol == document.number_symbol
    assert received.attachments.get().sha256 == document.attachments.get(kind="signed").sha256
    assert exchange.deliver_dispatched(document.pk) == [received]  # delivered again: registered once

    def sender_sees():
        return document.recipients.get(organ_code=agency_b.code).status

    exchange.deliver_status(received.pk, RecipientStatus.ARRIVED)
    assert sender_sees() == RecipientStatus.ARRIVED
    services.assign(received, by=cast.leader_b, assignee=specialist_b)
    exchange.deliver_status(received.pk, RecipientStatus.ASSIGNED)
    assert sender_sees() == RecipientStatus.ASSIGNED
    services.complete(received, by=specialist_b)
    exchange.deliver_status(received.pk, RecipientStatus.DONE)
    assert sender_sees() == RecipientStatus.DONE


@pytest.mark.django_db
def test_status_events_are_published_for_electronic_documents(signed_draft, cast, agency_b):
    from congso.core.models import OutboxEvent

    document = services.issue(signed_draft(), by=cast.clerk)
    services.dispatch(document, by=cast.clerk)
    (received,) = exchange.deliver_dispatched(document.pk)
    statuses = [e.payload["status"] for e in OutboxEvent.objects.filter(name="documents.status_changed")]
    assert statuses == [RecipientStatus.ARRIVED]
    services.assign(received, by=cast.leader_b, assignee=cast.clerk_b)
    statuses = sorted(
        e.payload["status"] for e in OutboxEvent.objects.filter(name="documents.status_changed")
    )
    assert statuses == [RecipientStatus.ARRIVED, RecipientStatus.ASSIGNED]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["..", ".", " . ", "..."])
def test_an_attachment_named_like_a_directory_is_stored_under_a_plain_name(agency_a, media_root, name):
    # Another installation names the files of a package; ".." as a storage name was refused by Django's
    # storage with SuspiciousFileOperation, which the receiving end did not answer as a refused package.
    package = dataclasses.replace(PACKAGE, attachments=[(name, b"%PDF-1.4 x", "application/pdf")])
    received = services.receive_package(agency_a, edxml.build(package))
    attachment = received.attachments.get()
    assert attachment.name == "tep-dinh-kem"
    assert not attachment.file.name.rstrip("/").endswith((".", "/"))
