"""Dossier events reach agency systems through the LGSP's publish/subscribe (no second mechanism): a
hand-over made through the API is published as ``dossier.handed_over`` and the receiving department's
system, subscribed for its own agency, gets it — without personal data."""

import json

import pytest

from congso.core import events
from congso.core.models import EventDelivery
from congso.dossiers.models import Status
from congso.lgsp import services as lgsp
from tests.samples import APPLICANT

pytestmark = pytest.mark.django_db


def test_a_hand_over_through_the_api_reaches_the_receiving_agencys_system(
    api, lgsp_systems, drive, actors, agency_b
):
    types = {t.code: t for t in lgsp.ensure_domain_event_types()}
    lgsp.grant_events(types["dossier.handed_over"], system=lgsp_systems["b"])  # its own agency only
    subscription = lgsp.subscribe(lgsp_systems["b"], types["dossier.handed_over"], "pull").subscription
    dossier = drive(Status.ACCEPTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    etag = client.get(f"/api/v1/dossiers/{dossier.code}")["ETag"]
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/hand-over",
        {"to_agency": agency_b.code, "step_name": "Thẩm định hồ sơ"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ban-giao-1",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        assert events.attempt_delivery(pk) == "delivered", EventDelivery.objects.get(pk=pk).last_error
    received = lgsp.fetch(subscription)
    assert [e["type"] for e in received] == ["dossier.handed_over"]
    data = received[0]["data"]
    assert (data["code"], data["to_agency_code"], data["step_name"]) == (
        dossier.code,
        agency_b.code,
        "Thẩm định hồ sơ",
    )
    text = json.dumps(data, ensure_ascii=False)
    assert all(value not in text for value in APPLICANT.values())
    assert "dossier_id" not in data and "hand_over_id" not in data
