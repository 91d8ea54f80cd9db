"""The answer part of a document's page: which outgoing document an incoming one answers (and the
clerk's form to say so for a paper answer), the answers an outgoing document got, and the button that
lets a drafter take a draft a dossier's process asked for. An inclusion tag, so the pages of the
registers need only one line each (``{% reply_panel document %}``)."""

from django import template

from .. import permissions
from ..models import DocumentReply, IncomingDocument

register = template.Library()


@register.inclusion_tag("documents/_reply_panel.html", takes_context=True)
def reply_panel(context, document):
    user = context["request"].user
    if isinstance(document, IncomingDocument):
        link = DocumentReply.objects.select_related("outgoing").filter(incoming=document).first()
        return {
            "incoming": document,
            "answers_to": link.outgoing if link else None,
            "can_link": link is None and permissions.can_link_reply(user, document),
            "csrf_token": context.get("csrf_token"),
        }
    return {
        "outgoing": document,
        "answers": [a.incoming for a in document.answers.select_related("incoming")],
        "can_take": permissions.can_take_draft(user, document),
        "can_deliver": permissions.can_deliver_result(user, document) and document.dossier.status == 4,
        "csrf_token": context.get("csrf_token"),
    }
