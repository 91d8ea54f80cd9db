"""The citizen pages through HTTP: search, browse, the procedure page and template downloads."""

import re
from datetime import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from congso.catalog.models import FeeKind, OnlineMode, Procedure, RequiredPaper
from tests.support.html import has_link, one, select

pytestmark = pytest.mark.urls("tests.catalog.urls")


def assert_no_inline_script_or_style(html: str):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    html = response.content.decode()
    assert_no_inline_script_or_style(html)
    return html


@pytest.fixture
def birth(make_procedure, agency):
    return make_procedure(
        "1.001193",
        "Đăng ký khai sinh",
        agencies=[agency],
        life_events=["co-con-nho"],
        time_limit_value=0,
        receipt_cutoff=time(15),
        online_mode=OnlineMode.FULLY_ONLINE,
        applicant_types="Cha, mẹ hoặc người thân của trẻ",
        implementing_agency_note="Ủy ban nhân dân cấp xã",
        result_type="Giấy khai sinh",
        submission_place="Bộ phận Một cửa cấp xã",
        papers=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {
                "name": "Giấy chứng nhận kết hôn của cha mẹ",
                "originals": 1,
                "is_required": False,
                "from_data_store": True,
            },
            {"name": "Bản sao giấy tờ tùy thân", "copies": 2},
        ],
        fees=[
            {
                "name": "Lệ phí đăng ký khai sinh",
                "amount": 0,
                "exemptions": "Miễn lệ phí khi đăng ký đúng hạn.",
            }
        ],
    )


def test_search_page_lists_and_filters(client, small_catalog):
    html = get(client, reverse("catalog:search"))
    assert "Tất cả 9 thủ tục" in html
    html = get(client, reverse("catalog:search") + "?q=dang+ki+khai+sin")
    assert "Tìm thấy 3 thủ tục" in html
    assert html.index("Đăng ký khai sinh<") < html.index("Đăng ký lại khai sinh")
    assert one(html, "fieldset.catalog-filters > legend").text == "Lọc kết quả"
    assert select(html, 'label[for="id_online_mode"]')
    html = get(client, reverse("catalog:search") + "?q=&online_mode=information")
    assert "Tìm thấy 1 thủ tục" in html and "Chứng thực chữ ký" in html
    assert "Toàn trình" not in html.split("results-title")[1]


def test_search_page_ignores_an_invalid_filter_and_says_so(client, small_catalog):
    html = get(client, reverse("catalog:search") + "?q=khai+sinh&level=quoc-te")
    assert "field-error" in html
    assert "Đăng ký khai sinh" in html


def test_search_paginates(client, make_procedure):
    for n in range(25):
        make_procedure(f"DP.HT.{n:02d}", f"Thủ tục thử số {n:02d}")
    html = get(client, reverse("catalog:search") + "?q=thu+so")
    assert "Tìm thấy 25 thủ tục" in html and "Trang 1 / 2" in html
    html = get(client, reverse("catalog:search") + "?q=thu+so&page=2")
    assert "Thủ tục thử số 24" in html and "Thủ tục thử số 00" not in html
    html = get(client, reverse("catalog:search") + "?q=thu+so&page=99")
    assert "Trang 2 / 2" in html


def test_procedure_page_tells_everything_before_starting(client, birth, agency):
    html = get(client, reverse("catalog:procedure", args=["1.001193"]))
    assert one(html, "h1").text.startswith("Đăng ký khai sinh")
    # what you need
    assert "Tờ khai đăng ký khai sinh" in html and "1 bản chính" in html and "2 bản sao" in html
    assert "(nếu có)" in html and "Có thể lấy từ kho dữ liệu của bạn" in html
    # how long, incl. the 15:00 rule
    assert "Trong ngày làm việc nhận đủ hồ sơ hợp lệ" in html and "sau 15:00" in html
    # how much
    assert "Lệ phí đăng ký khai sinh" in html and "Miễn lệ phí khi đăng ký đúng hạn." in html
    # where and who
    assert agency.name in html and agency.address in html and "Cha, mẹ hoặc người thân của trẻ" in html
    # both vocabularies of the online mode
    assert "Toàn trình" in html and "mức độ 4" in html
    assert "Luật Hộ tịch số 60/2014/QH13" in html
    # no application round yet: no start link at all
    assert "Nộp hồ sơ trực tuyến (toàn trình)" not in html
    assert "chưa mở trên Cổng này" in html


