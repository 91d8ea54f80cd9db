"""Sign-in by user name or, for citizens, by the 12-digit national ID number."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth import get_user_model
from django.db.models import Q


class UsernameOrNationalIdBackend(ModelBackend):
    """Accept either the account's user name or its national ID number as the identifier."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        identifier = username.strip()
        try:
            user = User.objects.get(Q(username__iexact=identifier) | Q(national_id=identifier))
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            # Run the hasher anyway so that timing does not reveal whether the account exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
