"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture
def make_user(db, django_user_model):
    """Create a user; citizens get a valid national ID unless one is given."""
    counter = {"n": 0}

    def make(username=None, password="Mat-khau-rat-manh-2026", kind="citizen", **fields):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        if kind == "citizen":
            fields.setdefault("national_id", f"0740900{counter['n']:05d}")
        if kind == "business":
            fields.setdefault("tax_code", f"37000{counter['n']:05d}")
        fields.setdefault("full_name", username.title())
        user = django_user_model.objects.create_user(username=username, password=password, kind=kind, **fields)
        return user

    return make
