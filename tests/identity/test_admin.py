import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.identity.models import User

from .conftest import CITIZEN_ID, PASSWORD


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(username="quantri", kind="official", is_staff=True, is_superuser=True))
    return client


CHANGELIST = "admin:identity_user_changelist"


@pytest.mark.django_db
def test_user_list_masks_the_national_id(admin_client, citizen):
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "an.nguyen" in html and "Nguyễn Văn An" in html
    assert "********0123" in html
    assert CITIZEN_ID not in html
    assert "Số định danh cá nhân" in html  # column header


@pytest.mark.django_db
def test_change_page_shows_the_full_national_id(admin_client, citizen):
    html = admin_client.get(reverse("admin:identity_user_change", args=[citizen.pk])).content.decode()
    assert f'value="{CITIZEN_ID}"' in html
    assert "Khóa đăng nhập" in html and "Không bị khóa" in html


@pytest.mark.django_db
@pytest.mark.parametrize("term", [CITIZEN_ID, "074 090 000 123", "an.ng", "Văn An"])
def test_search_finds_by_national_id_user_name_and_full_name(admin_client, citizen, official, term):
    response = admin_client.get(reverse(CHANGELIST), {"q": term})
    assert list(response.context["cl"].result_list) == [citizen]


@pytest.mark.django_db
def test_national_id_search_needs_the_whole_number(admin_client, citizen):
    response = admin_client.get(reverse(CHANGELIST), {"q": CITIZEN_ID[:6]})
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_search_finds_business_by_tax_code_prefix(admin_client, make_user, citizen):
    business = make_user(username="dn.mot", kind="business", tax_code="3700000001-002")
    response = admin_client.get(reverse(CHANGELIST), {"q": "3700000001"})
    assert list(response.context["cl"].result_list) == [business]


@pytest.mark.django_db
def test_filters_are_offered(admin_client, citizen, official):
    response = admin_client.get(reverse(CHANGELIST), {"kind__exact": "official"})
    assert official in response.context["cl"].result_list
    assert citizen not in response.context["cl"].result_list
    filter_titles = {str(spec.title) for spec in response.context["cl"].filter_specs}
    assert {"loại tài khoản", "mức độ xác thực"} <= filter_titles
    assert admin_client.get(reverse(CHANGELIST), {"is_active__exact": "1"}).status_code == 200
    assert admin_client.get(reverse(CHANGELIST), {"assurance_level__exact": "2"}).status_code == 200


def _add(admin_client, **fields):
    data = {
        "username": "moi.tao",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "kind": "citizen",
        "full_name": "Lê Văn Mới",
        "national_id": "",
        "tax_code": "",
        "organisation_name": "",
        "email": "",
        "phone": "",
        "_save": "Lưu",
    }
    data.update(fields)
    return admin_client.post(reverse("admin:identity_user_add"), data)


@pytest.mark.django_db
def test_add_form_runs_user_clean_for_citizens(admin_client):
    response = _add(admin_client)
    assert response.status_code == 200
    assert "Công dân phải có số định danh cá nhân." in response.content.decode()
    assert not User.objects.filter(username="moi.tao").exists()


@pytest.mark.django_db
def test_add_form_runs_user_clean_for_businesses(admin_client):
    response = _add(admin_client, kind="business")
    assert "Tài khoản doanh nghiệp phải có mã số thuế." in response.content.decode()
    assert not User.objects.filter(username="moi.tao").exists()


@pytest.mark.django_db
def test_add_form_validates_the_national_id(admin_client):
    response = _add(admin_client, national_id="12345")
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()


@pytest.mark.django_db
def test_valid_citizen_is_added(admin_client):
    response = _add(admin_client, national_id="001203004567")
    assert response.status_code == 302
    user = User.objects.get(username="moi.tao")
    assert user.national_id == "001203004567" and user.check_password(PASSWORD)


@pytest.mark.django_db
def test_official_without_national_id_is_stored_with_null(admin_client):
    response = _add(admin_client, kind="official")
    assert response.status_code == 302
    assert User.objects.get(username="moi.tao").national_id is None


@pytest.mark.django_db
def test_change_form_runs_user_clean(admin_client, citizen):
    url = reverse("admin:identity_user_change", args=[citizen.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name not in ("password",)}
    data.update(
        {
            "groups": [],
            "user_permissions": [],
            "national_id": "",
            "is_active": "on",
            "last_login_0": "",
            "date_joined_0": "",
        }
    )
    data = {key: value for key, value in data.items() if value not in (False, None)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Công dân phải có số định danh cá nhân." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.national_id == CITIZEN_ID


@pytest.mark.django_db
def test_last_login_and_date_joined_are_read_only(admin_client, citizen):
    form = (
        admin_client.get(reverse("admin:identity_user_change", args=[citizen.pk])).context["adminform"].form
    )
    assert "last_login" not in form.fields and "date_joined" not in form.fields


@pytest.mark.django_db
def test_lock_status_and_unlock_action(admin_client, citizen, sign_in):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("an.nguyen", "wrong", client=Client(), REMOTE_ADDR="203.0.113.9")
    html = admin_client.get(reverse("admin:identity_user_change", args=[citizen.pk])).content.decode()
    assert f"Đang bị khóa sau {settings.AXES_FAILURE_LIMIT} lần đăng nhập sai" in html

    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "unlock_sign_in_action", "_selected_action": [citizen.pk]},
        follow=True,
    )
    assert "Đã mở khóa đăng nhập cho 1 tài khoản." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="an.nguyen").exists()
    entry = AuditEntry.objects.get(action="identity.unlock")
    assert entry.actor.username == "quantri"
    assert entry.object_id == str(citizen.pk)


@pytest.mark.django_db
def test_axes_admin_is_in_vietnamese_and_deletions_are_audited(admin_client, citizen, sign_in):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("an.nguyen", "wrong", client=Client(), REMOTE_ADDR="203.0.113.9")
    html = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Số lần đăng nhập sai" in html  # "Failed Logins"
    assert "Đang bị khóa" in html  # "Locked Out"
    attempt = AccessAttempt.objects.get()
    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action="identity.unlock")
    assert entry.changes == {"username": "an.nguyen", "ip_address": "203.0.113.9", "attempts_removed": 1}
    assert entry.actor.username == "quantri"
