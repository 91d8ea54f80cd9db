"""The LGSP's demo seeding: the province's systems and services, the portal's right, one credential."""

import pytest

from congso.lgsp import demo, services
from congso.lgsp.models import ConsumerCredential, EventRight, Service, Subscription, System

pytestmark = pytest.mark.django_db


def test_demo_registry_and_its_printed_credential_work(capsys):
    systems = demo.seed_demo_lgsp()
    printed = capsys.readouterr().out
    assert set(systems) == {"CONGDVC", "MOTCUA", "QLVB", "HOTICH", "CPXD"}
    assert all(s.serves_public for s in systems.values())
    assert Service.objects.count() == 4
    secret = printed.split("client_secret")[1].split()[0]
    token = services.issue_token(demo.DEMO_CLIENT_ID, secret, "000.00.02.H08/MOTCUA/tra-cuu-ho-so")
    assert services.verify_token(token.access_token)["sub"] == systems["CONGDVC"].identifier
    assert services.is_allowed(
        systems["CONGDVC"],
        Service.objects.get(code="tra-cuu-ho-so"),
        "GET",
        "/000.00.02.H08-261203-0001/",
    )
    assert Subscription.objects.filter(system=systems["HOTICH"]).count() == len(demo.DEMO_FOLLOWED_EVENTS)

    def counts():
        return tuple(
            model.objects.count() for model in (System, Service, ConsumerCredential, EventRight, Subscription)
        )

    before = counts()
    demo.seed_demo_lgsp()
    assert counts() == before
    assert "client_secret" not in capsys.readouterr().out  # printed once


def test_secret_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv(demo.SECRET_VARIABLE, "s" * 40)
    demo.seed_demo_lgsp()
    assert "s" * 40 not in capsys.readouterr().out
    assert services.issue_token(demo.DEMO_CLIENT_ID, "s" * 40).access_token


def test_a_secret_given_later_or_rotated_away_is_accepted_again_after_reseeding(monkeypatch, capsys):
    demo.seed_demo_lgsp()  # no secret given: one is generated and printed
    monkeypatch.setenv(demo.SECRET_VARIABLE, "t" * 40)
    demo.seed_demo_lgsp()  # the restart with the secret set: that one is the one accepted
    assert services.issue_token(demo.DEMO_CLIENT_ID, "t" * 40).access_token
    services.rotate_credential(ConsumerCredential.objects.get(client_id=demo.DEMO_CLIENT_ID))
    demo.seed_demo_lgsp()
    assert services.issue_token(demo.DEMO_CLIENT_ID, "t" * 40).access_token
    assert ConsumerCredential.objects.filter(client_id=demo.DEMO_CLIENT_ID).count() == 1


def test_ensure_demo_credential_keeps_a_matching_secret_and_restores_a_changed_one():
    demo.seed_demo_lgsp(verbose=False)
    credential = demo.ensure_demo_credential("nen-tang-demo", "a" * 40)
    digest = credential.secret_hash
    assert demo.ensure_demo_credential("nen-tang-demo", "a" * 40).secret_hash == digest  # nothing to do
    demo.ensure_demo_credential("nen-tang-demo", "b" * 40)  # the setting changed between two runs
    with pytest.raises(services.TokenError):
        services.issue_token("nen-tang-demo", "a" * 40)
    assert services.issue_token("nen-tang-demo", "b" * 40).access_token
