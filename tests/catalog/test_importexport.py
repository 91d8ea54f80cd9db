"""Import and export: the round trip in both formats, and a file full of errors that imports nothing."""

import io
import json
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from congso.catalog import importexport as ie
from congso.catalog.demo import seed_demo_catalog
from congso.catalog.models import (
    Fee,
    Field,
    LifeEvent,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    VersionStatus,
)
from tests.factories.catalog import ProcedureVersionFactory, RequiredPaperFactory

from .workbooks import error_workbook


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def rich_catalog(db, media):
    """The demo seed plus what it lacks: an earlier version with an end date and a paper with a template."""
    seed_demo_catalog()
    procedure = Procedure.objects.get(code="1.001193")
    old = ProcedureVersionFactory(
        procedure=procedure,
        number=0 + 2,
        status=VersionStatus.DRAFT,
        effective_from=date(2026, 7, 1),
        effective_to=date(2027, 6, 30),
        legal_basis="Dự thảo",
        time_limit_value=2,
        form_schema={"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "integer"}}},
    )
    name = default_storage.save("catalog/templates/to-khai-khai-sinh.pdf", ContentFile(b"%PDF-1.4 mau"))
    RequiredPaperFactory(version=old, code="to-khai", name="Tờ khai", originals=1, template=name)
    return procedure


def wipe_catalog():
    """An empty catalog (the agencies stay: they belong to another block)."""
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    LifeEvent.objects.all().delete()


def workbook_values(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    }


def test_json_round_trip_into_an_empty_catalog(rich_catalog):
    first = ie.export_json()
    wipe_catalog()
    report = ie.import_catalog(io.BytesIO(first.encode()), format="json")
    assert report.ok, [str(i) for i in report.issues]
    assert ie.export_json() == first
    document = json.loads(first)
    assert len(document["procedures"]) >= 30
    assert document["procedures"][0]["versions"][0]["papers"] is not None


def test_xlsx_round_trip_into_an_empty_catalog(rich_catalog):
    first = ie.export_xlsx()
    json_before = ie.export_json()
    wipe_catalog()
    report = ie.import_catalog(io.BytesIO(first), format="xlsx")
    assert report.ok, [str(i) for i in report.issues]
    assert workbook_values(ie.export_xlsx()) == workbook_values(first)
    assert ie.export_json() == json_before  # nothing lost through the spreadsheet either
    sheets = workbook_values(first)
    assert sheets["Thủ tục"][0][:3] == ["Mã thủ tục", "Mã thủ tục quốc gia", "Tên thủ tục"]
    assert {"Thành phần hồ sơ", "Phí, lệ phí", "Lĩnh vực", "Sự kiện cuộc sống"} <= set(sheets)


def test_xlsx_export_stores_formula_like_text_as_text_and_round_trips(rich_catalog):
    Procedure.objects.filter(code="1.001193").update(name='=HYPERLINK("http://evil.example/","x")')
    first = ie.export_xlsx()
    sheet = load_workbook(io.BytesIO(first))["Thủ tục"]
    cells = [
        c
        for row in sheet.iter_rows(min_row=2)
        for c in row
        if c.value == Procedure.objects.get(code="1.001193").name
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    json_before = ie.export_json()
    wipe_catalog()
    report = ie.import_catalog(io.BytesIO(first), format="xlsx")
    assert report.ok, [str(i) for i in report.issues]
    assert ie.export_json() == json_before


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_xlsx_export_writes_user_text_starting_like_a_formula_as_text(rich_catalog, start):
    legal_basis = f"{start}SUM(1+1) Nghị định 123/2015/NĐ-CP"
    paper_name = f"{start}cmd|' /C calc'!A0"
    ProcedureVersion.objects.filter(procedure__code="1.001193").update(legal_basis=legal_basis)
    RequiredPaper.objects.filter(version__procedure__code="1.001193").update(name=paper_name)
    book = load_workbook(io.BytesIO(ie.export_xlsx()))
    cells = [
        cell
        for sheet in (book["Thủ tục"], book["Thành phần hồ sơ"])
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in (legal_basis, paper_name)
    ]
    assert {cell.value for cell in cells} == {legal_basis, paper_name}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert not [
        c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"
    ]


def test_repeated_import_writes_nothing(rich_catalog):
    content = ie.export_json().encode()
    before = list(Procedure.objects.order_by("pk").values_list("updated_at", flat=True))
    report = ie.import_catalog(io.BytesIO(content), format="json")
    assert report.ok and report.rows_written == 0
    assert list(Procedure.objects.order_by("pk").values_list("updated_at", flat=True)) == before


def test_spreadsheet_with_errors_imports_nothing_and_reports_each_line(db):
    report = ie.import_catalog(io.BytesIO(error_workbook()), format="xlsx")
    assert not report.ok
    assert not Procedure.objects.exists() and not Field.objects.exists()
    found = {(issue.where, issue.line): issue.message for issue in report.issues}
    expectations = {
        ("Thủ tục", 3): "N.NNNNNN",
        ("Thủ tục", 4): "không âm",
        ("Thủ tục", 5): "Không có lĩnh vực mã “khong-co”",
        ("Thủ tục", 6): "“truc-tuyen” không hợp lệ",
        ("Thủ tục", 8): "trùng với phiên bản 1",
        ("Thủ tục", 9): "Thiếu “Tên thủ tục”",
        ("Thành phần hồ sơ", 3): "Không có phiên bản 1 của thủ tục 9.999999",
        ("Phí, lệ phí", 2): "first_rate",
    }
    for place, fragment in expectations.items():
        assert place in found, f"no error reported at {place}: {[str(i) for i in report.issues]}"
        assert fragment in found[place], found[place]
    assert ("Thủ tục", 2) not in found and ("Thủ tục", 7) not in found
    assert str(report.issues[0]).startswith("Thủ tục, dòng 3: ")
    assert report.summary() == f"Không nhập gì: có {len(report.issues)} lỗi cần sửa."


def test_json_errors_are_located(db):
    document = {
        "format": "congso.catalog",
        "format_version": 1,
        "fields": [{"code": "ho-tich", "name": "Hộ tịch"}],
        "procedures": [
            {
                "code": "1.001193",
                "national_code": "1.001193",
                "name": "Đăng ký khai sinh",
                "field": "ho-tich",
                "level": "commune",
                "ten": "x",
                "versions": [
                    {
                        "number": 1,
                        "effective_from": "01/07/2025",
                        "legal_basis": "Luật",
                        "implementing_agencies": ["000.00.99.H08", "@xa"],
                        "papers": [{"name": "Tờ khai", "originals": "hai"}],
                    }
                ],
            }
        ],
    }
    report = ie.import_catalog(io.BytesIO(json.dumps(document).encode()), format="json")
    messages = [str(i) for i in report.issues]
    assert any("Thủ tục thứ 1 (1.001193): Khóa không được hỗ trợ: ten." in m for m in messages)
    assert any("Không có cơ quan có mã định danh “000.00.99.H08”" in m for m in messages)
    assert any("bí danh “@xa”" in m for m in messages)
    assert any("giấy tờ thứ 1" in m and "“hai” không phải số nguyên" in m for m in messages)
    assert not Procedure.objects.exists()


def _one_version_document(form_schema, form_ui) -> dict:
    version = {"number": 1, "effective_from": "01/07/2025", "legal_basis": "Luật", "papers": []}
    version.update(form_schema=form_schema, form_ui=form_ui)
    return {
        "format": "congso.catalog",
        "format_version": 1,
        "fields": [{"code": "ho-tich", "name": "Hộ tịch"}],
        "procedures": [
            {
                "code": "1.001193",
                "national_code": "1.001193",
                "name": "Đăng ký khai sinh",
                "field": "ho-tich",
                "level": "commune",
                "versions": [version],
            }
        ],
    }


@pytest.mark.parametrize(
    ("form_ui", "problem"),
    [
        # A misspelt top-level key was silently ignored: the form lost its steps.
        ({"step": [{"id": "x", "fields": ["a"]}]}, "khóa “step” không được hỗ trợ (có phải là “steps”?)"),
        # Valid JSON that the engine cannot build: a field that no step asks.
        ({"steps": [{"id": "x", "fields": ["a"]}]}, "Biểu mẫu trực tuyến: Trường “b” không thuộc bước nào"),
    ],
)
def test_a_form_the_engine_cannot_build_is_refused_at_import(db, form_ui, problem):
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    document = _one_version_document(schema, form_ui)
    report = ie.import_catalog(io.BytesIO(json.dumps(document).encode()), format="json")
    messages = [str(i) for i in report.issues]
    assert any(problem in m for m in messages), messages
    assert not Procedure.objects.exists()


def test_unreadable_files_are_reported_not_raised(db):
    bad_json = ie.import_catalog(
        io.BytesIO(b'{"format": "congso.catalog",\n "procedures": [,]}'), format="json"
    )
    assert not bad_json.ok and bad_json.issues[0].line == 2
    not_catalog = ie.import_catalog(io.BytesIO(b"[]"), format="json")
    assert "format" in not_catalog.issues[0].message
    bad_xlsx = ie.import_catalog(io.BytesIO(b"not a zip"), format="xlsx")
    assert "Không đọc được bảng tính" in bad_xlsx.issues[0].message


def test_import_updates_in_place_and_replaces_papers_and_fees(db, agency):
    def document(name, papers, fees, agencies):
        return {
            "format": "congso.catalog",
            "format_version": 1,
            "fields": [{"code": "chung-thuc", "name": "Chứng thực"}],
            "procedures": [
                {
                    "code": "2.000815",
                    "national_code": "2.000815",
                    "name": name,
                    "field": "chung-thuc",
                    "level": "commune",
                    "versions": [
                        {
                            "number": 1,
                            "status": "published",
                            "effective_from": "2025-07-01",
                            "legal_basis": "Nghị định số 23/2015/NĐ-CP",
                            "implementing_agencies": agencies,
                            "papers": papers,
                            "fees": fees,
                        }
                    ],
                }
            ],
        }

    first = ie.import_raw(
        ie.read_json(
            document(
                "Chứng thực bản sao",
                [{"name": "Bản chính", "originals": 1}, {"name": "Bản sao", "copies": 1}],
                [{"name": "Phí", "amount": 2000}],
                ["@commune"],
            )
        ),
        agency_aliases={"commune": agency.code},
    )
    assert first.ok, [str(i) for i in first.issues]
    version = ProcedureVersion.objects.get()
    assert list(version.implementing_agencies.all()) == [agency]
    assert [p.code for p in version.papers.all()] == ["ban-chinh", "ban-sao"]
    second = ie.import_raw(
        ie.read_json(
            document("Chứng thực bản sao từ bản chính", [{"name": "Bản sao", "copies": 2}], [], [agency.code])
        )
    )
    assert second.ok and second.procedures_updated == 1 and second.versions_updated == 1
    version.refresh_from_db()
    assert version.procedure.name == "Chứng thực bản sao từ bản chính"
    assert [(p.code, p.copies) for p in version.papers.all()] == [("ban-sao", 2)]
    assert not Fee.objects.exists()
    assert ProcedureVersion.objects.get().pk == version.pk


def test_dry_run_changes_nothing(db):
    document = {
        "format": "congso.catalog",
        "format_version": 1,
        "fields": [{"code": "ho-tich", "name": "Hộ tịch"}],
        "procedures": [],
    }
    report = ie.import_raw(ie.read_json(document), dry_run=True)
    assert report.ok and report.summary().startswith("Kiểm tra xong, không có lỗi")
    assert not Field.objects.exists()


def test_import_refuses_overlap_with_a_stored_version(make_procedure):
    make_procedure("2.000815", "Chứng thực bản sao", effective_from=date(2025, 7, 1))
    document = {
        "format": "congso.catalog",
        "format_version": 1,
        "procedures": [
            {
                "code": "2.000815",
                "national_code": "2.000815",
                "name": "Chứng thực bản sao",
                "field": "ho-tich",
                "level": "commune",
                "versions": [
                    {"number": 2, "status": "published", "effective_from": "2026-01-01", "legal_basis": "Mới"}
                ],
            }
        ],
    }
    report = ie.import_raw(ie.read_json(document))
    assert [i.message for i in report.issues] == [
        "Thời gian hiệu lực trùng với phiên bản 1 đã công bố của cùng thủ tục."
    ]
    assert ProcedureVersion.objects.count() == 1


def test_a_missing_template_file_is_an_error(db, media):
    document = {
        "format": "congso.catalog",
        "format_version": 1,
        "fields": [{"code": "ho-tich", "name": "Hộ tịch"}],
        "procedures": [
            {
                "code": "1.001193",
                "national_code": "1.001193",
                "name": "Đăng ký khai sinh",
                "field": "ho-tich",
                "level": "commune",
                "versions": [
                    {
                        "number": 1,
                        "effective_from": "2025-07-01",
                        "legal_basis": "Luật",
                        "papers": [{"name": "Tờ khai", "template": "catalog/templates/x.pdf"}],
                    }
                ],
            }
        ],
    }
    report = ie.import_raw(ie.read_json(document))
    assert "Không tìm thấy tệp mẫu “catalog/templates/x.pdf”" in report.issues[0].message


def test_management_commands(rich_catalog, tmp_path, capsys):
    json_path = tmp_path / "catalog.json"
    xlsx_path = tmp_path / "catalog.xlsx"
    call_command("export_catalog", str(json_path), format="json")
    call_command("export_catalog", str(xlsx_path), format="xlsx")
    exported = json_path.read_text(encoding="utf-8")
    wipe_catalog()
    call_command("import_catalog", str(xlsx_path), dry_run=True)
    assert not Procedure.objects.exists()
    call_command("import_catalog", str(xlsx_path))
    assert ie.export_json() == exported
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(error_workbook())
    with pytest.raises(CommandError, match="Không nhập gì"):
        call_command("import_catalog", str(bad))
    assert "Thủ tục, dòng 3" in capsys.readouterr().err
    with pytest.raises(CommandError, match="9.999999"):
        call_command("export_catalog", "-", code=["9.999999"])


def test_deeply_nested_json_is_refused_with_a_message(db):
    """A few thousand nested brackets used to end in RecursionError (an HTTP 500 in the admin)."""
    deep = "[" * 100_000 + "]" * 100_000
    document = '{"format": "congso.catalog", "format_version": 1, "procedures": ' + deep + "}"
    report = ie.import_catalog(io.BytesIO(document.encode()), format="json")
    assert not report.ok
    assert "JSON lồng nhau quá sâu" in report.issues[0].message
    # The same inside a spreadsheet cell that holds JSON (the online form's schema).
    book = Workbook()
    sheet = book.active
    sheet.title = ie.SHEET_PROCEDURES
    columns = ie.PROCEDURE_COLUMNS + ie.VERSION_COLUMNS
    sheet.append([c.header for c in columns])
    sheet.append(["{" * 5000 if c.key == "form_schema" else None for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    report = ie.import_catalog(io.BytesIO(buffer.getvalue()), format="xlsx")
    assert any("JSON lồng nhau quá sâu" in i.message for i in report.issues)
    assert not Procedure.objects.exists()


def test_an_already_parsed_deep_document_is_refused(db):
    nested: list = []
    for _level in range(200):
        nested = [nested]
    with pytest.raises(ie.CatalogImportError) as raised:
        ie.read_json({"format": "congso.catalog", "format_version": 1, "procedures": nested})
    assert "JSON lồng nhau quá sâu" in raised.value.issues[0].message


@pytest.mark.parametrize("name", ["import_catalog", "export_catalog"])
def test_the_catalog_commands_print_their_help(name, capsys):
    # The help texts are translatable; argparse needs them as str (`congso export_catalog --help` was a
    # TypeError traceback).
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    with pytest.raises(SystemExit) as stopped:
        command.run_from_argv(["congso", name, "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: congso {name}" in out and "JSON" in out
