"""The officers' workspace shell (không gian làm việc của cán bộ): its layout, navigation and home page.

It owns no data. Each block (dossiers, workflow, documents…) contributes its own pages and inbox entries;
the workspace only frames them and checks that the visitor is staff of some agency.
"""
