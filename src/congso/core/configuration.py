"""A setting refused, said one way by every block: ``refusal(vietnamese, english)``.

Settings are read before any language is active, and by an operator whose language congso cannot know,
so a refusal says it in both: Vietnamese first, English on the next line, each naming the variable and
the value it holds. ``congso`` prints it without a traceback (``cli._refuse_settings``).

A block whose setting is parsed only when first used (office hours, trusted proxies, the dossier code's
pattern) checks it in its ``AppConfig.ready``, so a wrong value stops the process when it starts instead
of failing every request that reads it.
"""

from django.core.exceptions import ImproperlyConfigured


def refusal(vietnamese: str, english: str) -> ImproperlyConfigured:
    """The exception that stops the process over a wrong setting: both sentences, Vietnamese first."""
    return ImproperlyConfigured(f"{vietnamese}\n{english}")
