"""Import and export of the procedure catalog as JSON or XLSX (format: docs/catalog-format.md).

Both formats are read into the same raw rows, each remembering where it came from (sheet and line,
or the path in the JSON document); one validator checks everything and collects *every* problem with
its place and a Vietnamese reason; only when there is none is anything written, in one transaction.

Modules: ``report`` (format names, ``Issue``, ``ImportReport``), ``converters`` (cell values),
``columns`` (the columns of each sheet and the raw rows), ``readers`` (JSON, XLSX), ``validator``,
``importer`` (writing into the database) and ``writer`` (export as JSON, XLSX).

Public functions: ``export_data`` / ``export_json`` / ``export_xlsx`` and ``import_catalog`` (plus
``read_json`` / ``read_xlsx`` / ``import_raw`` for callers that already hold the content).
"""

from .columns import (
    FEE_COLUMNS,
    FIELD_COLUMNS,
    KEY_COLUMNS,
    LIFE_EVENT_COLUMNS,
    PAPER_COLUMNS,
    PROCEDURE_COLUMNS,
    VERSION_COLUMNS,
    Column,
    RawCatalog,
    RawProcedure,
    RawVersion,
    Row,
)
from .importer import import_catalog, import_raw
from .readers import read_json, read_xlsx
from .report import (
    FORMAT_NAME,
    FORMAT_VERSION,
    SHEET_FEES,
    SHEET_FIELDS,
    SHEET_GUIDE,
    SHEET_LIFE_EVENTS,
    SHEET_PAPERS,
    SHEET_PROCEDURES,
    CatalogImportError,
    ImportReport,
    Issue,
)
from .writer import export_data, export_json, export_xlsx

__all__ = [
    "FEE_COLUMNS",
    "FIELD_COLUMNS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KEY_COLUMNS",
    "LIFE_EVENT_COLUMNS",
    "PAPER_COLUMNS",
    "PROCEDURE_COLUMNS",
    "SHEET_FEES",
    "SHEET_FIELDS",
    "SHEET_GUIDE",
    "SHEET_LIFE_EVENTS",
    "SHEET_PAPERS",
    "SHEET_PROCEDURES",
    "VERSION_COLUMNS",
    "CatalogImportError",
    "Column",
    "ImportReport",
    "Issue",
    "RawCatalog",
    "RawProcedure",
    "RawVersion",
    "Row",
    "export_data",
    "export_json",
    "export_xlsx",
    "import_catalog",
    "import_raw",
    "read_json",
    "read_xlsx",
]
