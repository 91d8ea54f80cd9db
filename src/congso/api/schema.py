"""The OpenAPI 3 document, generated from the code by drf-spectacular: the security schemes of the two
ways in (an LGSP bearer token, the workspace session) and, added to every operation by
``add_problem_responses``, the problem+json answers each may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .problems import TITLES

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "title_en", "status", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string", "description": "Tiêu đề tiếng Việt"},
        "title_en": {"type": "string", "description": "English title"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}

READ_ERRORS = (400, 401, 403, 404, 405, 406)
WRITE_ERRORS = (*READ_ERRORS, 409, 412, 413, 415, 422, 428)


class LgspTokenScheme(OpenApiAuthenticationExtension):
    target_class = "congso.api.authentication.LgspTokenAuthentication"
    name = "lgspToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT (EdDSA, /lgsp/oauth/token)",
            "description": "Token truy cập do LGSP cấp; gọi trực tiếp hoặc qua cổng LGSP.",
        }


class WorkspaceSessionScheme(OpenApiAuthenticationExtension):
    target_class = "congso.api.authentication.WorkspaceSessionAuthentication"
    name = "workspaceSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Phiên đăng nhập của không gian làm việc (kèm X-CSRFToken khi ghi).",
        }


def add_problem_responses(result, generator, request, public):
    """Every operation may answer with the problem+json errors of its kind (read or write)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in READ_ERRORS if method == "get" else WRITE_ERRORS:
                responses.setdefault(
                    str(status),
                    {
                        "description": f"{TITLES[status][2]}",
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result


API_PREFIX = "/api/v1"


def openapi_document() -> dict:
    """The API's OpenAPI 3 document, as ``/api/v1/openapi.json`` serves it."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def gateway_document() -> dict:
    """The document registered in the LGSP for the service whose upstream is ``…/api/v1``: the same
    operations with paths relative to it (the gateway matches ``/r1/MEMBER/SYSTEM/SERVICE/<path>``
    against them), without the documentation pages."""
    document = openapi_document()
    document["paths"] = {
        path[len(API_PREFIX) :] or "/": item
        for path, item in document["paths"].items()
        if path.startswith(API_PREFIX + "/")
    }
    document["servers"] = [{"url": API_PREFIX}]
    return document
