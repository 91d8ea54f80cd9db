"""Fixtures of the agencies tests: the demo units (Thành phố Hồ Chí Minh and Bình Dương's history)."""

import pytest

from congso.agencies.loaders import load_demo_units


@pytest.fixture
def demo_units(db):
    """Load Thành phố Hồ Chí Minh (79) and Bình Dương before 1/7/2025; returns the load result."""
    return load_demo_units()


@pytest.fixture
def official(make_user):
    """Make an official (cán bộ, công chức) account."""

    def make(username=None, **fields):
        return make_user(username, kind="official", **fields)

    return make
