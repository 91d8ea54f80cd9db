"""A setting refused by a block's start-up check (``core.configuration.refusal``): Vietnamese on the first
line, English on the second, each naming the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured


def assert_refused(check, variable: str, said_vi: str, said_en: str) -> None:
    """``check()`` refuses: two lines, each starting with ``variable=`` and saying its part."""
    with pytest.raises(ImproperlyConfigured) as refused:
        check()
    vietnamese, english = str(refused.value).splitlines()
    assert vietnamese.startswith(f"{variable}=") and said_vi in vietnamese, vietnamese
    assert english.startswith(f"{variable}=") and said_en in english, english
