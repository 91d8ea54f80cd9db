"""Answers are nested JSON objects addressed by dotted paths (``cha.ho_ten``): reading, writing and
pruning them. ``MISSING`` is "no answer", distinct from ``null``."""

MISSING = object()


def get_path(data, path: str):
    """The value at the dotted ``path`` of ``data``, or ``MISSING``."""
    current = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return MISSING
        current = current[part]
    return current


def set_path(data: dict, path: str, value) -> None:
    """Set (or, for ``MISSING``, remove) the value at the dotted ``path``, creating sections."""
    parts = path.split(".")
    current = data
    for part in parts[:-1]:
        if not isinstance(current.get(part), dict):
            if value is MISSING:
                return
            current[part] = {}
        current = current[part]
    if value is MISSING:
        current.pop(parts[-1], None)
    else:
        current[parts[-1]] = value


def prune(data):
    """Remove sections left empty, so an unanswered optional section is absent rather than ``{}``."""
    if not isinstance(data, dict):
        return data
    result = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = prune(value)
            if not value:
                continue
        result[key] = value
    return result
