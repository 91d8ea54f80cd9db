"""The link's system checks (``manage.py check``, ``congso check``)."""

from congso.nationalportal.checks import check_link


def ids(settings, **values):
    for name, value in values.items():
        setattr(settings, name, value)
    return [message.id for message in check_link()]


def test_no_link_no_message(settings):
    assert ids(settings, CONGSO_NATIONALPORTAL_LINK="") == []


def test_an_unknown_plugin_is_an_error(settings):
    assert ids(settings, CONGSO_NATIONALPORTAL_LINK="khong-co") == ["nationalportal.E001"]


def test_a_dvcqg_link_needs_an_address_an_account_and_https_in_production(settings):
    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    assert ids(settings, CONGSO_DVCQG_ADAPTER_URL="", CONGSO_DVCQG_PASSWORD="") == [
        "nationalportal.W001",
        "nationalportal.W002",
    ]
    assert ids(settings, CONGSO_DVCQG_ADAPTER_URL="https://dvcqg.example.vn", CONGSO_DVCQG_PASSWORD="x") == []
    assert ids(settings, CONGSO_DVCQG_ADAPTER_URL="http://dvcqg.example.vn", IS_PRODUCTION=True) == [
        "nationalportal.W003"
    ]
