"""The body of one process of the concurrency test in ``test_codes.py``.

Kept apart from the test module because a spawned process imports the module of its target before
Django is set up: this one imports Django only inside the function.
"""

import os

PER_PROCESS = 25


def submit_many(db_name, ids, worker, barrier, results):
    """Body of one child process (spawned: a fresh interpreter, its own database connection)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    os.environ.setdefault("CONGSO_PROFILE", "test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    connections["default"].settings_dict["NAME"] = db_name
    from congso.agencies.models import Agency
    from congso.catalog.models import ProcedureVersion
    from congso.dossiers import services

    try:
        version = ProcedureVersion.objects.get(pk=ids["version"])
        agency = Agency.objects.get(pk=ids["agency"])
        user = get_user_model().objects.get(pk=ids["user"])
        connections["default"].close()  # start the race with no transaction open
        barrier.wait(timeout=60)
        made = [
            services.submit_online(
                version=version,
                applicant=user,
                receiving_agency=agency,
                form_data={},
                applicant_details={"name": "Nguyễn Văn An"},
                acting_for=None,
                submitted_by=user,
                idempotency_key=f"race-{worker}-{i}",
                papers=[],
            ).code
            for i in range(PER_PROCESS)
        ]
        results.put(("ok", made))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()
