"""Reporting (báo cáo, chỉ số): the indicators of Decision 766/QĐ-TTg and of the province's plan,
computed from the other blocks' data and events, never typed in; kept pre-aggregated per day, agency,
procedure and channel; shown on the leaders' dashboard (with drill-down, XLSX and PDF) and, for the
headline figures, on a public page.

It reads every block through that block's ``services`` and writes only its own tables (facts per
dossier, daily figures); it never changes a dossier, a procedure or an account, and no block imports it.
"""
