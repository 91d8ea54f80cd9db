"""The citizen-facing web pages (Cổng dịch vụ công): home, search, apply, my dossiers, results, feedback.

It stores nothing of its own that another block needs: procedures come from ``catalog.services``,
dossiers from ``dossiers.services``. Every journey here must work without JavaScript.
"""
