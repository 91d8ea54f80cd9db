"""How congso reads a BPMN diagram drawn in a standard modeller (bpmn.io, Camunda Modeler, SpiffArena).

Extension properties
    congso reads the key/value "extension properties" that modellers write inside
    ``<bpmn:extensionElements>``: ``camunda:properties/camunda:property`` (Camunda Modeler 7 and
    bpmn-js-properties-panel with camunda-bpmn-moddle — the "Extension properties" group),
    ``zeebe:properties/zeebe:property`` (Camunda Modeler 8) and
    ``spiffworkflow:properties/spiffworkflow:property`` (SpiffArena). The names congso uses:

    ``allottedHours``  on every user/manual task: the step's allotted time in working hours (``8``, ``0.5``).
    ``action``         on every service task: the name of a registered platform action (see ``actions``).
                       Camunda's "Implementation: External" topic (``camunda:topic``) is accepted instead.
    ``param.<name>``   on a service task: a fixed text parameter given to the action.
    ``role``, ``agency``, ``user``  on a lane or a user task: override what the lane name says.
    ``allottedHours`` on the process itself: the default of its user tasks that declare none.

Assignment written by other modellers
    ``candidateGroups`` and ``assignee`` of Camunda 7 (``camunda:`` attributes), Flowable and Activiti
    (``flowable:``/``activiti:`` attributes) and Camunda 8 (``zeebe:assignmentDefinition``) are read
    (``read_assignment``): a group is a role name, like a lane name (``specialist``, "Chuyên viên",
    ``Chuyên viên @ Công an``, or an administrator's alias); an assignee is a user name. Several groups are
    accepted when they name one role. Expressions (``${initiator}``, ``=assignee``) and
    ``candidateUsers`` are refused with a message: congso assigns a step to a role or to one person.

Lanes (who does a user task)
    A lane name reads ``<role>`` or ``<role> @ <agency>``, or ``user:<username>`` for one named person.

    ``<role>`` is a role code (``one_stop_officer``, ``specialist``, ``leader``, ``clerk``), one of the
    Vietnamese labels in ``ROLE_LABELS`` ("Cán bộ một cửa", "Chuyên viên", "Lãnh đạo", "Văn thư", …), or
    a name the administrator mapped to a role (``models.RoleAlias``, e.g. "Backoffice" → specialist; read
    when a file is uploaded).

    ``<agency>`` says which agency's staff: omitted, the agency currently handling the dossier (as the
    ``route_to_agency`` action last set it, else ``dossier.current_agency``); ``receiving`` (or "Cơ quan
    tiếp nhận"), the agency that received the dossier; an agency kind code (``police``,
    ``social_insurance``, ``ubnd``, ``department`` …) or its Vietnamese label from ``AGENCY_LABELS``
    ("Công an", "Bảo hiểm xã hội", …), resolved at run time to the agency of that kind in the receiving
    agency's administrative unit, or failing that in its parent units (commune → province) — this is how
    a liên thông process reaches the police or social insurance of the citizen's area; or an agency's
    electronic identifier code (``000.00.12.H08``) for one fixed agency.

    Examples: ``Cán bộ một cửa``, ``Chuyên viên @ Công an``, ``leader @ receiving``, ``user:nguyenvana``.

Matching ignores case, repeated spaces and Unicode composition differences.
"""

import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FLOWABLE_NS = "http://flowable.org/bpmn"
ACTIVITI_NS = "http://activiti.org/bpmn"
PROPERTY_NAMESPACES = (CAMUNDA_NS, ZEEBE_NS, SPIFF_NS)
# Where modellers write a user task's assignment as attributes of the task.
ASSIGNMENT_NAMESPACES = (CAMUNDA_NS, FLOWABLE_NS, ACTIVITI_NS)

ALLOTTED_HOURS = "allottedHours"
# The messages a process may wait for (an intermediate catch event with a message definition, the
# message's name one of these). "tra-loi-van-ban": the answer to the official document the process asked
# for with ``send_official_document`` has been registered (``documents.reply_received``); its number,
# date, issuer and summary arrive in the workflow data under ``tra_loi_van_ban``.
REPLY_MESSAGE = "tra-loi-van-ban"
MESSAGES = frozenset({REPLY_MESSAGE})
ACTION = "action"
PARAM_PREFIX = "param."

# Roles that may carry out a user task (agency and platform administrators do not process dossiers).
TASK_ROLES = ("one_stop_officer", "specialist", "leader", "clerk")

ROLE_LABELS = {
    "one_stop_officer": "one_stop_officer",
    "cán bộ một cửa": "one_stop_officer",
    "bộ phận một cửa": "one_stop_officer",
    "một cửa": "one_stop_officer",
    "tiếp nhận và trả kết quả": "one_stop_officer",
    "bộ phận tiếp nhận và trả kết quả": "one_stop_officer",
    "specialist": "specialist",
    "chuyên viên": "specialist",
    "công chức chuyên môn": "specialist",
    "cán bộ chuyên môn": "specialist",
    "chuyên viên xử lý": "specialist",
    "leader": "leader",
    "lãnh đạo": "leader",
    "lãnh đạo đơn vị": "leader",
    "lãnh đạo phê duyệt": "leader",
    "clerk": "clerk",
    "văn thư": "clerk",
}

