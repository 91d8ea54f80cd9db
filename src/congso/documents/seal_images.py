"""The seal image a production signature provider shows with an agency's seal signature.

The image is not a secret (the key is): ``CONGSO_SEAL_IMAGE_DIR/<agency code>.png`` when that file
exists (the agency's scanned seal), else the round red seal the development PKI draws.
"""

import os
from pathlib import Path

from django.conf import settings

from . import devpki


def seal_image_path(agency) -> Path:
    """The agency's seal image: from ``CONGSO_SEAL_IMAGE_DIR`` when set, else drawn as the
    development PKI draws it (an image, not a key: nothing secret)."""
    directory = str(
        getattr(settings, "CONGSO_SEAL_IMAGE_DIR", "") or os.environ.get("CONGSO_SEAL_IMAGE_DIR", "")
    )
    if directory:
        path = Path(directory) / f"{agency.code}.png"
        if path.exists():
            return path
    path = devpki.pki_dir() / "seal-images" / f"{devpki._safe(agency.code)}.png"
    if not path.exists():
        devpki.seal_image(agency.short_name or agency.code, agency.name, path)
    return path
