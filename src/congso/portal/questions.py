"""The online application's own questions, asked before and beside the procedure's form and rendered
by the same form engine: for whom the applicant applies (``who``), about the person or organisation
represented (``acting-for``) and, for commune-level procedures, where to submit (``agency``).
"""

from django.utils.translation import gettext as _

from congso import formengine
from congso.identity.models import UserKind

RELATIONS = ("self", "parent_guardian", "business_representative", "authorised")


def relation_labels(user=None) -> dict[str, str]:
    business = getattr(user, "kind", "") == UserKind.BUSINESS
    return {
        "self": _("Cho doanh nghiệp, tổ chức của tôi") if business else _("Cho bản thân tôi"),
        "parent_guardian": _("Cho con tôi hoặc người tôi giám hộ"),
        "business_representative": _("Cho một doanh nghiệp, tổ chức mà tôi là người đại diện"),
        "authorised": _("Cho người đã ủy quyền cho tôi"),
    }


def who_definition(user) -> formengine.FormDefinition:
    schema = {
        "type": "object",
        "properties": {"relation": {"type": "string", "enum": list(RELATIONS)}},
        "required": ["relation"],
    }
    ui = {
        "fields": {
            "relation": {
                "label": _("Bạn nộp hồ sơ này cho ai?"),
                "widget": "radio",
                "choices": relation_labels(user),
                "choice_hints": {
                    "parent_guardian": _(
                        "Cha, mẹ làm thủ tục cho con chưa thành niên, hoặc người giám hộ làm thủ tục "
                        "cho người được giám hộ."
                    ),
                    "business_representative": _(
                        "Người đại diện theo pháp luật của doanh nghiệp, hợp tác xã, tổ chức."
                    ),
                    "authorised": _("Bạn cần đính kèm văn bản ủy quyền ở bước “Giấy tờ đính kèm”."),
                },
                "messages": {"required": _("Vui lòng chọn bạn nộp hồ sơ này cho ai.")},
            }
        }
    }
    return formengine.build(schema, ui)


_NATIONAL_ID = {"type": "string", "pattern": "^[0-9]{12}$"}
_NAME = {"type": "string", "minLength": 2, "maxLength": 200}


def acting_for_definition(relation: str, skip=()) -> formengine.FormDefinition | None:
    """The questions about the person or organisation represented, or None for "self" (or when the
    procedure's form answers all of them itself: ``skip`` names the questions it answers, see
    ``FormDefinition.represented_map``)."""
    national_id_message = _("Số định danh cá nhân phải gồm 12 chữ số.")
    if relation == "parent_guardian":
        schema = {
            "type": "object",
            "properties": {"full_name": _NAME, "national_id": _NATIONAL_ID},
            "required": ["full_name"],
        }
        ui = {
            "order": ["full_name", "national_id"],
            "fields": {
                "full_name": {"label": _("Họ, chữ đệm và tên của con hoặc người được giám hộ")},
                "national_id": {
                    "label": _("Số định danh cá nhân của con hoặc người được giám hộ"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "help": _("Bỏ trống nếu chưa có, ví dụ khi đăng ký khai sinh cho trẻ."),
                    "messages": {"pattern": national_id_message},
                },
            },
        }
    elif relation == "business_representative":
        schema = {
            "type": "object",
            "properties": {
                "full_name": {"type": "string", "minLength": 2, "maxLength": 300},
                "tax_code": {"type": "string", "pattern": "^[0-9]{10}(-[0-9]{3})?$"},
                "position": {"type": "string", "maxLength": 100},
            },
            "required": ["full_name", "tax_code"],
        }
        ui = {
            "order": ["full_name", "tax_code", "position"],
            "fields": {
                "full_name": {"label": _("Tên doanh nghiệp, tổ chức"), "autocomplete": "organization"},
                "tax_code": {
                    "label": _("Mã số thuế (mã số doanh nghiệp)"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "help": _("10 chữ số; với chi nhánh, thêm mã chi nhánh, ví dụ 3700123456-001."),
                    "messages": {
                        "pattern": _(
                            "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số kèm mã chi nhánh dạng -NNN."
                        )
                    },
                },
                "position": {"label": _("Chức vụ của bạn"), "width": "medium", "help": _("Ví dụ: Giám đốc.")},
            },
        }
    elif relation == "authorised":
        schema = {
            "type": "object",
            "properties": {"full_name": _NAME, "national_id": _NATIONAL_ID},
            "required": ["full_name", "national_id"],
        }
        ui = {
            "order": ["full_name", "national_id"],
            "fields": {
                "full_name": {"label": _("Họ, chữ đệm và tên của người ủy quyền cho bạn")},
                "national_id": {
                    "label": _("Số định danh cá nhân của người ủy quyền"),
                    "width": "medium",
                    "inputmode": "numeric",
                    "messages": {"pattern": national_id_message},
                },
            },
        }
    else:
        return None
    for name in skip:
        schema["properties"].pop(name, None)
        schema["required"] = [n for n in schema["required"] if n != name]
        ui["order"] = [n for n in ui["order"] if n != name]
        ui["fields"].pop(name, None)
    if not schema["properties"]:
        return None
    return formengine.build(schema, ui)


def agency_definition(agencies) -> formengine.FormDefinition:
    schema = {
        "type": "object",
        "properties": {"agency": {"type": "string", "enum": [a.code for a in agencies]}},
        "required": ["agency"],
    }
    ui = {
        "fields": {
            "agency": {
                "label": _("Bạn nộp hồ sơ tại cơ quan nào?"),
                "help": _(
                    "Thủ tục này do Ủy ban nhân dân cấp xã giải quyết: chọn xã, phường nơi bạn cư trú "
                    "hoặc nơi thủ tục quy định."
                ),
                "choices": {a.code: a.name for a in agencies},
                "messages": {"required": _("Vui lòng chọn cơ quan tiếp nhận hồ sơ.")},
            }
        }
    }
    return formengine.build(schema, ui)
