"""The staff's live preview of a procedure version's online form (Xem trước biểu mẫu trực tuyến).

Administrators editing a ``ProcedureVersion`` in the catalogue admin paste (or load) its ``form_schema``
and ``form_ui`` here and see the form page by page as citizens will, rendered by ``congso.formengine``
with the portal's field templates. It stores nothing. The admin's version page links here
(``?phien-ban=<version id>``); the address is mounted by the project's urlconf through
``catalog.form_preview_urls``.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso import formengine
from congso.core import safejson
from congso.core.inbound import row_id
from congso.formengine import examples, values

from .models import ProcedureVersion

# Fields of the preview's own form; everything else posted is a typed sample answer.
CONTROL_NAMES = frozenset({"csrfmiddlewaretoken", "action"})


def _preview_source(request) -> tuple[str, str]:
    """The schema and UI text to start from: a version (``?phien-ban=<id>``), an example
    (``?mau=<procedure code>``) or nothing."""
    version_id = row_id(request.GET.get("phien-ban", ""))
    if version_id is not None:
        version = ProcedureVersion.objects.filter(pk=version_id).first()
        if version is not None:
            return _pretty(version.form_schema), _pretty(version.form_ui)
    code = request.GET.get("mau", "")
    if code in examples.codes():
        schema, ui = examples.load(code)
        return _pretty(schema), _pretty(ui)
    return "", ""


def _pretty(value) -> str:
    return json.dumps(value or {}, ensure_ascii=False, indent=2)


def _parse_json(text: str, what: str, problems: list):
    if not text.strip():
        return {}
    try:
        return safejson.loads(text)
    except safejson.JSONLimitError as exc:
        problems.append(f"{what}: {exc.message}")
        return None
    except json.JSONDecodeError as exc:
        problems.append(
            _("%(what)s không phải JSON hợp lệ (dòng %(line)s, cột %(col)s): %(msg)s")
            % {"what": what, "line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        )
        return None


@login_required
@require_http_methods(["GET", "POST"])
def form_preview(request):
    """Staff only. Paste (or load) a schema and UI hints and see the form as citizens will, page by page;
    "Kiểm tra dữ liệu mẫu" validates what was typed into the preview. Works as a plain form submit; with
    ``portal/form-preview.js`` the preview refreshes as the JSON is edited (``?manh=1`` returns only the
    preview fragment)."""
    if not request.user.is_staff:
        raise PermissionDenied
    problems: list[str] = []
    if request.method == "POST":
        schema_text, ui_text = request.POST.get("_schema", ""), request.POST.get("_ui", "")
        action = request.POST.get("_action", "preview")
    else:
        (schema_text, ui_text), action = _preview_source(request), "preview"
    schema = _parse_json(schema_text, _("JSON Schema"), problems)
    ui = _parse_json(ui_text, _("Gợi ý hiển thị"), problems)
    pages, summary = [], []
    if not problems and (schema or ui):
        try:
            definition = formengine.build(schema, ui)
        except formengine.FormDefinitionError as exc:
            problems.extend(exc.problems)
        else:
            pages, summary = _preview_pages(request, definition, action)
    context = {
        "schema_text": schema_text,
        "ui_text": ui_text,
        "problems": problems,
        "pages": pages,
        "error_summary": summary,
        "examples": examples.codes(),
        "checked": action == "check",
    }
    template = (
        "portal/apply/preview_fragment.html"
        if request.GET.get("manh") == "1"
        else "portal/apply/preview.html"
    )
    return render(request, template, context)


def _preview_pages(request, definition, action):
    data, raw, errors, form_errors = {}, {}, {}, []
    marks = {
        path: _("Điền sẵn từ %(ref)s") % {"ref": ref} for path, ref in definition.prefill_references().items()
    }
    if request.method == "POST":
        whole = formengine.Step("page", "", "", list(definition.roots.values()))
        posted = {
            k: request.POST.getlist(k)
            for k in request.POST
            if not k.startswith("_") and k not in CONTROL_NAMES
        }
        submission = definition.apply_post(whole, posted, {}, require=action == "check")
        data = definition.drop_hidden(_parsed_answers(definition, posted))
        raw = submission.raw
        if action == "check":
            errors, form_errors = submission.errors, submission.form_errors
    pages = []
    for form_step in definition.steps:
        pages.append(
            {
                "step": form_step,
                "items": formengine.page_items(
                    definition, form_step, data, raw=raw, errors=errors, prefill_marks=marks
                ),
                "answers_json": formengine.page_answers(definition, form_step, data),
            }
        )
    return pages, formengine.error_summary(definition, errors, form_errors)


def _parsed_answers(definition, posted) -> dict:
    """The preview's typed answers as JSON, skipping any that do not parse (their errors are shown)."""
    data: dict = {}
    for leaf in definition.leaves:
        answer, _several = values.posted(leaf, lambda name: posted.get(name) or [])
        try:
            value = values.parse(leaf, answer)
        except values.ParseError:
            continue
        formengine.set_path(data, leaf.path, value)
    return data