AGENCY_LABELS = {
    "current": ("current", None),
    "receiving": ("receiving", None),
    "cơ quan tiếp nhận": ("receiving", None),
    "ubnd": ("kind", "ubnd"),
    "ủy ban nhân dân": ("kind", "ubnd"),
    "uỷ ban nhân dân": ("kind", "ubnd"),
    "department": ("kind", "department"),
    "sở": ("kind", "department"),
    "sở, ban, ngành": ("kind", "department"),
    "service_centre": ("kind", "service_centre"),
    "trung tâm phục vụ hành chính công": ("kind", "service_centre"),
    "police": ("kind", "police"),
    "công an": ("kind", "police"),
    "social_insurance": ("kind", "social_insurance"),
    "bảo hiểm xã hội": ("kind", "social_insurance"),
    "bhxh": ("kind", "social_insurance"),
    "division": ("kind", "division"),
    "phòng chuyên môn": ("kind", "division"),
    "other": ("kind", "other"),
}

_AGENCY_CODE = re.compile(r"^[0-9A-Za-z]{2,3}(\.[0-9A-Za-z]{2,3}){2,4}$")
_HOURS = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,2})?$")


def normalise(text: str) -> str:
    """Lower-case, NFC-composed, single-spaced: how lane names and labels are compared."""
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def read_properties(node) -> dict[str, str]:
    """The extension properties of a BPMN element, from any of the supported modeller namespaces."""
    properties: dict[str, str] = {}
    for child in node:
        if not isinstance(child.tag, str) or etree.QName(child).localname != "extensionElements":
            continue
        for container in child:
            if not isinstance(container.tag, str):
                continue
            qname = etree.QName(container)
            if qname.namespace not in PROPERTY_NAMESPACES or qname.localname != "properties":
                continue
            for prop in container:
                if not isinstance(prop.tag, str) or etree.QName(prop).localname != "property":
                    continue
                name = (prop.get("name") or "").strip()
                if name:
                    properties[name] = (prop.get("value") or "").strip()
    return properties


def service_action_name(node, properties: dict[str, str]) -> str:
    """The platform action a service task names: property ``action``, else Camunda's external topic."""
    return properties.get(ACTION) or (node.get(f"{{{CAMUNDA_NS}}}topic") or "").strip()


def action_params(properties: dict[str, str]) -> dict[str, str]:
    return {
        k[len(PARAM_PREFIX) :]: v
        for k, v in properties.items()
        if k.startswith(PARAM_PREFIX) and len(k) > len(PARAM_PREFIX)
    }


def read_assignment(node) -> dict[str, str]:
    """The assignment another modeller wrote on a user task: ``{"candidateGroups", "assignee",
    "candidateUsers"}`` (only those present, as written): attributes in the Camunda 7, Flowable or
    Activiti namespace, or Camunda 8's ``zeebe:assignmentDefinition``."""
    found: dict[str, str] = {}
    names = ("candidateGroups", "assignee", "candidateUsers")
    for namespace in ASSIGNMENT_NAMESPACES:
        for name in names:
            value = node.get(f"{{{namespace}}}{name}")
            if value is not None and value.strip():
                found.setdefault(name, value.strip())
    for extensions in node:
        if not isinstance(extensions.tag, str) or etree.QName(extensions).localname != "extensionElements":
            continue
        for definition in extensions.iterchildren(f"{{{ZEEBE_NS}}}assignmentDefinition"):
            for name in names:
                value = definition.get(name)
                if value is not None and value.strip():
                    found.setdefault(name, value.strip())
    return found


def _is_expression(value: str) -> bool:
    return value.startswith(("${", "#{", "=")) or "${" in value


def assignment_properties(assignment: dict[str, str]) -> dict[str, str]:
    """``read_assignment``'s result as congso's ``user``/``role`` properties. Raises ``LaneError`` for
    what congso cannot honour: an expression, or candidate users."""
    for name, value in assignment.items():
        if _is_expression(value):
            raise LaneError(
                _(
                    "“%(name)s” là biểu thức (“%(value)s”): congso giao bước cho một vai trò hoặc một tài "
                    "khoản cố định; hãy ghi tên vai trò hoặc tên đăng nhập."
                )
                % {"name": name, "value": value[:80]}
            )
    if assignment.get("assignee"):
        return {"user": assignment["assignee"]}
    if assignment.get("candidateGroups"):
        return {"role": assignment["candidateGroups"]}
    if assignment.get("candidateUsers"):
        raise LaneError(
            _(
                "congso chưa đọc candidateUsers (“%(value)s”): hãy dùng assignee cho một người, hoặc "
                "candidateGroups / làn cho một vai trò."
            )
            % {"value": assignment["candidateUsers"][:80]}
        )
    return {}


