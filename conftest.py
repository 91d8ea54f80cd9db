"""Root conftest: choose the test profile before pytest-django loads the settings."""

import os

os.environ.setdefault("CONGSO_PROFILE", "test")
