"""The validator of a read catalogue: checks every row against the others, the stored catalogue and
the models, collects *every* problem in sheet/line order, and resolves what the writing needs
(``Plan``: the agencies behind each reference)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.text import slugify
from django.utils.translation import gettext as _

from congso.agencies.services import agencies_by_code

from ..fees import validate_fee_rule
from ..models import (
    Fee,
    Field,
    LifeEvent,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    RequiredPaper,
    VersionStatus,
)
from ..search import fold
from ..validators import (
    check_procedure_code,
    validate_form,
    validate_form_schema,
    validate_form_ui,
    validate_national_code,
    validate_unverified,
)
from .columns import VERSION_COLUMNS, RawCatalog, RawProcedure, RawVersion, Row
from .report import SHEET_FEES, SHEET_FIELDS, SHEET_LIFE_EVENTS, SHEET_PAPERS, SHEET_PROCEDURES, Issue


@dataclass
class Plan:
    raw: RawCatalog
    field_names: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)  # reference in the input → Agency


class Validator:
    def __init__(self, raw: RawCatalog, agency_aliases: dict | None):
        self.raw = raw
        self.aliases = agency_aliases or {}
        self.issues: list[Issue] = list(raw.issues)
        self.plan = Plan(raw)

    def run(self) -> list[Issue]:
        known_fields = set(Field.objects.values_list("code", flat=True))
        known_events = set(LifeEvent.objects.values_list("slug", flat=True))
        self.fields = self._unique_rows(self.raw.fields, "code", _("Mã lĩnh vực"))
        self.events = self._unique_rows(self.raw.life_events, "slug", _("Mã sự kiện"))
        for row in self.raw.life_events:
            slug = row.data.get("slug")
            if slug and slugify(slug) != slug:
                row.fail(
                    _("Mã sự kiện “%(slug)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.")
                    % {"slug": slug}
                )
        self.field_codes = known_fields | set(self.fields)
        self.event_slugs = known_events | set(self.events)
        self._load_agencies()
        self._load_published()
        seen_codes: dict[str, Row] = {}
        for procedure in self.raw.procedures:
            self._procedure(procedure, seen_codes)
        for row in self._all_rows():
            self.issues.extend(row.problems)
        return sorted(self.issues, key=_issue_order)

    def _all_rows(self):
        yield from self.raw.fields
        yield from self.raw.life_events
        for procedure in self.raw.procedures:
            yield procedure.row
            for version in procedure.versions:
                yield version.row
                yield from version.papers
                yield from version.fees

    def _unique_rows(self, rows: list[Row], key: str, label: str) -> dict:
        seen = {}
        for row in rows:
            value = row.data.get(key)
            if not value:
                continue
            if value in seen:
                row.fail(
                    _("%(label)s “%(value)s” bị trùng (đã có ở %(other)s).")
                    % {"label": label, "value": value, "other": _place(seen[value])}
                )
            else:
                seen[value] = row
        return seen

    def _load_agencies(self) -> None:
        """Resolve agency references: an electronic code, or ``@alias`` through ``agency_aliases`` (an
        alias stands for one code or a list of codes)."""
        wanted: dict[str, list[str]] = {}
        for procedure in self.raw.procedures:
            for version in procedure.versions:
                for ref in version.row.data.get("implementing_agencies") or []:
                    target = self.aliases.get(ref[1:]) if ref.startswith("@") else ref
                    if target:
                        wanted[ref] = [target] if isinstance(target, str) else list(target)
        found = agencies_by_code(c for codes in wanted.values() for c in codes)
        self.plan.agencies = {
            ref: [found[c] for c in codes]
            for ref, codes in wanted.items()
            if codes and all(c in found for c in codes)
        }

    def _load_published(self) -> None:
        """The stored published versions of the procedures in the input, for the overlap check."""
        codes = [p.row.data.get("code") for p in self.raw.procedures if p.row.data.get("code")]
        self.published: dict[str, list[tuple]] = {}
        stored = ProcedureVersion.objects.filter(procedure__code__in=codes, status=VersionStatus.PUBLISHED)
        for code, number, start, end in stored.values_list(
            "procedure__code", "number", "effective_from", "effective_to"
        ):
            self.published.setdefault(code, []).append((number, start, end))

    def _procedure(self, procedure: RawProcedure, seen_codes: dict) -> None:
        row, data = procedure.row, procedure.row.data
        code = data.get("code") or ""
        if code in seen_codes:
            row.fail(
                _("Mã thủ tục %(code)s bị trùng (đã có ở %(other)s).")
                % {"code": code, "other": _place(seen_codes[code])}
            )
        elif code:
            seen_codes[code] = row
        national = data.get("national_code") or ""
        try:
            validate_national_code(national)
            if code:
                check_procedure_code(code, national)
        except ValidationError as exc:
            row.fail(" ".join(exc.messages))
        if data.get("field") and data["field"] not in self.field_codes:
            row.fail(
                _("Không có lĩnh vực mã “%(code)s” (thêm vào trang “%(sheet)s” hoặc tạo trước).")
                % {"code": data["field"], "sheet": SHEET_FIELDS}
            )
        unknown_events = [s for s in data.get("life_events") or [] if s not in self.event_slugs]
        if unknown_events:
            row.fail(_("Không có sự kiện cuộc sống: %(slugs)s.") % {"slugs": ", ".join(unknown_events)})
        self._model_checks(
            row,
            Procedure(
                **{k: data.get(k) or "" for k in ("code", "national_code", "name")},
                level=data.get("level") or ProcedureLevel.COMMUNE,
            ),
            exclude={"field", "level", "code", "national_code", "updated_at"},
        )
        numbers: dict[int, Row] = {}
        for version in procedure.versions:
            self._version(version, numbers)
        self._overlaps(procedure)

    def _version(self, version: RawVersion, numbers: dict) -> None:
        row, data = version.row, version.row.data
        number = data.get("number")
        if number is not None:
            if number == 0:
                row.fail(_("Số phiên bản phải từ 1 trở lên."))
            if number in numbers:
                row.fail(
                    _("Phiên bản %(n)s bị trùng (đã có ở %(other)s).")
                    % {"n": number, "other": _place(numbers[number])}
                )
            numbers[number] = row
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            row.fail(_("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực."))
        form_parsed = True
        for validator, key in (
            (validate_form_schema, "form_schema"),
            (validate_form_ui, "form_ui"),
            (validate_unverified, "unverified"),
        ):
            if data.get(key) is not None:
                try:
                    validator(data[key])
                except ValidationError as exc:
                    row.fail(" ".join(exc.messages))
                    if key != "unverified":
                        form_parsed = False
        if form_parsed:
            self._form(row, data)
        missing = [ref for ref in data.get("implementing_agencies") or [] if ref not in self.plan.agencies]
        for ref in missing:
            if ref.startswith("@"):
                row.fail(_("Không có cơ quan ứng với bí danh “%(ref)s”.") % {"ref": ref})
            else:
                row.fail(_("Không có cơ quan có mã định danh “%(ref)s”.") % {"ref": ref})
        instance_data = {
            c.key: data.get(c.key)
            for c in VERSION_COLUMNS
            if c.key not in ("implementing_agencies", "number", "effective_from")
        }
        self._model_checks(
            row,
            ProcedureVersion(**{k: v for k, v in instance_data.items() if v is not None}),
            exclude={
                "procedure",
                "form_schema",
                "form_ui",
                "unverified",
                "number",
                "effective_from",
                "status",
                "time_limit_unit",
                "supplement_clock_rule",
                "online_mode",
                "time_limit_value",
                "effective_to",
                "receipt_cutoff",
            },
        )
        self._papers(version)
        for fee_row in version.fees:
            fee = fee_row.data
            if fee.get("kind") and fee.get("rule") is not None and fee.get("amount") is not None:
                try:
                    validate_fee_rule(fee["kind"], fee["amount"], fee["rule"])
                except ValidationError as exc:
                    fee_row.fail(_("Tham số phí: %(reason)s") % {"reason": " ".join(exc.messages)})
            self._model_checks(
                fee_row,
                Fee(
                    name=fee.get("name") or "",
                    exemptions=fee.get("exemptions") or "",
                    legal_basis=fee.get("legal_basis") or "",
                ),
                exclude={"version", "kind", "amount", "rule", "position"},
            )

    @staticmethod
    def _form(row: Row, data: dict) -> None:
        """A form that parses but that the portal could not build (a misspelt hint, a field in no step,
        an unknown prefill source) is refused here, not discovered by the first citizen."""
        try:
            validate_form(data.get("form_schema"), data.get("form_ui"))
        except ValidationError as exc:
            for message in exc.messages:
                row.fail(_("Biểu mẫu trực tuyến: %(problem)s") % {"problem": message})

    def _papers(self, version: RawVersion) -> None:
        codes: dict[str, Row] = {}
        for paper_row in version.papers:
            paper = paper_row.data
            if not paper.get("code") and paper.get("name"):
                paper["code"] = slugify(fold(paper["name"]))[:60].strip("-") or "giay-to"
            code = paper.get("code")
            if code:
                if slugify(code) != code:
                    paper_row.fail(
                        _("Mã giấy tờ “%(code)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.")
                        % {"code": code}
                    )
                if code in codes:
                    paper_row.fail(
                        _("Mã giấy tờ “%(code)s” bị trùng trong cùng phiên bản (đã có ở %(other)s).")
                        % {"code": code, "other": _place(codes[code])}
                    )
                codes[code] = paper_row
            if paper.get("template") and not default_storage.exists(paper["template"]):
                paper_row.fail(
                    _("Không tìm thấy tệp mẫu “%(name)s” trong kho tệp.") % {"name": paper["template"]}
                )
            self._model_checks(
                paper_row,
                RequiredPaper(name=paper.get("name") or "", note=paper.get("note") or "", code=code or "x"),
                exclude={"version", "code", "template", "originals", "copies", "position"},
            )

    def _overlaps(self, procedure: RawProcedure) -> None:
        code = procedure.row.data.get("code")
        in_file = {v.row.data.get("number") for v in procedure.versions}
        periods = []  # (start, end, label, row or None)
        for number, start, end in self.published.get(code, []):
            if number not in in_file:
                periods.append((start, end, number, None))
        for version in procedure.versions:
            data = version.row.data
            if data.get("status") == VersionStatus.PUBLISHED and data.get("effective_from"):
                periods.append(
                    (data["effective_from"], data.get("effective_to"), data.get("number"), version.row)
                )
        periods.sort(key=lambda p: (p[0], p[2] or 0))
        for i, (_start, end, number, row) in enumerate(periods):
            for other_start, _other_end, other_number, other_row in periods[i + 1 :]:
                if end is None or other_start <= end:
                    target = other_row or row
                    if target is None:
                        continue
                    other_label = number if target is other_row else other_number
                    target.fail(
                        _("Thời gian hiệu lực trùng với phiên bản %(n)s đã công bố của cùng thủ tục.")
                        % {"n": other_label}
                    )

    def _model_checks(self, row: Row, instance, exclude: set) -> None:
        """Run the model's own field validation (lengths…) on what the explicit checks above do not
        cover; empty values were already reported as missing where they are required."""
        exclude = set(exclude) | {
            f.name for f in instance._meta.concrete_fields if getattr(instance, f.attname, None) in (None, "")
        }
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = instance._meta.get_field(name).verbose_name
                row.fail(f"{label}: {' '.join(messages)}")


def _place(row: Row) -> str:
    return _("dòng %(line)s") % {"line": row.line} if row.line else row.where


_SHEET_ORDER = {
    name: i
    for i, name in enumerate((SHEET_FIELDS, SHEET_LIFE_EVENTS, SHEET_PROCEDURES, SHEET_PAPERS, SHEET_FEES))
}


def _issue_order(issue: Issue):
    return (_SHEET_ORDER.get(issue.where, len(_SHEET_ORDER)), issue.line or 0)
