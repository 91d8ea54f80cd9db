"""Shared kernel: base model fields, the working-day calendar, the audit log, the event outbox and the
background worker's scheduling.

It owns no domain concept (no dossier, no procedure, no agency) and imports no other congso app; every
other block may depend on it.
"""
