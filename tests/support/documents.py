"""The documents block's role × action matrix, shared by its permission tests (the ``cast`` fixture of
tests/documents/conftest.py names the people)."""

PEOPLE = ["clerk", "leader", "deputy", "specialist", "other_specialist", "clerk_b", "leader_b", "anonymous"]


def person(cast, name):
    if name == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return getattr(cast, name)


def assert_matrix(cast, check, expected_yes):
    """Exactly the people in ``expected_yes`` pass ``check``."""
    got = {name for name in PEOPLE if check(person(cast, name))}
    assert got == set(expected_yes)