@pytest.mark.urls("tests.catalog.urls_with_apply")
def test_start_button_once_the_application_exists(client, birth, make_procedure):
    html = get(client, reverse("catalog:procedure", args=["1.001193"]))
    assert has_link(html, reverse("portal:apply", kwargs={"procedure_code": "1.001193"}))
    assert "Nộp hồ sơ trực tuyến (toàn trình)" in html
    make_procedure("1.013225", "Cấp giấy phép xây dựng mới", online_mode=OnlineMode.PARTLY_ONLINE)
    html = get(client, reverse("catalog:procedure", args=["1.013225"]))
    assert "Nộp hồ sơ trực tuyến (một phần)" in html
    make_procedure(
        "2.000884",
        "Chứng thực chữ ký",
        online_mode=OnlineMode.INFORMATION,
        submission_place="Bộ phận Một cửa của Ủy ban nhân dân cấp xã",
    )
    html = get(client, reverse("catalog:procedure", args=["2.000884"]))
    assert "Nộp hồ sơ trực tuyến" not in html and "nop-ho-so" not in html
    assert "Nơi nộp hồ sơ:" in html and "Bộ phận Một cửa của Ủy ban nhân dân cấp xã" in html


def test_unverified_figures_are_marked(client, make_procedure):
    make_procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính",
        unverified=["time_limit", "fee"],
        time_limit_value=0,
        fees=[
            {
                "name": "Phí chứng thực",
                "kind": FeeKind.PER_PAGE,
                "rule": {"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000},
            }
        ],
    )
    html = get(client, reverse("catalog:procedure", args=["2.000815"]))
    assert html.count("(đang xác minh)") >= 4  # summary and sections for time limit and fee
    assert "2.000 đồng mỗi trang cho 2 trang đầu" in html
    assert "thời hạn giải quyết, phí, lệ phí" in html


def test_unknown_or_unavailable_procedure_is_a_clear_404(client, make_procedure):
    html = get(client, reverse("catalog:procedure", args=["9.999999"]), status=404)
    assert "Không tìm thấy thủ tục hành chính có mã 9.999999" in html
    make_procedure("DP.HT.09", "Thủ tục chưa hiệu lực", effective_from="2099-01-01")
    html = get(client, reverse("catalog:procedure", args=["DP.HT.09"]), status=404)
    assert "không có phiên bản có hiệu lực" in html


def test_life_event_pages(client, small_catalog):
    html = get(client, reverse("catalog:life-events"))
    assert "Co Con Nho" in html
    html = get(client, reverse("catalog:life-event", args=["co-con-nho"]))
    assert "Đăng ký khai sinh" in html and "Đăng ký kết hôn" not in html
    get(client, reverse("catalog:life-event", args=["khong-co"]), status=404)


def test_agency_pages(client, small_catalog, other_agency):
    html = get(client, reverse("catalog:agencies"))
    assert other_agency.name in html
    html = get(client, reverse("catalog:agency", args=[other_agency.code]))
    assert "Cấp Phiếu lý lịch tư pháp" in html and "Đăng ký khai sinh" not in html


def test_template_download(client, birth, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    paper = RequiredPaper.objects.get(version__procedure=birth, name="Tờ khai đăng ký khai sinh")
    paper.template = default_storage.save("catalog/templates/to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    paper.save()
    html = get(client, reverse("catalog:procedure", args=["1.001193"]))
    url = reverse("catalog:paper-template", args=["1.001193", paper.pk])
    assert has_link(html, url)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 mau"
    assert response["Content-Disposition"].startswith("attachment")
    other = RequiredPaper.objects.get(version__procedure=birth, name="Bản sao giấy tờ tùy thân")
    assert client.get(reverse("catalog:paper-template", args=["1.001193", other.pk])).status_code == 404
    assert client.get(reverse("catalog:paper-template", args=["2.000815", paper.pk])).status_code == 404


def test_pages_with_the_demo_seed_render(client, db):
    from congso.catalog.demo import seed_demo_catalog

    seed_demo_catalog()
    for procedure in Procedure.objects.all():
        html = get(client, reverse("catalog:procedure", args=[procedure.code]))
        assert procedure.name in html
    get(client, reverse("catalog:search") + "?q=chung+thuc")
