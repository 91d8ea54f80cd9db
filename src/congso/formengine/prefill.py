"""Prefill: answers the applicant does not have to type because a trusted source already holds them.

A *source* is a class registered in ``register`` (a ``core.registry.Registry``) under a name; a form
field asks for one attribute of one source in its UI hints: ``"prefill": "identity.full_name"``.
The first source is the signed-in account (``identity``). The once-only work adds the national
registries (population, business) as further sources through the same registry: a source declares its
attributes and returns values for a user; nothing else changes.

A source that fails is skipped (logged): prefilling is a convenience, it must never stop an application.
A source that cannot answer now (a national registry down or slow) raises ``SourceUnavailable``; the
fields stay empty and ``unavailable()`` names the source for the rest of the request, so the page can
say so.
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core import request_cache
from congso.core.registry import Registry

logger = logging.getLogger(__name__)

register = Registry("prefill sources")


class SourceUnavailable(Exception):
    """Raised by a source that cannot answer now; its label is shown in the page's notice."""

    def __init__(self, label: str):
        super().__init__(label)
        self.label = label


def _unavailable_labels() -> set:
    return request_cache.remember(("formengine.prefill_unavailable",), set)


def unavailable() -> list[str]:
    """The labels of the sources that could not answer in this request (empty outside a request)."""
    return sorted(_unavailable_labels())


@dataclass(frozen=True)
class PrefillValue:
    value: object
    source_label: str


class PrefillSource:
    """Base of prefill sources. ``label`` is shown beside every field it filled ("Lấy từ …");
    ``attributes`` maps attribute names to what they are (Vietnamese, for administrators)."""

    label = ""
    attributes: dict = {}

    def get_values(self, user, attributes: set[str]) -> dict:
        """``{attribute: JSON value}`` for the ``attributes`` this source knows for ``user``; an attribute
        it has no value for is left out."""
        raise NotImplementedError


@register("identity")
class IdentitySource(PrefillSource):
    """The signed-in account: what sign-in (and the national e-ID, once federated) established."""

    label = gettext_lazy("Lấy từ tài khoản định danh")
    attributes = {
        "full_name": gettext_lazy("Họ và tên"),
        "national_id": gettext_lazy("Số định danh cá nhân"),
        "date_of_birth": gettext_lazy("Ngày sinh (yyyy-mm-dd)"),
        "phone": gettext_lazy("Số điện thoại"),
        "email": gettext_lazy("Thư điện tử"),
        "tax_code": gettext_lazy("Mã số thuế (tài khoản doanh nghiệp)"),
        "organisation_name": gettext_lazy("Tên doanh nghiệp, tổ chức"),
    }

    def get_values(self, user, attributes):
        if user is None or not getattr(user, "is_authenticated", False):
            return {}
        found = {
            "full_name": user.full_name,
            "national_id": user.national_id,
            "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
            "phone": user.phone,
            "email": user.email,
            "tax_code": user.tax_code,
            "organisation_name": user.organisation_name,
        }
        return {key: value for key, value in found.items() if key in attributes and value not in (None, "")}


def split_reference(reference: str) -> tuple[str, str]:
    source, _sep, attribute = str(reference).partition(".")
    return source, attribute


def check_reference(reference: str) -> str:
    """An empty string when ``reference`` ("source.attribute") names a registered source and one of its
    attributes; otherwise a Vietnamese explanation for the administrator."""
    source, attribute = split_reference(reference)
    if source not in register:
        return _("nguồn điền sẵn “%(source)s” không tồn tại (có: %(known)s).") % {
            "source": source,
            "known": ", ".join(register),
        }
    if attribute not in register[source].attributes:
        return _("nguồn “%(source)s” không có thông tin “%(attribute)s” (có: %(known)s).") % {
            "source": source,
            "attribute": attribute,
            "known": ", ".join(register[source].attributes),
        }
    return ""


def values_for(user, references) -> dict[str, PrefillValue]:
    """``{reference: PrefillValue}`` for each ``"source.attribute"`` in ``references`` that a source could
    answer for ``user``. Unknown references and failing sources are skipped."""
    wanted: dict[str, set[str]] = {}
    for reference in set(references):
        source, attribute = split_reference(reference)
        wanted.setdefault(source, set()).add(attribute)
    found: dict[str, PrefillValue] = {}
    for source_name, attributes in wanted.items():
        if source_name not in register:
            continue
        source = register[source_name]()
        try:
            answers = source.get_values(user, attributes)
        except SourceUnavailable as exc:
            logger.info("Prefill source %s unavailable", source_name)
            _unavailable_labels().add(str(exc.label))
            continue
        except Exception:
            logger.exception("Prefill source %s failed", source_name)
            continue
        for attribute, value in answers.items():
            found[f"{source_name}.{attribute}"] = PrefillValue(value, str(source.label))
    return found


def for_form(definition, user) -> dict[str, PrefillValue]:
    """``{leaf path: PrefillValue}`` for the fields of ``definition`` that ask for a prefill attribute."""
    references = definition.prefill_references()
    available = values_for(user, references.values())
    return {path: available[ref] for path, ref in references.items() if ref in available}
