"""The workspace registry: the blocks' navigation entries, home panels and to-do counters."""

import pytest
from django.urls import reverse

from congso.core.registry import Registry
from congso.workspace import registry


def test_every_registered_entry_links_to_a_real_page():
    # A misspelt URL name must fail here, not hide a link.
    names = [entry.url_name for _, entry in registry.navigation.items()]
    assert {"dossiers:inbox", "dossiers:intake", "dossiers:logbook"} <= set(names)
    assert {"workflow_tasks:inbox", "workflow:monitoring"} <= set(names)
    for name in names:
        assert reverse(name)


def test_entries_come_in_their_declared_order_with_no_two_in_one_place():
    orders = [entry.order for _, entry in registry.navigation.items()]
    assert len(orders) == len(set(orders))


def test_an_entry_is_current_on_its_own_views_and_namespace():
    entry = registry.NavigationEntry(
        label="x", url_name="dossiers:intake", order=1, current_views=("dossiers:intake_form",)
    )
    assert entry.is_current("dossiers:intake") and entry.is_current("dossiers:intake_form")
    assert not entry.is_current("dossiers:inbox")
    monitoring = registry.NavigationEntry(
        label="y", url_name="workflow:monitoring", order=2, current_namespace="workflow"
    )
    assert monitoring.is_current("workflow:dossier_flow") and not monitoring.is_current(
        "workflow_tasks:inbox"
    )


@pytest.fixture
def extra_entries():
    added = []

    def add(target, name, entry):
        target.add(name, entry)
        added.append((target, name))

    yield add
    for target, name in added:
        target.remove(name)


def test_only_entries_shown_to_the_user_are_listed(extra_entries):
    extra_entries(
        registry.navigation,
        "test.hidden",
        registry.NavigationEntry(
            label="hidden", url_name="dossiers:inbox", order=999, shown_to=lambda u: False
        ),
    )
    assert "hidden" not in [entry.label for entry in registry.navigation_for(object())]


def test_the_todo_is_the_sum_of_every_blocks_counter(monkeypatch):
    assert {"dossiers.todo", "workflow.work_items"} <= {name for name, _ in registry.todo_counters.items()}
    counters = Registry("to-do counters under test")
    counters.add("a", lambda user: 3)
    counters.add("b", lambda user: 4 if user == "officer" else 0)
    monkeypatch.setattr(registry, "todo_counters", counters)
    assert registry.todo_count("officer") == 7
    assert registry.todo_count("someone else") == 3


def test_panels_come_in_order_and_one_with_nothing_to_show_is_left_out(monkeypatch):
    panels = Registry("home panels under test")
    panels.add("empty", registry.HomePanel(template="nothing.html", order=0, context=lambda request: None))
    panels.add(
        "second", registry.HomePanel(template="second.html", order=5, context=lambda request: {"n": 2})
    )
    panels.add("first", registry.HomePanel(template="first.html", order=1, context=lambda request: {"n": 1}))
    monkeypatch.setattr(registry, "home_panels", panels)
    assert registry.home_panels_for(object()) == [("first.html", {"n": 1}), ("second.html", {"n": 2})]


def test_navigation_addresses_follow_the_script_prefix_they_are_served_under():
    """The entries' addresses are worked out once per process, but per prefix: a province serving
    congso under /congso/ gets links under /congso/."""
    from django.urls import get_script_prefix, set_script_prefix

    from congso.workspace.templatetags.workspace_tags import _address

    before = get_script_prefix()
    assert _address("dossiers:inbox") == reverse("dossiers:inbox")
    try:
        set_script_prefix("/congso/")
        assert _address("dossiers:inbox") == reverse("dossiers:inbox") == "/congso/can-bo/ho-so/"
    finally:
        set_script_prefix(before)
    assert not _address("dossiers:inbox").startswith("/congso/")
