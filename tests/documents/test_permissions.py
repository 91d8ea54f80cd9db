"""Who may do what with a document: the role × action matrix of documents.permissions."""

import pytest

from congso.documents import permissions, services
from tests.support.documents import assert_matrix as _matrix

pytestmark = pytest.mark.django_db


def test_register_incoming(cast, agency_a):
    _matrix(cast, lambda p: permissions.can_register_incoming(p, agency_a), ["clerk"])


def test_read_registers(cast, agency_a):
    _matrix(cast, lambda p: permissions.reads_registers(p, agency_a), ["clerk", "leader", "deputy"])


def test_view_and_assign_incoming(cast, incoming):
    document = incoming()
    _matrix(cast, lambda p: permissions.can_view_incoming(p, document), ["clerk", "leader", "deputy"])
    _matrix(cast, lambda p: permissions.can_assign(p, document), ["leader", "deputy"])
    services.assign(document, by=cast.leader, assignee=cast.specialist, cooperating=[cast.other_specialist])
    _matrix(
        cast,
        lambda p: permissions.can_view_incoming(p, document),
        ["clerk", "leader", "deputy", "specialist", "other_specialist"],
    )
    _matrix(cast, lambda p: permissions.can_handle(p, document), ["specialist"])


def test_draft(cast, agency_a):
    _matrix(
        cast,
        lambda p: permissions.can_draft(p, agency_a),
        ["clerk", "leader", "deputy", "specialist", "other_specialist"],
    )


def test_outgoing_along_its_life(cast, agency_a):
    draft = services.draft_outgoing(agency=agency_a, by=cast.specialist, document_type="TB", summary="X")
    _matrix(
        cast, lambda p: permissions.can_view_outgoing(p, draft), ["clerk", "leader", "deputy", "specialist"]
    )
    _matrix(cast, lambda p: permissions.can_edit_draft(p, draft), ["specialist"])
    services.submit_for_approval(draft, by=cast.specialist, approvers=[cast.deputy], signer=cast.leader)
    _matrix(cast, lambda p: permissions.can_edit_draft(p, draft), [])
    _matrix(cast, lambda p: permissions.can_decide(p, draft), ["deputy"])
    services.decide(draft, by=cast.deputy, approve=True)
    _matrix(cast, lambda p: permissions.can_decide(p, draft), ["leader"])
    _matrix(cast, lambda p: permissions.can_sign(p, draft), [])
    services.decide(draft, by=cast.leader, approve=True)
    _matrix(cast, lambda p: permissions.can_sign(p, draft), ["leader"])
    _matrix(cast, lambda p: permissions.can_issue(p, draft), [])
    services.sign(draft, by=cast.leader)
    _matrix(cast, lambda p: permissions.can_issue(p, draft), ["clerk"])
    services.issue(draft, by=cast.clerk)
    _matrix(cast, lambda p: permissions.can_dispatch(p, draft), ["clerk"])
    _matrix(cast, lambda p: permissions.can_issue(p, draft), [])
