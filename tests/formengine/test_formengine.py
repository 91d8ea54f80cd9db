"""The form engine: schema + UI hints → steps and fields, posted pages → JSON, Vietnamese messages,
conditional sections, dates in three boxes (day / month / year), malformed input refused, and the example
forms."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from congso import formengine
from congso.formengine import FormDefinitionError, build, examples, page_items
from tests.support.html import one, select

SCHEMA = {
    "type": "object",
    "properties": {
        "ho_ten": {"type": "string", "minLength": 2, "maxLength": 100},
        "so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$"},
        "ngay_sinh": {"type": "string", "format": "date"},
        "email": {"type": "string", "format": "email"},
        "so_ban": {"type": "integer", "minimum": 1, "maximum": 5},
        "gioi_tinh": {"type": "string", "enum": ["nam", "nu"]},
        "nop_thay": {"type": "boolean"},
        "nguoi_nop_thay": {
            "type": "object",
            "properties": {
                "ho_ten": {"type": "string", "minLength": 2},
                "quan_he": {"type": "string", "maxLength": 50},
            },
            "required": ["ho_ten"],
        },
        "ghi_chu": {"type": "string"},
    },
    "required": ["ho_ten", "so_dinh_danh", "ngay_sinh", "so_ban", "gioi_tinh", "nop_thay"],
    "if": {"properties": {"nop_thay": {"const": True}}, "required": ["nop_thay"]},
    "then": {"required": ["nguoi_nop_thay"]},
}

UI = {
    "steps": [
        {
            "id": "nguoi-khai",
            "title": "Người khai",
            "fields": ["ho_ten", "so_dinh_danh", "ngay_sinh", "email"],
        },
        {
            "id": "yeu-cau",
            "title": "Yêu cầu",
            "fields": ["so_ban", "gioi_tinh", "nop_thay", "nguoi_nop_thay"],
        },
        {"id": "khac", "title": "Khác", "fields": ["ghi_chu"]},
    ],
    "fields": {
        "ho_ten": {"label": "Họ và tên"},
        "so_dinh_danh": {"label": "Số định danh cá nhân"},
        "ngay_sinh": {"label": "Ngày sinh", "max": "today"},
        "email": {"label": "Thư điện tử"},
        "so_ban": {"label": "Số bản sao"},
        "gioi_tinh": {"label": "Giới tính", "choices": {"nam": "Nam", "nu": "Nữ"}},
        "nop_thay": {"label": "Nộp thay"},
        "nguoi_nop_thay": {
            "label": "Người được nộp thay",
            "show_if": "nop_thay == true",
            "order": ["ho_ten", "quan_he"],
        },
        "nguoi_nop_thay.ho_ten": {"label": "Họ và tên người được nộp thay"},
        "nguoi_nop_thay.quan_he": {"label": "Quan hệ"},
        "ghi_chu": {"label": "Ghi chú", "widget": "textarea", "show_if": "so_ban in [4, 5]"},
    },
}


@pytest.fixture
def form():
    return build(SCHEMA, UI)


def post(**values):
    query = QueryDict(mutable=True)
    for name, value in values.items():
        name = name.replace("__", ".")
        for item in value if isinstance(value, list) else [value]:
            query.appendlist(name, item)
    return query


def test_schema_and_ui_become_steps_and_fields(form):
    assert [s.id for s in form.steps] == ["nguoi-khai", "yeu-cau", "khac"]
    assert [leaf.path for leaf in form.step("yeu-cau").leaves()] == [
        "so_ban",
        "gioi_tinh",
        "nop_thay",
        "nguoi_nop_thay.ho_ten",
        "nguoi_nop_thay.quan_he",
    ]
    kinds = {leaf.path: leaf.kind for leaf in form.leaves}
    assert kinds == {
        "ho_ten": "text",
        "so_dinh_danh": "text",
        "ngay_sinh": "date",
        "email": "email",
        "so_ban": "integer",
        "gioi_tinh": "radio",
        "nop_thay": "yesno",
        "nguoi_nop_thay.ho_ten": "text",
        "nguoi_nop_thay.quan_he": "text",
        "ghi_chu": "textarea",
    }
    assert form.nodes["gioi_tinh"].choices == [("nam", "Nam"), ("nu", "Nữ")]
    # Required by the if/then: not marked "(không bắt buộc)".
    assert form.nodes["nguoi_nop_thay"].conditionally_required
    assert form.nodes["email"].optional and not form.nodes["ho_ten"].optional


def test_without_steps_everything_is_one_page_in_the_given_order():
    definition = build(
        {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}},
        {"order": ["a", "b"]},
    )
    assert [s.id for s in definition.steps] == ["to-khai"]
    assert [leaf.path for leaf in definition.steps[0].leaves()] == ["a", "b"]


def test_valid_page_is_converted_to_json_with_iso_dates(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(ho_ten="  Nguyễn Văn An ", so_dinh_danh="074090000123", ngay_sinh="5/3/1990", email=""),
        {},
    )
    assert result.ok, result.errors
    assert result.data == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "074090000123",
        "ngay_sinh": "1990-03-05",
    }


def test_missing_required_fields_get_vietnamese_messages_in_form_order(form):
    result = form.apply_post(form.step("nguoi-khai"), post(ho_ten="", so_dinh_danh="", ngay_sinh=""), {})
    assert not result.ok
    assert result.errors == {
        "ho_ten": "Vui lòng nhập họ và tên.",
        "so_dinh_danh": "Vui lòng nhập số định danh cá nhân.",
        "ngay_sinh": "Vui lòng nhập ngày sinh.",
    }
    assert result.data == {}


def test_format_errors_name_the_field(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(ho_ten="A", so_dinh_danh="12345", ngay_sinh="31/02/2020", email="khong-phai-email"),
        {},
    )
    assert result.errors == {
        "ho_ten": "Họ và tên phải có ít nhất 2 ký tự.",
        "so_dinh_danh": "Số định danh cá nhân phải gồm 12 chữ số.",
        "ngay_sinh": "Ngày sinh phải là một ngày có thật.",
        "email": "Thư điện tử không hợp lệ (ví dụ: ten@example.com).",
    }


@pytest.mark.parametrize(
    "typed", ["1990-13-01", "32/01/1990", "01/01/90", "hôm qua", "29/02/2023", "01/01/0001"]
)
def test_impossible_or_badly_typed_dates_are_refused(form, typed):
    result = form.apply_post(
        form.step("nguoi-khai"), post(ho_ten="An", so_dinh_danh="074090000123", ngay_sinh=typed), {}
    )
    assert result.errors == {"ngay_sinh": "Ngày sinh phải là một ngày có thật."}


def test_date_in_the_future_is_refused_by_the_ui_bound(form):
    result = form.apply_post(
        form.step("nguoi-khai"), post(ho_ten="An", so_dinh_danh="074090000123", ngay_sinh="01/01/2199"), {}
    )
    assert result.errors == {"ngay_sinh": "Ngày sinh không được sau ngày hôm nay."}


def date_field(form, data, **kwargs):
    items = page_items(form, form.step("nguoi-khai"), data, **kwargs)
    return next(i.field for i in items if i.kind == "field" and i.field.name == "ngay_sinh")


def test_stored_dates_are_shown_back_in_the_day_month_year_boxes(form):
    field = date_field(form, {"ngay_sinh": "1990-03-05"})
    assert [(box.label, box.name, box.value) for box in field.date_inputs] == [
        ("Ngày", "ngay_sinh-ngay", "5"),
        ("Tháng", "ngay_sinh-thang", "3"),
        ("Năm", "ngay_sinh-nam", "1990"),
    ]
    # The day's box carries the field's id: the error summary's link lands on the first box.
    assert [box.id for box in field.date_inputs] == ["f-ngay_sinh", "f-ngay_sinh-thang", "f-ngay_sinh-nam"]


def test_a_date_is_asked_in_three_labelled_numeric_boxes_inside_a_fieldset(form):
    html = render_to_string(
        "portal/apply/includes/field.html", {"field": date_field(form, {"ngay_sinh": "1990-03-05"})}
    )
    group = one(html, "fieldset")
    assert (group["role"], group["aria-describedby"]) == ("group", "f-ngay_sinh-hint")
    assert one(group, "legend").text == "Ngày sinh"
    for box_id, label in (
        ("f-ngay_sinh", "Ngày"),
        ("f-ngay_sinh-thang", "Tháng"),
        ("f-ngay_sinh-nam", "Năm"),
    ):
        assert one(group, f'label.date-input__label[for="{box_id}"]').text == label
    assert len(select(group, 'input[inputmode="numeric"]')) == 3
    assert "dd/mm/yyyy" not in html and "placeholder" not in html
    assert one(group, "#f-ngay_sinh-nam")["value"] == "1990"


def post_date(form, day, month, year):
    return form.apply_post(
        form.step("nguoi-khai"),
        post(
            ho_ten="An",
            so_dinh_danh="074090000123",
            **{"ngay_sinh-ngay": day, "ngay_sinh-thang": month, "ngay_sinh-nam": year},
        ),
        {},
    )


def test_a_date_typed_in_three_boxes_is_stored_as_iso_like_before(form):
    result = post_date(form, "5", "03", "1990")
    assert result.ok, result.errors
    assert result.data["ngay_sinh"] == "1990-03-05"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Vui lòng nhập ngày sinh."),
        ("31", "2", "2020", "Ngày sinh phải là một ngày có thật."),
        ("1", "13", "1990", "Ngày sinh phải là một ngày có thật."),
        ("mười", "3", "1990", "Ngày sinh phải là một ngày có thật."),
        ("5", "3", "90", "Ngày sinh: nhập năm gồm 4 chữ số, ví dụ 2024."),
        ("5", "3", "", "Ngày sinh phải có năm."),
        ("", "", "1990", "Ngày sinh phải có ngày và tháng."),
        ("1", "1", "2199", "Ngày sinh không được sau ngày hôm nay."),
    ],
)
def test_wrong_dates_get_a_vietnamese_message_and_the_boxes_keep_what_was_typed(
    form, day, month, year, message
):
    result = post_date(form, day, month, year)
    assert not result.ok
    assert result.errors == {"ngay_sinh": message}
    assert result.data == {}
    field = date_field(form, {}, raw=result.raw, errors=result.errors)
    assert [box.value for box in field.date_inputs] == [day, month, year]
    summary = formengine.error_summary(form, result.errors)
    assert summary == [{"href": "#f-ngay_sinh", "message": message}]


def test_a_date_box_posted_twice_is_refused(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(
            ho_ten="An",
            so_dinh_danh="074090000123",
            **{"ngay_sinh-ngay": ["1", "2"], "ngay_sinh-thang": "3", "ngay_sinh-nam": "1990"},
        ),
        {},
    )
    assert result.errors == {"ngay_sinh": "Ngày sinh chỉ nhận một giá trị."}


def test_custom_messages_from_the_ui_win():
    ui = {
        "fields": {
            "so": {
                "label": "Số định danh",
                "messages": {
                    "pattern": "Số định danh cá nhân phải gồm 12 chữ số.",
                    "required": "Bạn chưa nhập số định danh.",
                },
            }
        }
    }
    definition = build(
        {
            "type": "object",
            "properties": {"so": {"type": "string", "pattern": "^\\d{3}-x$"}},
            "required": ["so"],
        },
        ui,
    )
    step = definition.steps[0]
    assert definition.apply_post(step, post(so="1"), {}).errors == {
        "so": "Số định danh cá nhân phải gồm 12 chữ số."
    }
    assert definition.apply_post(step, post(so=""), {}).errors == {"so": "Bạn chưa nhập số định danh."}


def test_wrong_types_are_refused_with_messages_and_nothing_changes(form):
    saved = {"so_ban": 2}
    result = form.apply_post(
        form.step("yeu-cau"), post(so_ban="hai", gioi_tinh="khac", nop_thay="co le"), saved
    )
    assert not result.ok
    assert result.errors == {
        "so_ban": "Số bản sao phải là số nguyên, chỉ gồm chữ số.",
        "gioi_tinh": "Vui lòng chọn giới tính trong danh sách.",
        "nop_thay": "Vui lòng chọn nộp thay trong danh sách.",
    }
    assert result.data is saved and saved == {"so_ban": 2}


def test_numbers_out_of_range(form):
    result = form.apply_post(form.step("yeu-cau"), post(so_ban="9", gioi_tinh="nam", nop_thay="false"), {})
    assert result.errors == {"so_ban": "Số bản sao không được lớn hơn 5."}


def test_unknown_fields_refuse_the_whole_page(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(ho_ten="Nguyễn Văn An", so_dinh_danh="074090000123", ngay_sinh="01/01/1990", la_can_bo="true"),
        {},
    )
    assert not result.ok
    assert result.form_errors == [
        "Biểu mẫu gửi lên có mục không thuộc trang này (la_can_bo). Vui lòng tải lại trang và nhập lại."
    ]
    assert result.data == {}


def test_a_field_of_another_page_is_an_unknown_field(form):
    result = form.apply_post(form.step("nguoi-khai"), post(ho_ten="An", so_ban="3"), {})
    assert result.form_errors and not result.ok


def test_several_values_for_one_field_are_refused(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(ho_ten=["An", "Bình"], so_dinh_danh="074090000123", ngay_sinh="01/01/1990"),
        {},
    )
    assert result.errors == {"ho_ten": "Họ và tên chỉ nhận một giá trị."}


def test_control_characters_are_stripped_and_text_is_capped(form):
    result = form.apply_post(
        form.step("nguoi-khai"),
        post(ho_ten="An\x00\x07 Bình", so_dinh_danh="074090000123", ngay_sinh="01/01/1990"),
        {},
    )
    assert result.data["ho_ten"] == "An Bình"
    result = form.apply_post(form.step("khac"), post(ghi_chu="x" * 20000), {"so_ban": 4})
    assert result.errors == {"ghi_chu": "Ghi chú không được dài quá 10000 ký tự."}


def test_conditional_section_is_required_only_when_shown(form):
    step = form.step("yeu-cau")
    shown = form.apply_post(
        step, post(so_ban="1", gioi_tinh="nu", nop_thay="true", nguoi_nop_thay__ho_ten=""), {}
    )
    assert shown.errors == {"nguoi_nop_thay.ho_ten": "Vui lòng nhập họ và tên người được nộp thay."}
    hidden = form.apply_post(
        step,
        post(
            so_ban="1",
            gioi_tinh="nu",
            nop_thay="false",
            nguoi_nop_thay__ho_ten="Bình",
            nguoi_nop_thay__quan_he="Con",
        ),
        {},
    )
    assert hidden.ok, hidden.errors
    # The answers typed into the hidden section are dropped from the data.
    assert hidden.data == {"so_ban": 1, "gioi_tinh": "nu", "nop_thay": False}


def test_changing_a_controller_drops_the_answers_it_hid_on_other_pages(form):
    saved = {"so_ban": 4, "gioi_tinh": "nam", "nop_thay": False, "ghi_chu": "Cần gấp"}
    result = form.apply_post(form.step("yeu-cau"), post(so_ban="2", gioi_tinh="nam", nop_thay="false"), saved)
    assert result.ok
    assert "ghi_chu" not in result.data
    # A step whose every field is hidden is skipped.
    assert [s.id for s in form.visible_steps(result.data)] == ["nguoi-khai", "yeu-cau"]
    assert [s.id for s in form.visible_steps(saved)] == ["nguoi-khai", "yeu-cau", "khac"]


def test_conditions_are_expressions_evaluated_without_eval(form):
    from congso.formengine import conditions

    def holds(source, data):
        expression, problems = conditions.compile_condition(source, {"a", "b", "c", "missing"}, where="x")
        assert problems == []
        return conditions.holds(expression, data)

    data = {"a": "x", "b": True, "c": 3}
    assert holds('a == "x" and c in [1, 3]', data)
    assert holds("a == 'y' or b == true", data)
    assert not holds("not (b == true)", data)
    assert holds('missing != "x"', data)
    assert holds("filled(a)", data)
    assert not holds("filled(missing)", data)
    # True is not 1: JSON booleans and numbers differ.
    assert not holds("c == true", {"c": 1})
    assert not holds("c in [true]", {"c": 1})
    # A condition that cannot be evaluated on the answers (unanswered number) does not hold.
    assert not holds("c > 2", {})
    _expression, problems = conditions.compile_condition("__import__('os')", {"a"}, where="x")
    assert problems == [
        "x: điều kiện hiển thị không hợp lệ: Chỉ được gọi các hàm filled(), len() và lower()."
    ]
    _expression, problems = conditions.compile_condition("a.__class__ == 1", {"a"}, where="x")
    assert problems == [
        "x: điều kiện hiển thị không hợp lệ: Tên “__class__” không được bắt đầu bằng dấu gạch dưới."
    ]
    _expression, problems = conditions.compile_condition("os == 1", {"a"}, where="x")
    assert problems == ["x: điều kiện hiển thị tham chiếu trường “os” không có trong biểu mẫu."]


def test_old_json_conditions_are_refused_with_the_expression_to_write():
    with pytest.raises(FormDefinitionError) as exc:
        build(
            SCHEMA,
            {**UI, "fields": {**UI["fields"], "ghi_chu": {"show_if": {"field": "so_ban", "equals": 4}}}},
        )
    assert exc.value.problems == [
        "ghi_chu: điều kiện hiển thị phải là một biểu thức (chuỗi ký tự), ví dụ “nop_thay == true” "
        "(xem docs/forms.md)."
    ]


@pytest.mark.parametrize(
    ("source", "browser"),
    [
        ("nop_thay == true", {"field": "nop_thay", "equals": True}),
        ("true == nop_thay", {"field": "nop_thay", "equals": True}),
        ("so_ban != 3", {"field": "so_ban", "not_equals": 3}),
        ("so_ban in [4, -5]", {"field": "so_ban", "in": [4, -5]}),
        ("so_ban not in [4]", {"not": {"field": "so_ban", "in": [4]}}),
        ("not filled(so_ban)", {"not": {"field": "so_ban", "filled": True}}),
        (
            "nop_thay == true and (so_ban == 1 or filled(ho_ten))",
            {
                "all": [
                    {"field": "nop_thay", "equals": True},
                    {"any": [{"field": "so_ban", "equals": 1}, {"field": "ho_ten", "filled": True}]},
                ]
            },
        ),
        ("so_ban > 3", None),
        ("nop_thay", None),
        ("so_ban == so_ban_cu", None),
        ("len(ho_ten) == 3", None),
    ],
)
def test_browser_shape_of_a_condition(source, browser):
    from congso.core.expressions import compile_expression

    assert compile_expression(source).browser_condition() == browser


def test_a_same_page_condition_without_a_browser_shape_is_refused():
    ui = {**UI, "fields": {**UI["fields"], "nguoi_nop_thay": {"show_if": "so_ban > 3"}}}
    with pytest.raises(FormDefinitionError) as exc:
        build(SCHEMA, ui)
    assert exc.value.problems == [
        "nguoi_nop_thay: điều kiện hiển thị đọc câu trả lời trên cùng trang nên chỉ được so sánh một trường "
        "với giá trị cố định bằng ==, !=, in, not in, filled(…) và nối bằng and, or, not."
    ]
    # Read from an earlier page, the same condition is decided on the server.
    ui = {**UI, "fields": {**UI["fields"], "ghi_chu": {"show_if": "so_ban > 3 and len(ho_ten) > 1"}}}
    form = build(SCHEMA, ui)
    assert form.is_visible("ghi_chu", {"so_ban": 4, "ho_ten": "An"})
    assert not form.is_visible("ghi_chu", {"so_ban": 2, "ho_ten": "An"})
    assert not form.is_visible("ghi_chu", {})


def test_same_page_conditional_section_is_rendered_with_a_reveal_condition(form):
    items = page_items(form, form.step("yeu-cau"), {})
    opened = next(i for i in items if i.kind == "open")
    assert opened.reveal == '{"field":"nop_thay","equals":true}'
    assert opened.reveal_hint == "Chỉ trả lời nếu ở câu “Nộp thay” bạn chọn “Có”."
    assert [i.kind for i in items].count("open") == [i.kind for i in items].count("close") == 1
    # A condition on an earlier page is decided on the server: the hidden step renders nothing.
    assert form.rendered_nodes(form.step("khac"), {"so_ban": 1}) == []


def test_save_draft_mode_accepts_unanswered_questions_but_not_malformed_ones(form):
    step = form.step("nguoi-khai")
    lenient = form.apply_post(
        step, post(ho_ten="Nguyễn An", so_dinh_danh="", ngay_sinh=""), {}, require=False
    )
    assert lenient.ok and lenient.data == {"ho_ten": "Nguyễn An"}
    malformed = form.apply_post(
        step, post(ho_ten="Nguyễn An", so_dinh_danh="12", ngay_sinh=""), {}, require=False
    )
    assert malformed.errors == {"so_dinh_danh": "Số định danh cá nhân phải gồm 12 chữ số."}


def test_locked_values_cannot_be_posted_and_always_win(form):
    step = form.step("nguoi-khai")
    locked = {"so_dinh_danh": "074090000123"}
    refused = form.apply_post(
        step, post(ho_ten="An", so_dinh_danh="999999999999", ngay_sinh="01/01/1990"), {}, locked=locked
    )
    assert refused.form_errors
    accepted = form.apply_post(step, post(ho_ten="An Bình", ngay_sinh="01/01/1990"), {}, locked=locked)
    assert accepted.ok and accepted.data["so_dinh_danh"] == "074090000123"


def test_full_validation_groups_errors_by_step(form):
    grouped = form.errors_by_step(
        {
            "ho_ten": "Nguyễn An",
            "so_dinh_danh": "074090000123",
            "ngay_sinh": "1990-01-01",
            "so_ban": 1,
            "gioi_tinh": "nam",
            "nop_thay": True,
        }
    )
    assert grouped == {"yeu-cau": {"nguoi_nop_thay.ho_ten": "Vui lòng nhập họ và tên người được nộp thay."}}


def test_answers_for_check_your_answers(form):
    data = {
        "ho_ten": "Nguyễn An",
        "so_dinh_danh": "074090000123",
        "ngay_sinh": "1990-01-31",
        "so_ban": 1200,
        "gioi_tinh": "nu",
        "nop_thay": True,
        "nguoi_nop_thay": {"ho_ten": "Trần Bình"},
    }
    answers = form.answers(data)
    assert [a.step.id for a in answers] == ["nguoi-khai", "yeu-cau"]
    rows = {row.label: row.value for a in answers for g in a.groups for row in g.rows}
    assert rows["Ngày sinh"] == "31/01/1990"
    assert rows["Giới tính"] == "Nữ"
    assert rows["Nộp thay"] == "Có"
    assert rows["Số bản sao"] == "1.200"
    assert rows["Thư điện tử"] == ""
    assert [g.heading for g in answers[1].groups] == ["", "Người được nộp thay"]


def test_compatible_data_keeps_what_still_fits():
    old = {"ho_ten": "Nguyễn An", "so_ban": 9, "bo_di": "x", "ngay_sinh": "1990-01-01"}
    definition = build(SCHEMA, UI)
    assert definition.compatible_data(old) == {"ho_ten": "Nguyễn An", "ngay_sinh": "1990-01-01"}


@pytest.mark.parametrize(
    "schema, ui, problem",
    [
        ({"type": "object", "properties": {"a": {"type": "array"}}}, {}, "kiểu “array” chưa được hỗ trợ"),
        ({"type": "object", "properties": {"Ho-Ten": {"type": "string"}}}, {}, "chỉ được gồm chữ thường"),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"steps": [{"id": "x", "fields": ["b"]}]},
            "nhắc đến trường “b”",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
            {"steps": [{"id": "x", "fields": ["a"]}]},
            "“b” không thuộc bước nào",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"fields": {"a": {"show_if": "a == 1"}}},
            "dựa trên chính nó",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "boolean"}, "b": {"type": "string"}},
                "required": ["b"],
            },
            {"fields": {"b": {"show_if": "a == true"}}},
            "nằm trong “required”",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"fields": {"a": {"prefill": "vneid.ho_ten"}}},
            "nguồn điền sẵn “vneid” không tồn tại",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"fields": {"a": {"readonly": True}}},
            "phải có nguồn điền sẵn",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "integer", "minimum": "x"}}},
            {},
            "không phải JSON Schema hợp lệ",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"fields": {"z": {"label": "Z"}}},
            "trường “z” không có trong JSON Schema",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"step": [{"id": "x", "fields": ["a"]}]},
            "khóa “step” không được hỗ trợ (có phải là “steps”?)",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"ui:order": ["a"]},
            "khóa “ui:order” không được hỗ trợ (có phải là “order”?)",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"a": {"widget": "textarea"}},
            "khóa “a” không được hỗ trợ; chỉ nhận steps, order, fields, applicant, represented",
        ),
    ],
)
def test_unusable_definitions_are_explained(schema, ui, problem):
    with pytest.raises(FormDefinitionError) as caught:
        build(schema, ui)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_an_empty_schema_is_a_form_without_questions():
    definition = build({}, {})
    assert definition.steps == [] and definition.validate({}).ok


@pytest.mark.parametrize("code", ["1.001193", "2.000815", "1.004194"])
def test_example_forms_build_and_render(code):
    schema, ui = examples.load(code)
    definition = build(schema, ui)
    for step in definition.steps:
        html = render_to_string(
            "portal/apply/includes/fields.html", {"items": page_items(definition, step, {})}
        )
        assert "<script" not in html and "style=" not in html
        assert all(
            f'id="{leaf.html_id}"' in html
            for leaf, _r in [(n, r) for n, r in definition.rendered_nodes(step, {}) if not n.is_section]
        )


def test_birth_registration_example_validates_a_complete_application():
    schema, ui = examples.load("1.001193")
    definition = build(schema, ui)
    data = {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "074090000123",
            "dien_thoai": "0912345678",
            "noi_cu_tru": "Số 1 đường Lê Lợi, phường Thủ Dầu Một",
        },
        "nop_thay": False,
        "tre": {
            "ho_ten": "Nguyễn Minh Khang",
            "ngay_sinh": "2026-01-05",
            "gioi_tinh": "nam",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_sinh": "Bệnh viện Đa khoa tỉnh Bình Dương",
        },
        "me": {
            "ho_ten": "Trần Thị Bình",
            "ngay_sinh": "1995-04-12",
            "dan_toc": "Kinh",
            "quoc_tich": "Việt Nam",
            "noi_cu_tru": "Số 1 đường Lê Lợi, phường Thủ Dầu Một",
        },
        "co_thong_tin_cha": False,
        "so_ban_sao": 1,
        "hinh_thuc_nhan": "buu_chinh",
    }
    result = definition.validate(data)
    assert result.fields == {"dia_chi_nhan": "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."}
    data["hinh_thuc_nhan"] = "truc_tiep"
    assert definition.validate(data).ok


def test_question_labels_read_well_in_messages():
    definition = build(
        {"type": "object", "properties": {"q": {"type": "string", "enum": ["a", "b"]}}, "required": ["q"]},
        {"fields": {"q": {"label": "Bạn nhận kết quả thế nào?"}}},
    )
    result = definition.apply_post(definition.steps[0], post(), {})
    assert result.errors == {"q": "Vui lòng trả lời câu hỏi “Bạn nhận kết quả thế nào?”."}


def test_error_summary_links_to_field_ids(form):
    summary = formengine.error_summary(form, {"nguoi_nop_thay.ho_ten": "Sai"}, ["Chung"])
    assert summary == [
        {"href": "", "message": "Chung"},
        {"href": "#f-nguoi_nop_thay-ho_ten", "message": "Sai"},
    ]


# --- prefill ------------------------------------------------------------------------------------------


def test_identity_prefill_gives_the_account_values(make_user):
    from datetime import date

    from congso.formengine import prefill

    user = make_user(
        "an", full_name="Nguyễn Văn An", national_id="074090000123", date_of_birth=date(1990, 3, 5)
    )
    found = prefill.values_for(user, ["identity.full_name", "identity.date_of_birth", "identity.phone"])
    assert {k: v.value for k, v in found.items()} == {
        "identity.full_name": "Nguyễn Văn An",
        "identity.date_of_birth": "1990-03-05",
    }
    assert found["identity.full_name"].source_label == "Lấy từ tài khoản định danh"
    assert prefill.check_reference("identity.full_name") == ""
    assert "không có thông tin “ho_ten”" in prefill.check_reference("identity.ho_ten")


def test_a_failing_prefill_source_is_skipped(make_user):
    from congso.formengine import prefill

    class Broken(prefill.PrefillSource):
        label = "Hỏng"
        attributes = {"x": "x"}

        def get_values(self, user, attributes):
            raise ConnectionError("registry down")

    prefill.register.add("broken", Broken)
    try:
        found = prefill.values_for(make_user("an"), ["broken.x", "identity.full_name"])
    finally:
        prefill.register.remove("broken")
    assert list(found) == ["identity.full_name"]


def test_the_represented_map_must_point_to_fields_of_the_form():
    schema, ui = examples.load("1.001193")
    assert build(schema, ui).represented_map("parent_guardian") == {
        "full_name": "tre.ho_ten",
        "national_id": None,
    }
    ui["represented"] = {"parent_guardian": {"full_name": "tre.ten", "age": None}, "self": {}}
    with pytest.raises(FormDefinitionError) as caught:
        build(schema, ui)
    assert caught.value.problems == [
        "“represented.parent_guardian.full_name” trỏ đến trường “tre.ten” không có trong biểu mẫu.",
        "“represented.parent_guardian” chỉ nhận full_name, national_id; không nhận “age”.",
        "“represented” chỉ nhận parent_guardian, authorised; không nhận “self”.",
    ]


def test_stored_json_conditions_are_rewritten_to_expressions_by_the_migration():
    import importlib

    migration = importlib.import_module("congso.catalog.migrations.0003_show_if_expressions")
    old = {
        "fields": {
            "a": {"show_if": {"field": "nop_thay", "equals": True}},
            "b": {"show_if": {"field": "so_ban", "in": [4, 5]}},
            "c": {"show_if": {"not": {"field": "ten", "filled": False}}},
            "d": {
                "show_if": {
                    "all": [
                        {"field": "loai", "not_equals": 'thuê "nhà"'},
                        {"any": [{"field": "nop_thay", "equals": False}, {"field": "ten", "filled": True}]},
                    ]
                }
            },
            "e": {"show_if": "nop_thay == true", "label": "Đã là biểu thức"},
        }
    }
    new, changed = migration.rewrite(old)
    assert changed
    assert {path: hints["show_if"] for path, hints in new["fields"].items()} == {
        "a": "nop_thay == true",
        "b": "so_ban in [4, 5]",
        "c": "not (not filled(ten))",
        "d": 'loai != "thuê \\"nhà\\"" and (nop_thay == false or filled(ten))',
        "e": "nop_thay == true",
    }
    from congso.core.expressions import evaluate

    assert evaluate(new["fields"]["d"]["show_if"], {"loai": 'thuê "nhà"', "ten": "An"}) is False
    assert evaluate(new["fields"]["d"]["show_if"], {"loai": "mua", "ten": "An"}) is True
    assert migration.rewrite({"fields": {"a": {"label": "x"}}}) == ({"fields": {"a": {"label": "x"}}}, False)


# --- Checked forms are kept ---------------------------------------------------------------------------


def _small_form():
    schema = {"type": "object", "properties": {"ho_ten": {"type": "string", "title": "Họ và tên"}}}
    return schema, {"fields": {"ho_ten": {"label": "Họ và tên"}}}


def test_the_same_form_is_checked_once_per_language():
    from django.utils import translation

    schema, ui = _small_form()
    with translation.override("vi"):
        first = build(schema, ui)
        assert build(dict(schema), dict(ui)) is first  # same content, another dict: the same definition
    with translation.override("en"):
        assert build(schema, ui) is not first  # default titles and messages are in the language


def test_a_kept_form_does_not_follow_later_changes_to_the_callers_dicts():
    schema, ui = _small_form()
    definition = build(schema, ui)
    schema["properties"]["ho_ten"]["title"] = "Đã sửa"
    assert definition.schema["properties"]["ho_ten"]["title"] == "Họ và tên"
    changed = build(schema, ui)
    assert changed is not definition and changed.schema["properties"]["ho_ten"]["title"] == "Đã sửa"


def test_a_broken_form_is_refused_every_time():
    for _attempt in range(2):
        with pytest.raises(FormDefinitionError):
            build({"type": "string"}, {})
