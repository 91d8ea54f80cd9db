"""Templates (unknown variable refused), SMS segments, diacritics, masking."""

import pytest
from django.core.exceptions import ValidationError

from congso.notifications import sms, templating
from congso.notifications.masking import mask_address, mask_email, mask_phone
from congso.notifications.models import Template


def template(**fields):
    values = {"event_key": "dossier.accepted", "channel": "sms", "language": "vi", "subject": "", "body": ""}
    values.update(fields)
    return Template(**values)


@pytest.mark.django_db
def test_a_template_with_an_unknown_variable_is_refused():
    bad = template(body="Hồ sơ {{ ma_ho_so }} của {{ ho_ten }} đã được tiếp nhận")
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "ho_ten" in str(caught.value.message_dict["body"])
    assert not Template.objects.exists()


@pytest.mark.django_db
def test_a_template_with_known_variables_is_accepted_and_renders():
    good = template(body="Ho so {{ma_ho_so}} hen tra {{ han_tra }}")
    good.full_clean()
    assert (
        templating.render(good.body, {"ma_ho_so": "X-1", "han_tra": "01/01/2027"})
        == "Ho so X-1 hen tra 01/01/2027"
    )


@pytest.mark.parametrize(
    "body",
    ["{{ ma_ho_so|upper }}", "{% if x %}a{% endif %}", "{{ dossier.applicant_name }}", "{{ ma_ho_so"],
)
@pytest.mark.django_db
def test_template_tags_filters_and_lookups_are_refused(body):
    with pytest.raises(ValidationError):
        template(body=body).full_clean()


@pytest.mark.django_db
def test_an_email_template_needs_a_subject_and_an_unknown_event_is_refused():
    with pytest.raises(ValidationError) as caught:
        template(channel="email", body="{{ ma_ho_so }}").full_clean()
    assert "subject" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        template(event_key="dossier.nothing", body="x").full_clean()
    assert "event_key" in caught.value.message_dict


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),  # extension characters count twice
        ("[" * 81, "GSM-7", 2),
        ("ă" * 70, "UCS-2", 1),
        ("ă" * 71, "UCS-2", 2),
        ("Hồ sơ đã được tiếp nhận", "UCS-2", 1),
        ("", "GSM-7", 0),
    ],
)
def test_sms_segments(text, encoding, parts):
    counted = sms.count(text)
    assert (counted.encoding, counted.parts) == (encoding, parts)


def test_vietnamese_diacritics_force_ucs2_and_stripping_them_gives_gsm7():
    text = "Hồ sơ 000.00.01.H08-261204-0001 đã được tiếp nhận. Hẹn trả kết quả ngày 15/12/2026."
    assert sms.count(text).unicode
    assert "ồ" in sms.count(text).forced_by
    plain = sms.strip_diacritics(text)
    assert plain == "Ho so 000.00.01.H08-261204-0001 da duoc tiep nhan. Hen tra ket qua ngay 15/12/2026."
    assert sms.count(plain).encoding == "GSM-7"
    assert sms.strip_diacritics("ĐẶNG Ưng") == "DANG Ung"


def test_contact_details_are_masked():
    assert mask_phone("0912345634") == "09******34"
    assert mask_email("nguyen.an@example.com") == "n***@example.com"
    assert mask_address("0912345634") == "09******34"
    assert mask_address("an@example.vn") == "a***@example.vn"
    assert mask_address("account:5") == ""


@pytest.mark.django_db
def test_demo_templates_are_valid_and_seeding_twice_changes_nothing():
    from congso.notifications.demo import seed_demo_notifications

    created = seed_demo_notifications()
    assert created == Template.objects.count() == len(templating.VARIABLES) * 3 * 2  # channels × languages
    for saved in Template.objects.all():
        saved.full_clean()  # every built-in text uses only its event's variables
    assert seed_demo_notifications() == 0
