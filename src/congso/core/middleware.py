"""Request context that the audit log needs without passing the request everywhere."""

from .audit import bind_request


class RequestContextMiddleware:
    """Bind the acting user and the client address to the current request for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with bind_request(request):
            return self.get_response(request)
