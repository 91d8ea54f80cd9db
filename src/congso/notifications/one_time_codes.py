"""The notifications block's channels as senders of identity's one-time codes (``identity.registry``).

A code is sent at once, in the request that asked for it, and never stored here: a ``Notification`` row
keeps its text for weeks and a retry minutes later would deliver a code that may have expired. So the
channel is called directly with a message that lives only in memory; when the gateway refuses or is
down, identity tells the person to ask for a new code.
"""

import uuid
from dataclasses import dataclass, field

from congso.identity.base import CodeNotSent, OneTimeCodeSender
from congso.identity.registry import one_time_code_senders

from . import sms
from .channels import PermanentFailure, TransientFailure, channels
from .models import ChannelName


@dataclass(frozen=True)
class _Message:
    """What a channel reads of a notification: address, subject, body and a client message id."""

    address: str
    subject: str
    body: str
    client_message_id: str = field(default_factory=lambda: f"otc-{uuid.uuid4().hex}")


class _ChannelSender(OneTimeCodeSender):
    channel_name = ""

    def text(self, body: str) -> str:
        return body

    def send(self, address: str, subject: str, body: str) -> None:
        channel = channels[self.channel_name]()
        if not channel.reaches(address):
            raise CodeNotSent(f"{self.channel_name} does not reach this address")
        try:
            channel.send(_Message(address=address, subject=subject, body=self.text(body)))
        except (TransientFailure, PermanentFailure) as error:
            raise CodeNotSent(str(error)) from error


@one_time_code_senders("email")
class EmailCodeSender(_ChannelSender):
    channel_name = ChannelName.EMAIL


@one_time_code_senders("phone")
class SmsCodeSender(_ChannelSender):
    """By the SMS gateway, without diacritics: one GSM-7 part costs half a UCS-2 one (STANDARDS §8.3)."""

    channel_name = ChannelName.SMS

    def text(self, body: str) -> str:
        return sms.strip_diacritics(body)
