"""OpenAPI 3 documents of services: checking an upload, listing its operations (the endpoints), and
laying it out for the catalogue page — server-side, offline, no Swagger UI.

Checking is structural (what the gateway and the catalogue rely on): an ``openapi`` version 3.x, an
``info`` with title and version, and at least one operation under ``paths``. Every refusal is a
``OpenAPIError`` whose ``message`` says in Vietnamese what to fix.
"""

import json

from django.utils.translation import gettext as _

from congso.core import safejson

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_BYTES = 2 * 1024 * 1024
# How deep the catalogue unfolds nested schemas; deeper levels are shown by name only.
MAX_SCHEMA_DEPTH = 6
# Rows of one schema table: schemas that refer to each other in breadth could otherwise multiply.
MAX_SCHEMA_ROWS = 300


class OpenAPIError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse(data: bytes | str) -> dict:
    """The OpenAPI document in ``data`` (JSON), checked; else ``OpenAPIError``."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise OpenAPIError(_("Tệp OpenAPI quá lớn (tối đa 2 MB)."))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise OpenAPIError(_("Tệp OpenAPI phải là văn bản JSON mã hóa UTF-8.")) from exc
    try:
        document = safejson.loads(data)
    except safejson.JSONLimitError as exc:
        raise OpenAPIError(exc.message) from exc
    except json.JSONDecodeError as exc:
        raise OpenAPIError(
            _("Tệp không phải JSON hợp lệ (dòng %(line)s, cột %(column)s: %(problem)s).")
            % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}
        ) from exc
    check(document)
    return document


def check(document) -> None:
    """Raise ``OpenAPIError`` unless ``document`` is an OpenAPI 3 document with at least one operation."""
    if not isinstance(document, dict):
        raise OpenAPIError(_("Tài liệu OpenAPI phải là một đối tượng JSON."))
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise OpenAPIError(
            _("Chỉ nhận tài liệu OpenAPI phiên bản 3 (trường “openapi” phải có dạng “3.0.3” hoặc “3.1.0”).")
        )
    info = document.get("info")
    if not isinstance(info, dict) or not _text(info.get("title")) or not _text(info.get("version")):
        raise OpenAPIError(_("Tài liệu OpenAPI phải có “info” với “title” và “version”."))
    paths = document.get("paths")
    if not isinstance(paths, dict) or not paths:
        raise OpenAPIError(_("Tài liệu OpenAPI phải khai báo ít nhất một đường dẫn trong “paths”."))
    for path, item in paths.items():
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 500:
            raise OpenAPIError(
                _("Đường dẫn “%(path)s” không hợp lệ: phải bắt đầu bằng “/” và dài tối đa 500 ký tự.")
                % {"path": str(path)[:80]}
            )
        if not isinstance(item, dict):
            raise OpenAPIError(_("Mô tả của đường dẫn “%(path)s” phải là một đối tượng.") % {"path": path})
        for method in METHODS:
            if method in item and not isinstance(item[method], dict):
                raise OpenAPIError(
                    _("Thao tác %(method)s của “%(path)s” phải là một đối tượng.")
                    % {"method": method.upper(), "path": path}
                )
    if not operations(document):
        raise OpenAPIError(_("Tài liệu OpenAPI không có thao tác nào (GET, POST…) trong “paths”."))


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def operations(document: dict) -> list[tuple[str, str, dict]]:
    """``(METHOD, path, operation)`` of every operation, in document order."""
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found.append((method.upper(), path, item[method]))
    return found


def endpoints(document: dict) -> list[dict]:
    """The endpoints to register for ``document``: ``{"method", "path", "summary"}``."""
    return [
        {"method": method, "path": path, "summary": str(op.get("summary", ""))[:300]}
        for method, path, op in operations(document)
    ]


# An uploaded document passed ``check``, which looks only at what routing needs; the rest is laid out
# as far as it makes sense, and a member of the wrong type is read as empty rather than failing the page.
def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _resolve(document: dict, schema, seen: tuple):
    """``schema`` with a local ``$ref`` followed; (schema, name of the reference or "")."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith("#/") or ref in seen:
            return {}, ref.rsplit("/", 1)[-1]
        target = document
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return (target if isinstance(target, dict) else {}), ref.rsplit("/", 1)[-1]
    return (schema if isinstance(schema, dict) else {}), ""


