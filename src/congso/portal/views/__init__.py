"""The citizen portal's pages, one module per part of the citizen's way. Views only turn a request into
calls of the portal's services (``portal.drafts``, ``portal.journey``, ``portal.submission``,
``portal.services``) and of other blocks' services, and their results into a page. Every page works
without JavaScript.

- ``home`` — the landing page;
- ``draft_pages`` — what every page of an application shares: loading the draft, the refusal pages, the
  rendering of a form page;
- ``application_start``, ``application_steps``, ``application_papers``, ``application_submit`` — the
  online application, from the start page to the receipt (``portal.application_urls``);
- ``uploads`` — what an upload field tells people about the files it takes;
- ``dossier_display``, ``my_dossiers``, ``dossier_requests``, ``status_lookup`` — following a dossier:
  the list and one dossier's page, the supplement, withdrawal and rating, and the public status page
  (``portal.dossier_urls``).
"""
