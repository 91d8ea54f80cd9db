"""Factories of the identity block: accounts of citizens and officials.

Every account has the password ``PASSWORD``; citizens' national IDs come from a sequence.
"""

import factory
from django.contrib.auth import get_user_model

PASSWORD = "Mat-khau-rat-manh-2026"  # noqa: S105 — a test account's password, meets the policy
# The national ID of the identity tests' citizen.
CITIZEN_ID = "074090000123"


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen's account (the most common kind); ``kind=`` and the fields override."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    kind = "citizen"
    full_name = factory.LazyAttribute(lambda user: user.username.title())
    national_id = factory.Sequence(lambda n: f"0741{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the manager, so the password is hashed as at registration.
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)


class OfficialFactory(UserFactory):
    """An official's account (no national ID needed); memberships come from ``StaffMembershipFactory``."""

    kind = "official"
    national_id = None
