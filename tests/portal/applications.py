"""Builders and steps of the online application's tests (test_application, test_drafts,
test_query_counts): a commune-level procedure version with an example form, its communes, the citizen
An, and the journey's pages driven through HTTP. Fixtures built on them are in ``conftest.py``."""

from datetime import date

from django.urls import reverse

from congso.agencies.models import AgencyKind
from congso.catalog.models import (
    OnlineMode,
    ProcedureLevel,
)
from congso.formengine import examples
from congso.portal.models import ApplicationDraft
from tests.factories.agencies import AgencyFactory
from tests.factories.catalog import FieldFactory, ProcedureFactory, ProcedureVersionFactory
from tests.samples import pdf


def isolate(settings, tmp_path):
    """Files go to a temporary media root; no test here checks password hashing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_agency(code, name, **fields):
    fields.setdefault("kind", AgencyKind.PEOPLES_COMMITTEE)
    return AgencyFactory(code=code, name=name, **fields)


def make_version(
    *,
    code="2.000815",
    name="Chứng thực bản sao từ bản chính",
    level=ProcedureLevel.COMMUNE,
    online_mode=OnlineMode.PARTLY_ONLINE,
    form=None,
    papers=(),
    agencies=(),
    number=1,
    effective_from=date(2025, 7, 1),
    effective_to=None,
    procedure=None,
):
    """A published version in force (by default) with the example form of ``form`` (a procedure code)."""
    if procedure is None:
        procedure = ProcedureFactory(
            code=code,
            name=name,
            level=level,
            field=FieldFactory(code="HT", name="Hộ tịch, chứng thực"),
        )
    schema, ui = examples.load(form) if form else ({}, {})
    return ProcedureVersionFactory(
        procedure=procedure,
        number=number,
        effective_from=effective_from,
        effective_to=effective_to,
        legal_basis="Nghị định 23/2015/NĐ-CP",
        online_mode=online_mode,
        form_schema=schema,
        form_ui=ui,
        time_limit_value=0,
        submission_place="Bộ phận Một cửa Ủy ban nhân dân xã, phường.",
        implementing_agencies=agencies,
        papers=papers,
    )


CERTIFICATION_PAPERS = (
    {"code": "ban-chup", "name": "Bản chụp giấy tờ cần chứng thực", "originals": 0, "copies": 1},
    {"code": "giay-to-tuy-than", "name": "Giấy tờ tùy thân", "from_data_store": True},
    {"code": "giay-to-khac", "name": "Giấy tờ khác liên quan", "is_required": False},
)


def make_communes():
    return [
        make_agency(
            "001.02.12.H08",
            "Ủy ban nhân dân phường Phú Cường",
            address="Số 1 Quang Trung",
            phone="02743822000",
        ),
        make_agency("002.02.12.H08", "Ủy ban nhân dân phường Chánh Nghĩa"),
    ]


def make_citizen(make_user):
    return make_user(
        "an",
        full_name="Nguyễn Văn An",
        national_id="074090000123",
        phone="0912345678",
        email="an@example.com",
    )


def html(response) -> str:
    return response.content.decode()


def url(name, draft=None, **kwargs):
    if draft is not None:
        kwargs["draft_id"] = draft.public_id
    return reverse(f"portal:{name}", kwargs=kwargs)


def start(client, version, relation="self"):
    """Start an application; returns the new draft."""
    response = client.post(url("apply", procedure_code=version.procedure.code), {"relation": relation})
    assert response.status_code == 302, html(response)
    return ApplicationDraft.objects.latest("id")


def fill_certification(client, draft, agency):
    """Answer every page of the certification form up to the papers page."""
    steps = [
        (url("apply-agency", draft), {"agency": agency.code}),
        (
            url("apply-step", draft, step_id="nguoi-yeu-cau"),
            {"nguoi_yeu_cau.dien_thoai": "0912345678", "nguoi_yeu_cau.email": "an@example.com"},
        ),
        (
            url("apply-step", draft, step_id="ban-chinh"),
            {
                "ten_giay_to": "Bằng tốt nghiệp trung học phổ thông",
                "co_quan_cap": "Sở Giáo dục và Đào tạo",
                "ngon_ngu": "tieng_viet",
                "so_trang": "2",
                "so_ban_sao": "3",
            },
        ),
        (url("apply-step", draft, step_id="nhan-ket-qua"), {"hinh_thuc_nhan": "truc_tiep"}),
    ]
    for address, answers in steps:
        response = client.post(address, answers)
        assert response.status_code == 302, (address, html(response))


def ready_to_submit(client, draft, agency):
    fill_certification(client, draft, agency)
    response = client.post(
        url("apply-papers", draft), {"file-ban-chup": pdf("ban-chup.pdf"), "action": "continue"}
    )
    assert response.status_code == 302, html(response)
    assert response["Location"] == url("apply-review", draft)
