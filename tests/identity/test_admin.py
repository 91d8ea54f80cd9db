import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from congso.core.models import AuditEntry
from congso.identity.models import User
from tests.factories.identity import CITIZEN_ID, PASSWORD
from tests.support.html import one


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
    assert one(html, 'input[name="national_id"]')["value"] == CITIZEN_ID
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


# --- Who manages which account: the matrix (role × account × action) -----------------------------
#
# The administrators are staff with every model permission (the worst case); only
# ``agencies.permissions`` narrows them. The agency administrator administers the Department of Justice.


@pytest.fixture
def accounts(make_user, citizen):
    from django.contrib.auth.models import Group, Permission

    from congso.agencies import demo
    from congso.agencies import services as agency_services

    agencies = demo.seed_demo_agencies()
    everything = Group.objects.create(name="every model permission")
    everything.permissions.set(Permission.objects.all())

    def member(username, agency_key, role, **fields):
        user = make_user(username=username, kind="official", **fields)
        agency_services.add_membership(user, agencies[agency_key], role)
        return user

    people = {
        "citizen": citizen,
        "own_official": member("cb.stp", "justice_admin_division", "specialist"),
        "other_official": member("cb.xa", "commune", "one_stop_officer"),
        "both_official": member("cb.hai.noi", "justice", "leader"),
        "unassigned_official": make_user(username="cb.moi", kind="official"),
        "own_staff": member("cb.staff", "justice", "clerk", is_staff=True),
        "superuser": make_user(username="root", kind="official", is_staff=True, is_superuser=True),
        "agency_admin": member("qt.stp", "justice", "agency_admin", is_staff=True),
        "platform_admin": member("qt.nentang", "science_technology", "platform_admin", is_staff=True),
    }
    agency_services.add_membership(people["both_official"], agencies["commune"], "specialist")
    for key in ("agency_admin", "platform_admin"):
        people[key].groups.add(everything)
    return people


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


VISIBLE_TO = {
    "agency_admin": {"own_official", "unassigned_official"},
    "platform_admin": {
        "citizen",
        "own_official",
        "other_official",
        "both_official",
        "unassigned_official",
        "own_staff",
        "agency_admin",
        "platform_admin",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", sorted(VISIBLE_TO))
def test_each_administrator_sees_and_opens_only_the_accounts_in_their_scope(accounts, actor):
    client = _client_for(accounts[actor])
    listed = set(client.get(reverse(CHANGELIST)).context["cl"].queryset)
    for key, person in accounts.items():
        expected = key in VISIBLE_TO[actor]
        assert (person in listed) is expected, key
        change = client.get(reverse("admin:identity_user_change", args=[person.pk]))
        password = client.get(reverse("admin:auth_user_password_change", args=[person.pk]))
        assert (change.status_code == 200) is expected, key
        assert (password.status_code == 200) is expected, key


@pytest.mark.django_db
def test_an_agency_admin_cannot_reset_the_password_of_an_account_outside_their_scope(accounts):
    client = _client_for(accounts["agency_admin"])
    for key in ("other_official", "superuser", "platform_admin", "citizen"):
        target = accounts[key]
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        client.post(url, {"password1": "Chiem-quyen-2026!", "password2": "Chiem-quyen-2026!"})
        target.refresh_from_db()
        assert not target.check_password("Chiem-quyen-2026!"), key


def _change_data(client, user):
    form = client.get(reverse("admin:identity_user_change", args=[user.pk])).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "password"}
    # Unchecked boxes and empty values are not posted; 0 (an assurance level) is.
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    data.update({"is_active": "on", "national_id": data.get("national_id", "")})
    return form, data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor, target", [("agency_admin", "own_official"), ("platform_admin", "platform_admin")]
)
def test_only_a_superuser_sees_or_sets_the_superuser_and_staff_flags(accounts, actor, target):
    client, person = _client_for(accounts[actor]), accounts[target]
    form, data = _change_data(client, person)
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    forged = {**data, "is_superuser": "on", "is_staff": "on", "full_name": "Tên mới"}
    forged["groups"] = [g.pk for g in accounts["platform_admin"].groups.all()]
    response = client.post(reverse("admin:identity_user_change", args=[person.pk]), forged)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.full_name == "Tên mới"  # the rest of the form was saved…
    assert not person.is_superuser  # …but not the flags
    assert person.is_staff is (target == "platform_admin")
    if target == "own_official":
        assert not person.groups.exists()


@pytest.mark.django_db
def test_a_superuser_still_sets_the_flags(admin_client, official):
    form, data = _change_data(admin_client, official)
    assert {"is_superuser", "is_staff", "groups", "user_permissions"} <= set(form.fields)
    response = admin_client.post(
        reverse("admin:identity_user_change", args=[official.pk]), {**data, "is_staff": "on"}
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.is_staff


@pytest.mark.django_db
def test_an_agency_admin_creates_officials_only_and_deletes_nobody(accounts):
    client = _client_for(accounts["agency_admin"])
    _add(client, kind="citizen", national_id="001203004567")
    assert not User.objects.filter(username="moi.tao").exists()
    assert _add(client, kind="official").status_code == 302
    created = User.objects.get(username="moi.tao")
    assert created.kind == "official" and not created.is_staff
    delete = reverse("admin:identity_user_delete", args=[created.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=created.pk).exists()
