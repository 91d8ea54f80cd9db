"""The API's JSON parser: DRF's, through ``core.inbound``.

PostgreSQL stores neither a NUL character nor a lone surrogate: a body carrying one (as a raw byte or as
a ``\\u0000`` escape) is refused here with a clear message (400), before any serializer or idempotency
record sees it; the body's size and depth are bounded too."""

from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

from congso.core import inbound

# A transition's body is a note, a few names and codes; files come as multipart, not JSON.
MAX_JSON_BYTES = 1024 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body-too-large"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return inbound.json_body(stream, MAX_JSON_BYTES)
        except inbound.BodyRefused as refused:
            if refused.status == 413:
                raise BodyTooLarge(refused.message) from None
            raise ParseError(refused.message) from None
        except ValueError as exc:
            raise ParseError(_("Nội dung JSON không hợp lệ: %(error)s") % {"error": exc}) from None
