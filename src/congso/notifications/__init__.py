"""Notifications: every citizen and officer hears what concerns them, on the channel they chose.

It owns the notification templates (per event × channel × language), each account's preferences, the
notifications themselves (one per event × recipient × channel, with their delivery status) and the
channels that carry them (``notifications.channels``: e-mail, SMS through a brand-name gateway, in-app).
It learns of dossier and workflow events only as an outbox subscriber and reads dossiers through
``dossiers.services``; it never imports ``workflow`` or ``portal`` (they show its messages by calling
``notifications.services``), and it never changes another block's data.
"""
