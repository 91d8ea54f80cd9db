"""Ready-made online forms for demo procedures, one JSON file each (``form_schema`` + ``form_ui``).

The catalog's seed data may load them: ``load("1.001193")`` → ``(form_schema, form_ui)``.
Each file also names its ``procedure_code`` and a ``title``; ``tests/portal/test_formengine.py`` builds
every one of them, so a broken example fails the suite.
"""

import json
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


@cache
def _by_code() -> dict[str, Path]:
    found = {}
    for path in sorted(DIRECTORY.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            found[json.load(handle)["procedure_code"]] = path
    return found


def codes() -> list[str]:
    """The procedure codes that have an example form."""
    return sorted(_by_code())


def path_for(procedure_code: str) -> Path:
    """The JSON file of ``procedure_code``'s example; ``KeyError`` if there is none."""
    return _by_code()[procedure_code]


def load(procedure_code: str) -> tuple[dict, dict]:
    """``(form_schema, form_ui)`` of the example for ``procedure_code``, fresh copies each call;
    ``KeyError`` if there is none."""
    with path_for(procedure_code).open(encoding="utf-8") as handle:
        document = json.load(handle)
    return document["form_schema"], document["form_ui"]
