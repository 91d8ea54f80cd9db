"""Local accounts for people without the national e-ID: a phone number or an e-mail address and a password.

Registering makes an inactive citizen account and sends a one-time code to the address; entering the
code activates it at level 1 (``assurance_level`` 1, the address marked verified). Until then nothing
signs in with it, and registering the same address again replaces the unfinished account (whoever
proves they receive the code owns the address). A verified address names one account only (database
constraint) and signs in like a user name; a forgotten password is reset with a code sent there.

Each registration is an *attempt* whose token stays in the session of the browser that made it
(``one_time_codes``): its code activates the account only from there, with the password of that attempt.
A newer attempt for the address supersedes the older ones at once, also when the resend cool-down holds
its own code back (it is recorded, and its code is sent when the person asks after the wait): the codes
already sent stop working, so nobody activates someone else's attempt with the code on their phone.

Registering an address that already has an account sends that address a notice instead of a code and
shows the same next page: the pages never tell whether an address has an account.

A local account has no national ID. The national e-ID adds it when the person, signed in, signs in with
VNeID and no other account carries that number (``vneid.account_for``); from then on the VNeID sign-in
finds this same account.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from congso.core import audit

from . import one_time_codes
from .base import CodeNotSent
from .models import AssuranceLevel, CodeChannel, CodePurpose, UserKind
from .services import ANONYMOUS_ACTOR_LABEL, clear_sign_in_failures
from .validators import normalise_phone


@dataclass(frozen=True)
class Contact:
    """A normalised address: ``channel`` ``email`` (lower-cased) or ``phone`` (``0xxxxxxxxx``)."""

    channel: str
    address: str

    @property
    def field(self) -> str:
        return "email" if self.channel == CodeChannel.EMAIL else "phone"

    @property
    def verified_field(self) -> str:
        return f"{self.field}_verified_at"

    @property
    def masked(self) -> str:
        """The address with most of it hidden, to show on a page (``09******78``, ``a***@example.vn``)."""
        if self.channel == CodeChannel.PHONE:
            return self.address[:2] + "*" * 6 + self.address[-2:]
        name, _at, domain = self.address.partition("@")
        return f"{name[:1]}***@{domain}"


def parse_contact(raw: str | None) -> Contact | None:
    """What a person typed as their phone or e-mail, normalised; ``None`` when it is neither."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            return None
        return Contact(CodeChannel.EMAIL, text.lower())
    phone = normalise_phone(text)
    return Contact(CodeChannel.PHONE, phone) if phone else None


def account_with(contact: Contact):
    """The account whose *verified* address is ``contact`` (at most one), or ``None``."""
    lookup = {contact.verified_field + "__isnull": False}
    if contact.channel == CodeChannel.EMAIL:
        lookup["email__iexact"] = contact.address
    else:
        lookup["phone"] = contact.address
    return get_user_model().objects.filter(**lookup).first()


def _unfinished_account(contact: Contact):
    """An earlier registration of ``contact`` whose code was never entered."""
    return (
        get_user_model()
        .objects.filter(
            **{contact.field: contact.address, contact.verified_field: None},
            kind=UserKind.CITIZEN,
            is_active=False,
            national_id=None,
            last_login=None,
        )
        .order_by("-pk")
        .first()
    )


def _free_username(contact: Contact) -> str:
    User = get_user_model()
    if not User.objects.filter(username__iexact=contact.address).exists():
        return contact.address
    return f"tk-{get_random_string(10, 'abcdefghijkmnpqrstuvwxyz23456789')}"


def _site_name() -> str:
    from django.conf import settings

    return settings.CONGSO_SITE_NAME


