"""Sign-in by user name or, for citizens, by the 12-digit national ID number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q

from congso.core import rows

# Set on the request when this backend looked at the password. When a failed sign-in lacks it, an
# earlier backend (the lockout) refused the attempt before any password was checked.
CREDENTIALS_CHECKED_ATTR = "identity_credentials_checked"


class UsernameOrNationalIdBackend(ModelBackend):
    """Accept either the account's exact user name or its national ID number as the identifier.

    Matching is exact on purpose: the lockout counts failures per identifier string, so a backend that
    also accepted "ALICE" or "Alice" for "alice" would give an attacker a fresh counter per spelling.
    The sign-in form turns what people type into the exact name first
    (``services.canonical_sign_in_name``), so people keep the convenience.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            setattr(request, CREDENTIALS_CHECKED_ATTR, True)
        if username is None or password is None:
            return None
        User = get_user_model()
        identifier = username.strip()
        try:
            user = User.objects.get(Q(username=identifier) | Q(national_id=identifier))
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            # Run the hasher anyway so that timing does not reveal whether the account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in account of a session, or None (gone, or inactive), as ``ModelBackend``'s; read
        by a named query because every signed-in request asks (``core.rows``)."""
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[User.objects.db]
        pk = connection.ops.quote_name(User._meta.pk.column)
        found = rows.read(User, f"{pk} = %s", [user_id], connection=connection)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
