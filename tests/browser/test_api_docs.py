"""The API's Swagger UI renders offline under the strict CSP: the operations of the generated document
appear, with no CSP violation and no request leaving the server."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_swagger_ui_renders_under_the_csp_without_leaving_the_server(page, live_server):
    violations, outside = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    response = page.goto("/api/v1/docs/")
    assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector('[data-path="/api/v1/dossiers/{code}/accept"]')
    assert page.locator(".opblock").count() >= 15
    assert violations == [] and outside == []
