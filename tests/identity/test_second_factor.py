"""Officials' mandatory second factor: nothing is reachable before it, enrolment with a QR code,
recovery codes shown once and stored hashed, the idle timeout, and the recent sign-ins page."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.identity import second_factor
from congso.identity.models import RecoveryCode
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.second_factor


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def officer(official):
    StaffMembershipFactory(user=official, agency=AgencyFactory(), role="one_stop_officer")
    return official


@pytest.fixture
def device(officer):
    return TOTPDevice.objects.create(user=officer, name="app", confirmed=True)


GUARDED = ["/can-bo/", "/quan-tri/", "/", "/tai-khoan/bao-mat/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", GUARDED)
def test_an_official_reaches_nothing_before_the_second_factor(client, sign_in, officer, device, path):
    response = sign_in("canbo.mot", PASSWORD)
    assert response.status_code == 302
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:second-factor"))


@pytest.mark.django_db
def test_admin_and_workspace_open_after_the_code(client, sign_in, officer, device):
    sign_in("canbo.mot", PASSWORD)
    wrong = client.post(reverse("identity:second-factor"), {"code": "000000"})
    assert wrong.status_code == 200 and "Mã xác thực không đúng" in wrong.content.decode()
    assert client.get("/can-bo/").status_code == 302
    # django-otp makes the next attempt wait after a failure; the officer waited.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(
        reverse("identity:second-factor") + "?next=/can-bo/",
        {"code": current_code(device), "next": "/can-bo/"},
    )
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200


@pytest.mark.django_db
def test_a_citizen_is_not_asked(client, sign_in, citizen):
    sign_in("an.nguyen", PASSWORD)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_staff_without_a_role_is_asked_too(client, make_user):
    staff = make_user("nhanvien", kind="citizen", is_staff=True)
    client.force_login(staff)
    response = client.get("/quan-tri/")
    assert response["Location"].startswith(reverse("identity:second-factor-enrol")) or response[
        "Location"
    ].startswith(reverse("identity:second-factor"))


@pytest.mark.django_db
def test_enrolment_with_qr_then_recovery_codes_shown_once(client, sign_in, officer):
    sign_in("canbo.mot", PASSWORD)
    assert client.get(reverse("identity:second-factor"))["Location"] == reverse(
        "identity:second-factor-enrol"
    )
    page = client.get(reverse("identity:second-factor-enrol")).content.decode()
    assert reverse("identity:second-factor-qr") in page
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=", page)  # CSP: no inline script or style
    qr = client.get(reverse("identity:second-factor-qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    pending = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert second_factor.secret_base32(pending) in page
    response = client.post(reverse("identity:second-factor-enrol"), {"code": current_code(pending)})
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", response.content.decode())
    assert len(codes) == 10 and "no-store" in response["Cache-Control"]
    assert TOTPDevice.objects.get(user=officer).confirmed
    stored = set(RecoveryCode.objects.filter(user=officer).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # only hashes are kept
    assert client.get("/can-bo/").status_code == 200
    # Signing in again asks for the code; a recovery code works once.
    client.post(reverse("identity:logout"))
    sign_in("canbo.mot", PASSWORD)
    assert client.get("/can-bo/").status_code == 302
    assert client.post(reverse("identity:second-factor"), {"code": codes[0].upper()}).status_code == 302
    assert client.get("/can-bo/").status_code == 200
    client.post(reverse("identity:logout"))
    sign_in("canbo.mot", PASSWORD)
    reused = client.post(reverse("identity:second-factor"), {"code": codes[0]})
    assert reused.status_code == 200 and client.get("/can-bo/").status_code == 302
    assert RecoveryCode.objects.filter(user=officer, used_at=None).count() == 9


@pytest.mark.django_db
def test_enrolment_cannot_replace_an_authenticator_without_passing_it(client, sign_in, officer, device):
    sign_in("canbo.mot", PASSWORD)
    response = client.get(reverse("identity:second-factor-enrol"))
    assert response["Location"] == reverse("identity:second-factor")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
def test_the_enrolment_qr_code_is_not_given_to_a_password_alone(client, sign_in, officer, device):
    # Someone with the password only must not learn the secret of the authenticator the official will
    # enrol next: the QR code made the pending device, and the enrolment page later reused it.
    sign_in("canbo.mot", PASSWORD)
    response = client.get(reverse("identity:second-factor-qr"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:second-factor")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


@pytest.mark.django_db
def test_guessing_is_limited(client, sign_in, officer, device):
    sign_in("canbo.mot", PASSWORD)
    for _attempt in range(second_factor.ATTEMPT_LIMIT):
        client.post(reverse("identity:second-factor"), {"code": "123456"})
    response = client.post(reverse("identity:second-factor"), {"code": current_code(device)})
    assert response.status_code == 200 and "quá nhiều lần" in response.content.decode()
    assert client.get("/can-bo/").status_code == 302


@pytest.mark.django_db
def test_idle_officials_are_signed_out(client, sign_in, officer, device, settings, monkeypatch):
    settings.CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS = 600
    sign_in("canbo.mot", PASSWORD)
    client.post(reverse("identity:second-factor"), {"code": current_code(device)})
    assert client.get("/can-bo/").status_code == 200
    now = second_factor.time.time()
    monkeypatch.setattr(second_factor.time, "time", lambda: now + 601)
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_recent_sign_ins_are_listed(client, sign_in, officer, device):
    sign_in("canbo.mot", PASSWORD, HTTP_USER_AGENT="TrinhDuyetThu/1.0")
    client.post(reverse("identity:second-factor"), {"code": current_code(device)})
    page = client.get(reverse("identity:security")).content.decode()
    assert "TrinhDuyetThu/1.0" in page and "Đăng nhập" in page
    # Times read as on the citizen's other pages: "10:02, 06/12/2026", not "06/12/2026 10:02".
    assert re.search(r'<td class="nowrap">\d\d:\d\d, \d\d/\d\d/\d{4}</td>', page)


@pytest.mark.django_db
def test_recovery_codes_can_be_made_again_only_after_passing(client, sign_in, officer, device):
    sign_in("canbo.mot", PASSWORD)
    assert client.post(reverse("identity:recovery-codes")).status_code == 302
    assert RecoveryCode.objects.count() == 0
    client.post(reverse("identity:second-factor"), {"code": current_code(device)})
    response = client.post(reverse("identity:recovery-codes"))
    assert response.status_code == 200 and RecoveryCode.objects.filter(user=officer).count() == 10


@pytest.mark.django_db
def test_demo_officials_get_the_published_authenticator(officer, citizen, settings):
    from congso.identity.demo import DEMO_TOTP_KEY, seed_demo_second_factor

    assert seed_demo_second_factor(["canbo.mot", "an.nguyen"]) == 1
    assert seed_demo_second_factor(["canbo.mot", "an.nguyen"]) == 0  # idempotent
    device = TOTPDevice.objects.get(user=officer)
    assert device.bin_key == DEMO_TOTP_KEY and device.confirmed
    assert second_factor.verify(officer, current_code(device)) == "totp"
    settings.IS_PRODUCTION = True
    with pytest.raises(RuntimeError):
        seed_demo_second_factor(["canbo.mot"])


@pytest.mark.django_db
def test_failed_sign_ins_against_the_account_are_listed(client, sign_in, officer, device):
    sign_in("canbo.mot", "sai-mat-khau")
    sign_in("canbo.mot", PASSWORD)
    client.post(reverse("identity:second-factor"), {"code": current_code(device)})
    page = client.get(reverse("identity:security")).content.decode()
    assert "Đăng nhập không thành công" in page


@pytest.mark.django_db
def test_the_demo_key_is_shown_only_for_the_demo_authenticator(client, sign_in, officer, settings):
    from congso.identity.demo import DEMO_TOTP_SECRET_BASE32, seed_demo_second_factor

    seed_demo_second_factor(["canbo.mot"])
    sign_in("canbo.mot", PASSWORD)
    assert DEMO_TOTP_SECRET_BASE32 in client.get(reverse("identity:second-factor")).content.decode()
    TOTPDevice.objects.update(name="app")
    assert DEMO_TOTP_SECRET_BASE32 not in client.get(reverse("identity:second-factor")).content.decode()


@pytest.mark.django_db
def test_the_admin_resets_an_authenticator_without_showing_its_secret(admin_client, officer, device):
    from congso.core.models import AuditEntry

    session = admin_client.session
    session[second_factor.VERIFIED_KEY] = "2026-01-01T00:00:00+07:00"  # the superuser passed their own
    session.save()
    second_factor.new_recovery_codes(officer)
    listing = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200 and "Trần Thị Bình" in listing.content.decode()
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page and second_factor.secret_base32(device) not in page
    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not RecoveryCode.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(
        action="identity.second_factor.reset", object_id=str(officer.pk)
    ).exists()


@pytest.mark.django_db
def test_demo_citizens_numbers_count_as_verified(citizen, make_user):
    from congso.identity.demo import mark_demo_numbers_verified

    no_number = make_user("firm", kind="business")
    assert mark_demo_numbers_verified(["an.nguyen", "firm"]) == 1
    citizen.refresh_from_db()
    no_number.refresh_from_db()
    assert (citizen.assurance_level, no_number.assurance_level) == (1, 0)
    assert mark_demo_numbers_verified(["an.nguyen"]) == 0