def _code_message(purpose: str, code: str) -> tuple[str, str]:
    minutes = int(one_time_codes.lifetime().total_seconds() // 60)
    if purpose == CodePurpose.SIGN_UP:
        subject = _("Mã kích hoạt tài khoản %(site)s") % {"site": _site_name()}
        body = _(
            "%(code)s là mã kích hoạt tài khoản của bạn trên %(site)s. Mã có hiệu lực %(minutes)s phút. "
            "Không đưa mã này cho bất kỳ ai."
        )
    else:
        subject = _("Mã đặt lại mật khẩu %(site)s") % {"site": _site_name()}
        body = _(
            "%(code)s là mã đặt lại mật khẩu của bạn trên %(site)s. Mã có hiệu lực %(minutes)s phút. "
            "Nếu bạn không yêu cầu, hãy bỏ qua tin này."
        )
    return subject, body % {"code": code, "site": _site_name(), "minutes": minutes}


def _send(contact: Contact, subject: str, body: str, user, purpose: str) -> bool:
    try:
        one_time_codes.deliver(contact.channel, contact.address, subject, body)
    except CodeNotSent as error:
        audit.record(
            "identity.one_time_code.not_sent",
            user,
            changes={"purpose": purpose, "channel": contact.channel, "error": str(error)[:200]},
            label=ANONYMOUS_ACTOR_LABEL,
        )
        return False
    return True


def register(contact: Contact, *, full_name: str, password: str, client: str, attempt: str) -> None:
    """Start the registration ``attempt`` (a token kept in the asking session) for ``contact``: an inactive
    account with ``password`` and a code sent to it; earlier attempts for the address stop counting.

    Raises ``one_time_codes.SendRefused``: for ``cool_down`` the attempt is recorded all the same, with no
    code yet (``resend`` sends it after the wait); for ``limit`` nothing is made. When the address already
    belongs to an account, that address gets a notice instead and no account is touched; the attempt and
    the answers are the same either way, so the pages do not tell which.
    """
    try:
        one_time_codes.check_send_allowed(CodePurpose.SIGN_UP, contact.address, client)
    except one_time_codes.SendRefused as refused:
        if refused.reason != "cool_down":
            raise
        # An attempt recorded without a send still costs the client one: retrying never gets unlimited.
        if not one_time_codes.take_client(client):
            raise one_time_codes.SendRefused("limit") from refused
        _start(contact, full_name, password, attempt, send=False)
        raise
    _start(contact, full_name, password, attempt, send=True)


def attempt_stands(contact: Contact, attempt: str) -> bool:
    """Whether registration ``attempt`` is still the one that counts for ``contact``: the newest for the
    address, its code neither used nor expired. Reads only."""
    current = one_time_codes.current_attempt(CodePurpose.SIGN_UP, contact.address, attempt)
    return current is not None and current.used_at is None and current.expires_at > timezone.now()


def _start(contact: Contact, full_name: str, password: str, attempt: str, *, send: bool) -> None:
    """Record the attempt and, with ``send``, send its code (or, when the address already has an
    account, the notice instead: that attempt's code is never sent and never passes)."""
    existing = account_with(contact)
    if existing is not None:
        one_time_codes.issue(CodePurpose.SIGN_UP, contact.channel, contact.address, None, attempt)
        if send:
            _send(contact, *_already_registered_message(), existing, CodePurpose.SIGN_UP)
        audit.record(
            "identity.local_account.register_existing",
            existing,
            changes={"channel": contact.channel},
            label=ANONYMOUS_ACTOR_LABEL,
        )
        return
    with transaction.atomic():
        # The earlier attempts' codes end before this attempt's password replaces theirs.
        one_time_codes.retire(CodePurpose.SIGN_UP, contact.address)
        user = _unfinished_account(contact)
        if user is None:
            user = get_user_model()(
                username=_free_username(contact),
                kind=UserKind.CITIZEN,
                is_active=False,
                **{contact.field: contact.address},
            )
        user.full_name = full_name
        user.set_password(password)
        user.save()
        code = one_time_codes.issue(CodePurpose.SIGN_UP, contact.channel, contact.address, user, attempt)
        audit.record(
            "identity.local_account.registered",
            user,
            changes={"channel": contact.channel},
            label=ANONYMOUS_ACTOR_LABEL,
        )
    if send:
        _send(contact, *_code_message(CodePurpose.SIGN_UP, code), user, CodePurpose.SIGN_UP)


def _already_registered_message() -> tuple[str, str]:
    subject = _("Địa chỉ của bạn đã có tài khoản trên %(site)s") % {"site": _site_name()}
    body = _(
        "Có người vừa đăng ký tài khoản mới trên %(site)s bằng địa chỉ này, nhưng địa chỉ này đã có tài "
        "khoản. Nếu là bạn, hãy đăng nhập hoặc dùng chức năng quên mật khẩu. Nếu không phải bạn, hãy bỏ "
        "qua tin này."
    ) % {"site": _site_name()}
    return subject, body


def resend(purpose: str, contact: Contact, *, client: str, attempt: str = "") -> None:
    """Send a new code for a registration ``attempt`` or a reset in progress (``SendRefused`` when too
    soon or over the limits; ``CodeRefused("superseded")`` when a newer registration attempt for the
    address was made). Nothing is sent when there is nothing to finish; the answer is the same."""
    if purpose == CodePurpose.SIGN_UP:
        latest = one_time_codes.current_attempt(purpose, contact.address, attempt)
        if latest is None:
            raise CodeRefused("superseded")
        user = latest.user
    one_time_codes.check_send_allowed(purpose, contact.address, client)
    if purpose != CodePurpose.SIGN_UP:
        user = account_with(contact)
        user = user if user is not None and user.is_active else None
    code = one_time_codes.issue(purpose, contact.channel, contact.address, user, attempt)
    if user is not None:
        _send(contact, *_code_message(purpose, code), user, purpose)


class CodeRefused(Exception):
    """A code that does not pass; ``outcome`` is ``one_time_codes.Check.outcome`` or ``address_taken``."""

    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


def activate(contact: Contact, code: str, *, attempt: str):
    """Finish the registration ``attempt`` with the code sent for it to ``contact``: the account, now
    active at level 1 with the address verified. ``CodeRefused`` otherwise (also when, meanwhile, another
    account verified the same address)."""
    taken = False
    try:
        # One transaction with the check: an attempt started meanwhile waits for it (``retire``) instead
        # of changing the password between the check and the activation. A refusal is raised after it, so
        # the try it counted stays counted.
        with transaction.atomic():
            result = one_time_codes.check(CodePurpose.SIGN_UP, contact.address, code, attempt)
            if result.ok:
                user = result.code.user
                taken = account_with(contact) is not None
                if not taken:
                    user.is_active = True
                    user.assurance_level = max(user.assurance_level, AssuranceLevel.LEVEL_1)
                    setattr(user, contact.verified_field, timezone.now())
                    user.save(update_fields=["is_active", "assurance_level", contact.verified_field])
                    audit.record(
                        "identity.local_account.activated",
                        user,
                        actor=user,
                        changes={"channel": contact.channel},
                    )
    except IntegrityError as error:  # another registration of the address was activated first
        raise CodeRefused("address_taken") from error
    if not result.ok:
        raise CodeRefused(result.outcome)
    if taken:
        raise CodeRefused("address_taken")
    return user


def request_password_reset(contact: Contact, *, client: str) -> None:
    """Send a password-reset code to ``contact`` when an active account has it verified.

    ``SendRefused`` when over the limits. Without an account a code is still made (never sent, never
    passing), so the next steps behave the same and the pages reveal nothing.
    """
    one_time_codes.check_send_allowed(CodePurpose.PASSWORD_RESET, contact.address, client)
    user = account_with(contact)
    user = user if user is not None and user.is_active else None
    code = one_time_codes.issue(CodePurpose.PASSWORD_RESET, contact.channel, contact.address, user)
    audit.record(
        "identity.password_reset.request",
        user,
        changes={"channel": contact.channel, "account_found": user is not None},
        label=ANONYMOUS_ACTOR_LABEL,
    )
    if user is not None:
        _send(contact, *_code_message(CodePurpose.PASSWORD_RESET, code), user, CodePurpose.PASSWORD_RESET)


def check_reset_code(contact: Contact, code: str):
    """The account whose password the code sent to ``contact`` lets reset (the code is used up);
    ``CodeRefused`` otherwise."""
    result = one_time_codes.check(CodePurpose.PASSWORD_RESET, contact.address, code)
    if not result.ok:
        raise CodeRefused(result.outcome)
    return result.code.user


def set_new_password(user, password: str) -> None:
    """Set the password chosen after a reset code and lift the account's sign-in lockout (proving the
    address is enough, as for the e-mail link)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    removed = clear_sign_in_failures(user.get_username())
    audit.record(
        "identity.password_reset.complete",
        user,
        actor=user,
        changes={"failed_sign_ins_cleared": removed, "by": "one_time_code"},
    )
