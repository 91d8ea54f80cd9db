"""Where the documents block stores files, declared for the orphan-file sweep."""

from congso.core.stored_files import register_owner

from .models import Attachment

FOLDER = "documents/"

register_owner(FOLDER, Attachment, "file")
