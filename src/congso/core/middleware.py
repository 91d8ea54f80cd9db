"""Request context that the audit log needs without passing the request everywhere, and the language rule."""

from django.middleware.locale import LocaleMiddleware
from django.utils.cache import add_never_cache_headers

from . import request_cache
from .audit import bind_request


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose English with the language switch (a cookie).

    The browser's Accept-Language is ignored on purpose: a public service of Vietnam speaks Vietnamese
    first, whatever language an office computer's browser happens to be set to.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class RequestContextMiddleware:
    """Bind the acting user and the client address to the current request for the audit log, and open
    the request's memo (``core.request_cache``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with bind_request(request), request_cache.bound():
            return self.get_response(request)


class PrivateWhenSignedInMiddleware:
    """A page made for a signed-in person is theirs alone: unless the view chose its own caching, the
    response says ``Cache-Control: private, no-store`` (``add_never_cache_headers``), so that neither a
    shared office computer's history nor a caching proxy keeps a citizen's dossier, draft or receipt for
    the next person. Pages for visitors stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