def parse_hours(raw: str) -> Decimal | None:
    """``"8"``, ``"0.5"`` or ``"0,5"`` as working hours (at most two decimals), else ``None``."""
    text = (raw or "").strip().replace(",", ".")
    if not _HOURS.match(text):
        return None
    return Decimal(text)


class LaneError(ValueError):
    """A lane name or property that names no known role or agency; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_agency(text: str) -> dict:
    """``"Công an"`` → ``{"mode": "kind", "kind": "police"}``; raises ``LaneError``."""
    raw = (text or "").strip()
    if not raw:
        return {"mode": "current"}
    if _AGENCY_CODE.match(raw):
        return {"mode": "code", "code": raw}
    found = AGENCY_LABELS.get(normalise(raw))
    if found is None:
        raise LaneError(
            _(
                "Không nhận ra cơ quan “%(name)s” (dùng loại cơ quan như “Công an”, “Bảo hiểm xã hội”, "
                "“receiving”, hoặc mã định danh cơ quan)."
            )
            % {"name": raw[:80]}
        )
    mode, kind = found
    return {"mode": mode, "kind": kind} if kind else {"mode": mode}


def resolve_performer(
    lane_name: str | None,
    lane_properties: dict,
    task_properties: dict,
    assignment: dict | None = None,
    aliases: dict[str, str] | None = None,
) -> dict:
    """Who performs a user task: ``{"role", "user", "agency", "lane"}``. Raises ``LaneError``.

    ``assignment``: the task's ``candidateGroups``/``assignee`` as other modellers write them
    (``read_assignment``); ``aliases``: normalised name → role code, the administrator's alias table.
    The task's congso properties override its modeller assignment, which overrides the lane's
    properties, which override what the lane name says.
    """
    role_text, agency_text, username = None, None, None
    name = (lane_name or "").strip()
    if name.lower().startswith("user:"):
        username = name[5:].strip()
    elif name:
        role_text, _sep, agency_text = name.partition("@")
    modeller = assignment_properties(assignment or {})
    for props in (lane_properties, modeller, task_properties):
        if props.get("user"):
            username, role_text = props["user"], None
        if props.get("role"):
            role_text, username = props["role"], None
            if "@" in role_text and "agency" not in props:
                role_text, _sep, agency_text = role_text.partition("@")
        if "agency" in props:
            agency_text = props["agency"]

    agency = parse_agency(agency_text or "")
    if username:
        return {"role": None, "user": username, "agency": agency, "lane": name}
    if not role_text or not role_text.strip():
        if not name:
            raise LaneError(
                _(
                    "Bước này không nằm trong làn (lane) nào: hãy đặt nó vào một làn mang tên vai trò "
                    "(ví dụ “Chuyên viên”) hoặc khai báo thuộc tính “role”."
                )
            )
        raise LaneError(_("Làn “%(name)s” không nêu vai trò.") % {"name": name[:80]})
    role = resolve_role(role_text, aliases or {})
    return {"role": role, "user": None, "agency": agency, "lane": name}


def resolve_role(text: str, aliases: dict[str, str]) -> str:
    """The role code ``text`` names — a code, a built-in label, an alias, or several comma-separated
    names of one role (``candidateGroups``). Raises ``LaneError`` listing what is known."""
    roles = set()
    for part in text.split(","):
        key = normalise(part)
        if not key:
            continue
        role = ROLE_LABELS.get(key) or aliases.get(key)
        if role is None:
            raise LaneError(unknown_role_message(part.strip(), aliases))
        roles.add(role)
    if not roles:
        raise LaneError(unknown_role_message(text.strip(), aliases))
    if len(roles) > 1:
        raise LaneError(
            _("“%(names)s” gồm nhiều vai trò (%(roles)s): mỗi bước chỉ giao cho một vai trò.")
            % {"names": text.strip()[:120], "roles": ", ".join(sorted(roles))}
        )
    return roles.pop()


def unknown_role_message(name: str, aliases: dict[str, str]) -> str:
    """Names the unknown role and lists the roles and the administrator's aliases that congso knows."""
    from congso.agencies.models import Role  # the labels of the role codes, for the message

    known = ", ".join(f"{code} ({Role(code).label})" for code in TASK_ROLES)
    message = _(
        "“%(name)s” không ứng với vai trò nào. Dùng mã hoặc tên vai trò: %(known)s; hoặc "
        "user:<tên đăng nhập>."
    ) % {"name": name[:80], "known": known}
    if aliases:
        listed = sorted(aliases.items())
        shown = "; ".join(f"{alias} → {role}" for alias, role in listed[:20])
        more = "; …" if len(listed) > 20 else ""
        message += " " + _("Tên thay thế đã khai báo: %(aliases)s.") % {"aliases": shown + more}
    message += " " + _(
        "Quản trị viên có thể thêm tên thay thế cho tên làn/nhóm này (Quy trình nghiệp vụ › "
        "Tên thay thế của vai trò)."
    )
    return message
