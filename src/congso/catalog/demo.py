"""Demo data of the catalog: the procedures in ``data/procedures_binh_duong.json``.

The file is in the documented import format (docs/catalog-format.md). Its implementing agencies are
written as ``@key`` aliases of the demo organisation (``agencies.demo.seed_demo_agencies()``), plus
``@communes`` for every commune-level People's Committee of the demo. An alias the demo organisation
does not have (for instance a commune police station) is left out rather than pointed at a wrong
agency; the version's ``implementing_agency_note`` still names the agency in words.

A version without an online form gets the form engine's example for its procedure, if there is one
(``congso.formengine.examples``): one copy of each demo form, in the engine's format, instead of a second
one in the seed file that could drift from it.
"""

import json
from pathlib import Path

from congso.formengine import examples

from .importexport import CatalogImportError, ImportReport, import_raw, read_json

SEED_FILE = Path(__file__).resolve().parent / "data" / "procedures_binh_duong.json"


def demo_agency_aliases() -> dict:
    """``{key: agency code}`` for the demo agencies (created if missing), with ``communes`` → the list of
    commune People's Committees. Empty if the agencies block offers no demo seed."""
    try:
        from congso.agencies.demo import seed_demo_agencies
    except ImportError:
        return {}
    agencies = seed_demo_agencies()
    aliases: dict = {key: agency.code for key, agency in agencies.items()}
    aliases["communes"] = sorted(
        agency.code for key, agency in agencies.items() if key == "commune" or key.startswith("commune_")
    )
    return aliases


def seed_demo_catalog(path: Path | None = None) -> ImportReport:
    """Load the demo catalogue (and the demo agencies it refers to). Idempotent: a second run finds every
    row as it is and writes nothing. Raises ``CatalogImportError`` with every problem if the seed file
    does not validate (then nothing is written)."""
    aliases = demo_agency_aliases()
    document = json.loads((path or SEED_FILE).read_text(encoding="utf-8"))
    for procedure in document.get("procedures", []):
        for version in procedure.get("versions", []):
            version["implementing_agencies"] = [
                ref
                for ref in version.get("implementing_agencies", [])
                if not ref.startswith("@") or aliases.get(ref[1:])
            ]
            _with_example_form(procedure.get("code"), version)
    report = import_raw(read_json(document), agency_aliases=aliases, source=(path or SEED_FILE).name)
    if not report.ok:
        raise CatalogImportError(report.issues)
    return report


def _with_example_form(code, version: dict) -> None:
    if not version.get("form_schema") and code in examples.codes():
        version["form_schema"], version["form_ui"] = examples.load(code)
