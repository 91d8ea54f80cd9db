"""The link with the National Public Service Portal (Cổng Dịch vụ công quốc gia, DVCQG; issue 9): the
catalogue pulled from the national one (differences become draft versions for review, through
``catalog.services``), dossiers submitted on the national portal taken into the one-stop (through
``dossiers.services``) and acknowledged once, and every status change reported back in order, retried
until acknowledged, with a per-dossier sync state and a list of failures to retry.

The protocol lives in one adapter per portal behind ``registry.portal_links`` (``dvcqg``: STANDARDS.md
§8.1), chosen by ``CONGSO_NATIONALPORTAL_LINK``. This block owns only its sync records; it never writes
catalogue or dossier models itself, and it never imports the sandbox (the simulated portal is reached
over HTTP like the real one).

Where things are: ``registry`` (the plugin seam and the data shapes), ``dvcqg`` (the adapter),
``models`` (sync state, reports, incoming dossiers, catalogue pulls), ``services`` (pull, take in,
report, retry), ``subscribers`` (the outbox), ``jobs`` (periodic pulls and pushes), ``permissions``,
``views`` and ``workspace_entries`` (operator pages), ``extension`` (the panel on the dossier page),
``demo``.
"""