def _type_label(schema: dict, ref_name: str) -> str:
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if kind == "array":
        item, item_ref = _resolve({}, schema.get("items", {}), ())
        kind = f"array<{item_ref or item.get('type', '')}>"
    label = ref_name or ""
    if kind and label:
        return f"{label} ({kind})"
    fmt = schema.get("format")
    return f"{kind}, {fmt}" if kind and fmt else (kind or label or "—")


def schema_rows(
    document: dict, schema, *, name: str = "", required: bool = False, depth: int = 0, seen=(), budget=None
):
    """A schema flattened to rows ``{"name", "type", "required", "description", "depth"}`` for a table,
    local references followed (a reference met again is shown by name, so cycles end), at most
    ``MAX_SCHEMA_ROWS`` rows."""
    budget = [MAX_SCHEMA_ROWS] if budget is None else budget
    if budget[0] <= 0:
        return []
    resolved, ref_name = _resolve(document, schema, seen)
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    seen = (*seen, ref) if ref else seen
    rows = []
    if name:
        budget[0] -= 1
        rows.append(
            {
                "name": name,
                "type": _type_label(resolved, ref_name),
                "required": required,
                "description": str(resolved.get("description", "")),
                "enum": ", ".join(str(v) for v in _list(resolved.get("enum"))[:20]),
                "depth": depth,
                "indent": "· " * depth,
            }
        )
        depth += 1
    if depth > MAX_SCHEMA_DEPTH:
        return rows
    if resolved.get("type") == "array" or "items" in resolved:
        items, _items_ref = _resolve(document, resolved.get("items", {}), seen)
        resolved = items if isinstance(items, dict) else {}
        if isinstance(resolved.get("$ref"), str):
            return rows
    needed = {name for name in _list(resolved.get("required")) if isinstance(name, str)}
    for prop, sub in _dict(resolved.get("properties")).items():
        rows.extend(
            schema_rows(
                document, sub, name=prop, required=prop in needed, depth=depth, seen=seen, budget=budget
            )
        )
    return rows


def _schema_name(schema) -> str:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""


def _first_json_schema(content) -> dict | None:
    if not isinstance(content, dict):
        return None
    for media_type, body in content.items():
        if "json" in media_type and isinstance(body, dict):
            return body.get("schema")
    for body in content.values():
        if isinstance(body, dict):
            return body.get("schema")
    return None


def layout(document: dict) -> list[dict]:
    """Every operation of ``document`` laid out for the catalogue page."""
    laid_out = []
    for method, path, op in operations(document):
        path_item = document["paths"][path]
        params = []
        for param in [*_list(path_item.get("parameters")), *_list(op.get("parameters"))]:
            param, _name = _resolve(document, param, ())
            schema, ref_name = _resolve(document, param.get("schema", {}), ())
            params.append(
                {
                    "name": str(param.get("name", "")),
                    "in": str(param.get("in", "")),
                    "required": bool(param.get("required", False)),
                    "type": _type_label(schema, ref_name),
                    "description": str(param.get("description", "")),
                }
            )
        body, _ = _resolve(document, op.get("requestBody", {}), ())
        body_schema = _first_json_schema(body.get("content"))
        responses = []
        for status, response in _dict(op.get("responses")).items():
            response, _ = _resolve(document, response, ())
            schema = _first_json_schema(response.get("content"))
            responses.append(
                {
                    "status": str(status),
                    "description": str(response.get("description", "")),
                    "schema": _schema_name(schema),
                    "rows": schema_rows(document, schema) if schema else [],
                }
            )
        laid_out.append(
            {
                "method": method,
                "path": path,
                "summary": str(op.get("summary", "")),
                "description": str(op.get("description", "")),
                "parameters": params,
                "request_schema": _schema_name(body_schema),
                "request_rows": schema_rows(document, body_schema) if body_schema else [],
                "responses": responses,
            }
        )
    return laid_out
