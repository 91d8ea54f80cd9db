"""What an upload field tells people about the files it takes: the types, the size limit (from the
dossiers block's settings) and how many files a paper takes. Shared by the papers page of an application
and the supplement page of a dossier."""

from congso.dossiers import conf as dossier_conf

from ..drafts import MAX_FILES_PER_PAPER

_TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg,.jpeg", "image/png": ".png"}


def upload_limits() -> dict:
    """The limits as the upload templates show them (``accept`` is the file input's attribute)."""
    types = dossier_conf.upload_allowed_types()
    accept = ",".join([*types, *(_EXTENSIONS[t] for t in types if t in _EXTENSIONS)])
    return {
        "max_size": size_label(dossier_conf.upload_max_bytes()),
        "accept": accept,
        "type_labels": ", ".join(_TYPE_LABELS.get(t, t) for t in types),
        "max_files": MAX_FILES_PER_PAPER,
    }


def size_label(size: int) -> str:
    """A size limit as people write it: "10 MB", "2,5 MB", "500 KB"."""
    for unit, factor in (("MB", 1048576), ("KB", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            text = str(int(value)) if value.is_integer() else str(value).replace(".", ",")
            return f"{text} {unit}"
    return f"{size} byte"
