"""Checking an ``application/problem+json`` answer (RFC 9457) of the open API."""


def problem(response, status):
    """Assert ``response`` is a problem with ``status``, Vietnamese and English titles; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert data["status"] == status and data["title"] and data["title_en"]
    return data
