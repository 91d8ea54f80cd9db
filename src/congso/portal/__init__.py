"""The citizen-facing web pages (Cổng dịch vụ công): home, search, apply, my dossiers, results, feedback,
the public status page of a dossier, and “Ủy quyền và đại diện” (the pages only: who may act for a
business or a child is ``identity.services.may_act_for``, which the submission asks).

It owns what only the citizen's side produces: applications in progress (``ApplicationDraft`` and their
files) and citizens' feedback on finished dossiers (``Feedback``, with the agency's reply); the public
status page's rate limits are counted by ``core.ratelimit``. Other blocks read these through
``portal.services`` (e.g. ``satisfaction()`` for the Decision 766 index), never through its models.

Where things are: ``journey`` (the draft's pages and completeness, the state machine), ``drafts`` (a
draft's life and files), ``submission`` (draft → dossier), ``questions`` (the journey's own questions),
``services`` (the API for other blocks); ``views/`` turns requests into calls of these and pages.

It must not own procedures or dossiers: procedures come from ``catalog.services``, dossiers are read and
changed only through ``dossiers.services`` (submission, supplement, withdrawal). Every journey here must
work without JavaScript.
"""
