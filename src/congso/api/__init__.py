"""The open REST API for agency systems (``/api/v1/``, Django REST Framework, OpenAPI 3 from
drf-spectacular): procedures and agencies to read, dossiers of the caller's agency to list, read and move
through the officer's transitions, results to upload. It owns only the idempotency records of its POSTs.

It decides nothing itself: every read goes through ``catalog.services``, ``agencies.services`` and
``Dossier.objects.visible_to``; every write through ``dossiers.services`` under the acting officer's
permissions (``dossiers.permissions``, the workspace's one rule). Callers are LGSP systems (an access
token, directly or through the gateway) acting for a named officer, or the workspace's own session.
"""
