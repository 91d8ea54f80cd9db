"""Request context that the audit log needs without passing the request everywhere, and the language rule."""

from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from . import request_cache
from .audit import bind_request

# Interfaces for programs (the open API, the LGSP's control plane): their callers have no language
# switch, so there the caller's Accept-Language is heard (Vietnamese still by default).
MACHINE_INTERFACES = ("/api/", "/lgsp/")


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose English with the language switch (a cookie).

    The browser's Accept-Language is ignored on purpose: a public service of Vietnam speaks Vietnamese
    first, whatever language an office computer's browser happens to be set to. Under
    ``MACHINE_INTERFACES`` it is heard: an integrator's program asks for English there, like at the
    LGSP gateway.
    """

    def process_request(self, request):
        if not request.path_info.startswith(MACHINE_INTERFACES):
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


class MethodNotAllowedPageMiddleware:
    """A page that only takes a form's POST, opened by its address (a reload, a bookmark, switching the
    language after the form came back with errors at that address), answered 405 with an empty body:
    the browser showed a blank page. Such an empty 405 becomes the site's page (``405.html``) saying
    what happened and where to go; a 405 that has its own body (the API's problem+json), or answers
    another method than GET, is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")  # a browser opening an address, not a system's call
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
