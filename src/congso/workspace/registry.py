"""What the other blocks show in the officers' workspace shell: navigation entries, home panels and
to-do counters.

The workspace sits below the blocks whose pages it frames, so it never imports them. Instead each block
registers what it contributes at start-up (its ``apps.py`` ``ready()`` imports its ``workspace_entries``
module), and the shell reads these registries when it draws a page:

- ``navigation``: one ``NavigationEntry`` per link in the side navigation, ordered by ``order``;
- ``home_panels``: one ``HomePanel`` per section of the officer's home page;
- ``todo_counters``: one function ``(user) -> int`` per half of the officer's to-do ("Việc cần xử lý");
  the home page shows their sum, so no block needs to know what the others count.
"""

from collections.abc import Callable
from dataclasses import dataclass

from congso.core.registry import Registry

navigation = Registry("workspace navigation entries")
home_panels = Registry("workspace home panels")
todo_counters = Registry("workspace to-do counters")
# Small links in the header beside the account (an unread-messages count): ``HeaderItem``.
header_items = Registry("workspace header items")


def everybody(user) -> bool:
    return True


@dataclass(frozen=True)
class NavigationEntry:
    """A link in the workspace's side navigation.

    ``current_views`` are the view names (``"dossiers:intake"``) on which the link is marked as the
    current page; ``current_namespace`` marks it on every view of a URL namespace. ``shown_to(user)``
    decides whether the officer sees the link at all (the block's own permission rule).
    """

    label: str
    url_name: str
    order: int
    current_views: tuple[str, ...] = ()
    current_namespace: str = ""
    shown_to: Callable[[object], bool] = everybody

    def is_current(self, view_name: str) -> bool:
        if self.current_namespace and view_name.startswith(f"{self.current_namespace}:"):
            return True
        return view_name == self.url_name or view_name in self.current_views


@dataclass(frozen=True)
class HomePanel:
    """A section of the officer's home page: ``context(request)`` returns the template's context, or None
    when the panel has nothing to show this officer."""

    template: str
    order: int
    context: Callable[[object], dict | None]


@dataclass(frozen=True)
class HeaderItem:
    """A link in the workspace header: ``link(user)`` returns ``(label, url, count)`` or None to show
    nothing; ``count`` (may be 0) is shown as a badge after the label."""

    order: int
    link: Callable[[object], tuple[str, str, int] | None]


def header_items_for(user) -> list[dict]:
    items = sorted((item for _, item in header_items.items()), key=lambda item: item.order)
    shown = []
    for item in items:
        link = item.link(user)
        if link is not None:
            label, url, count = link
            shown.append({"label": label, "url": url, "count": count})
    return shown


def navigation_for(user) -> list[NavigationEntry]:
    entries = (entry for _, entry in navigation.items())
    return sorted((e for e in entries if e.shown_to(user)), key=lambda e: e.order)


def home_panels_for(request) -> list[tuple[str, dict]]:
    """``(template, context)`` of every panel that has something for ``request``'s officer, in order."""
    panels = sorted((panel for _, panel in home_panels.items()), key=lambda p: p.order)
    shown = []
    for panel in panels:
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown


def todo_count(user) -> int:
    """The officer's whole to-do: the sum of every block's counter."""
    return sum(counter(user) for _, counter in todo_counters.items())
