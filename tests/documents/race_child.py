"""The body of one process of the concurrency test in ``test_numbering.py`` (kept apart: a spawned
process imports its target's module before Django is set up, so Django is imported inside)."""

import os


def issue_many(db_name, media_root, pki_dir, clerk_id, document_ids, barrier, results):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("CONGSO_PROFILE", "test")
    os.environ["CONGSO_DOCUMENTS_PKI_DIR"] = pki_dir
    os.environ["MEDIA_ROOT"] = media_root
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections

    settings.MEDIA_ROOT = media_root
    settings.CONGSO_DOCUMENTS_PKI_DIR = pki_dir
    connections["default"].settings_dict["NAME"] = db_name
    from congso.documents import services
    from congso.documents.models import OutgoingDocument

    try:
        clerk = get_user_model().objects.get(pk=clerk_id)
        documents = [OutgoingDocument.objects.get(pk=pk) for pk in document_ids]
        connections["default"].close()  # start the race with no transaction open
        barrier.wait(timeout=120)
        made = [services.issue(document, by=clerk).number for document in documents]
        results.put(("ok", made))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()
