"""The public status page by dossier code (``tra-cuu/``): non-personal status without a second factor,
the history and the applicant's initials with the PIN or the phone number, the same answer for an
unknown code and a malformed one, and the database-backed rate limits."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from congso.core import ratelimit
from congso.core.models import AuditEntry
from congso.dossiers import standard_forms
from congso.dossiers.models import Status
from congso.portal.views.status_lookup import FACTOR_SCOPE
from tests.support.html import has_link, one, select

from .dossier_world import build_world, drive, page, without_tokens

LOOKUP = "/tra-cuu/"


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def dossier(world):
    return drive(world, Status.SUPPLEMENT_REQUESTED)


def look_up(client, code, factor=None, ip="198.51.100.7"):
    data = {"code": code}
    if factor is not None:
        data["second_factor"] = factor
    return client.post(LOOKUP, data, REMOTE_ADDR=ip)


def test_lookup_url_name_and_form(client, db):
    assert reverse("portal:dossier-lookup") == LOOKUP
    response = client.get(LOOKUP)
    assert response.status_code == 200
    html = page(response)
    assert one(html, "main form")["method"] == "post"
    assert one(html, 'label[for="ma-ho-so"]').text == "Mã hồ sơ"
    assert "Mã tra cứu hoặc số điện thoại" in html


def test_code_alone_shows_only_non_personal_status(client, dossier, world):
    response = look_up(client, dossier.code)
    assert response.status_code == 200
    html = page(response)
    assert dossier.code in html
    assert world.version.procedure.name in html
    assert "Cơ quan cần bạn bổ sung giấy tờ" in html
    assert dossier.due_at is not None
    for personal in ("Nguyễn Văn An", "N. V. A.", "0912345678", "074090000001", "an@example.vn"):
        assert personal not in html
    assert "<table" not in html
    assert not AuditEntry.objects.filter(action="portal.dossier_lookup").exists()


def test_code_is_read_whatever_its_case_and_spacing(client, dossier):
    response = look_up(client, "  " + dossier.code.lower().replace("-", " -") + " ")
    assert response.status_code == 200
    assert dossier.code in page(response)


def test_code_in_the_address_looks_it_up_for_links_and_qr_codes(client, dossier):
    response = client.get(LOOKUP, {"ma-ho-so": dossier.code})
    assert response.status_code == 200
    assert "Cơ quan cần bạn bổ sung giấy tờ" in page(response)
    # The address printed with a QR code on the receipt (form 01).
    printed = standard_forms.status_path(dossier)
    assert printed == reverse("portal:dossier-status", kwargs={"code": dossier.code})
    response = client.get(printed)
    assert response.status_code == 200
    html = page(response)
    assert "Cơ quan cần bạn bổ sung giấy tờ" in html
    assert "N. V. A." not in html
    assert select(html, 'form[action="/tra-cuu/"]')


def test_pin_shows_the_history_and_initials_and_is_audited(client, dossier, world):
    response = look_up(client, dossier.code, dossier.lookup_pin.lower())
    assert response.status_code == 200
    html = page(response)
    assert "N. V. A." in html
    assert "Nguyễn Văn An" not in html and "0912345678" not in html
    assert "Nộp hồ sơ trực tuyến" in html and "Tiếp nhận hồ sơ" in html
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ trong quá trình giải quyết" in html
    # No free text written for the applicant and no officer's name on the public page.
    assert "Tờ khai chưa ký" not in html and "Bản sao Giấy chứng sinh" not in html
    assert world.specialist.full_name not in html
    entry = AuditEntry.objects.for_object(dossier).get(action="portal.dossier_lookup")
    assert entry.changes == {"factor": "pin"}
    assert entry.ip_address == "198.51.100.7"


def test_full_phone_number_is_a_second_factor_too(client, dossier):
    response = look_up(client, dossier.code, "+84 912 345 678")
    assert "N. V. A." in page(response)
    assert AuditEntry.objects.get(action="portal.dossier_lookup").changes == {"factor": "phone"}


def test_the_last_digits_of_the_phone_are_not_enough(client, dossier):
    html = page(look_up(client, dossier.code, "5678"))
    assert "N. V. A." not in html
    assert "Mã tra cứu hoặc số điện thoại không khớp với hồ sơ này." in html


def test_wrong_pin_shows_an_error_and_only_the_public_status(client, dossier):
    response = look_up(client, dossier.code, "ABCDEFGH")
    assert response.status_code == 200
    html = page(response)
    assert "Mã tra cứu hoặc số điện thoại không khớp với hồ sơ này." in html
    assert has_link(html, "#ma-xac-thuc") and one(html, "#ma-xac-thuc")["aria-invalid"] == "true"
    assert "Cơ quan cần bạn bổ sung giấy tờ" in html
    assert "N. V. A." not in html and "<table" not in html
    assert not AuditEntry.objects.filter(action="portal.dossier_lookup").exists()
    assert ratelimit.recent(FACTOR_SCOPE, "198.51.100.7", window=3600) == 1


def test_unknown_code_gets_the_same_answer_as_a_malformed_one(client, dossier):
    unknown = dossier.code[:-4] + "9999"
    answers = [
        look_up(client, unknown),
        look_up(client, "không phải mã <b>"),
        look_up(client, unknown, dossier.lookup_pin),
        look_up(client, "x", "0912345678"),
    ]
    assert {r.status_code for r in answers} == {404}
    bodies = set()
    for response, typed in zip(answers, [unknown, "không phải mã &lt;b&gt;", unknown, "x"], strict=True):
        html = without_tokens(page(response))
        assert "Không tìm thấy hồ sơ có mã này." in html
        bodies.add(html.replace(f'value="{typed}"', 'value=""'))
    assert len(bodies) == 1
    assert not AuditEntry.objects.filter(action="portal.dossier_lookup").exists()


def test_empty_code_asks_for_it(client, db):
    response = client.post(LOOKUP, {"code": " "})
    assert response.status_code == 400
    assert "Vui lòng nhập mã hồ sơ." in page(response)


def test_signed_in_owner_gets_a_link_to_the_full_dossier(client, dossier, world):
    client.force_login(world.an)
    html = page(look_up(client, dossier.code))
    assert reverse("portal:my-dossier", kwargs={"public_id": dossier.public_id}) in html
    client.force_login(world.binh)
    html = page(look_up(client, dossier.code))
    assert str(dossier.public_id) not in html


# --- Rate limits ---------------------------------------------------------------------------------------


def test_too_many_lookups_from_one_address_get_a_429(client, dossier, settings):
    settings.CONGSO_LOOKUP_IP_LIMIT = 3
    settings.CONGSO_LOOKUP_IP_WINDOW_SECONDS = 600
    for _ in range(3):
        assert look_up(client, dossier.code).status_code == 200
    response = look_up(client, dossier.code)
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    html = page(response)
    assert "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn." in html
    assert "Vui lòng thử lại sau 10 phút." in html
    # Another address is not affected; the empty form is never limited.
    assert look_up(client, dossier.code, ip="203.0.113.9").status_code == 200
    assert client.get(LOOKUP, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_too_many_wrong_factors_lock_the_address_that_tried_not_the_dossier(client, dossier, settings):
    """A stranger's wrong guesses used to lock the dossier's status page for its owner for an hour."""
    settings.CONGSO_LOOKUP_CODE_FAILURE_LIMIT = 2
    stranger = "192.0.2.66"
    for _ in range(2):
        assert look_up(client, dossier.code, "WRONG234", ip=stranger).status_code == 200
    response = look_up(client, dossier.code, dossier.lookup_pin, ip=stranger)
    assert response.status_code == 429
    html = page(response)
    assert "Mã tra cứu hoặc số điện thoại đã bị nhập sai quá nhiều lần từ thiết bị này." in html
    assert "N. V. A." not in html
    assert not AuditEntry.objects.filter(action="portal.dossier_lookup").exists()
    # The public status stays available to the stranger; the owner, elsewhere, sees the history.
    assert look_up(client, dossier.code, ip=stranger).status_code == 200
    owner = look_up(client, dossier.code, dossier.lookup_pin, ip="198.51.100.30")
    assert owner.status_code == 200 and "N. V. A." in page(owner)


def test_wrong_factors_from_several_addresses_do_not_add_up(client, dossier, settings):
    settings.CONGSO_LOOKUP_CODE_FAILURE_LIMIT = 2
    for n in range(5):
        assert look_up(client, dossier.code, "WRONG234", ip=f"192.0.2.{n}").status_code == 200
    assert "N. V. A." in page(look_up(client, dossier.code, dossier.lookup_pin, ip="192.0.2.0"))


def test_a_right_factor_does_not_count_as_a_failure(client, dossier, settings):
    settings.CONGSO_LOOKUP_CODE_FAILURE_LIMIT = 2
    for _ in range(4):
        assert "N. V. A." in page(look_up(client, dossier.code, dossier.lookup_pin))
    assert ratelimit.recent(FACTOR_SCOPE, "198.51.100.7", window=3600) == 0
    assert look_up(client, dossier.code, "WRONG234").status_code == 200
    assert look_up(client, dossier.code, "WRONG234").status_code == 200
    assert look_up(client, dossier.code, "WRONG234").status_code == 429


def test_wrong_factors_on_an_unknown_code_count_as_well(client, dossier, settings):
    settings.CONGSO_LOOKUP_CODE_FAILURE_LIMIT = 1
    unknown = dossier.code[:-4] + "9999"
    assert look_up(client, unknown, "WRONG234").status_code == 404
    assert look_up(client, unknown, "WRONG234").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_never_overshoot_the_limit():
    """Read-then-write counting let 34 lookups of 30 through (and 12 wrong PINs of 10) when requests
    came in parallel. Real threads, each with its own database connection."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises all writers on one database lock, so parallel requests "
            "cannot race (tests/core/test_ratelimit.py covers the count on SQLite)."
        )
    threads_count, limit = 16, 5
    barrier = threading.Barrier(threads_count)
    answers, errors = [], []

    def attempt():
        try:
            barrier.wait(timeout=30)
            answers.append(ratelimit.take(FACTOR_SCOPE, "192.0.2.99", limit=limit, window=3600))
        except Exception as exc:  # reported below: a thread's exception would otherwise be lost
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(answers) == [False] * (threads_count - limit) + [True] * limit
    assert ratelimit.recent(FACTOR_SCOPE, "192.0.2.99", window=3600) == threads_count
