"""How a fee (phí, lệ phí) is computed from its kind and ``rule``, and how it reads in plain Vietnamese.

Kinds and their ``rule`` (amounts in đồng, whole numbers):

``fixed``
    ``amount`` per case. ``{"per_copy": true}`` makes it ``amount`` per copy (e.g. 8,000 đ per copy of
    an extract).
``per_page``
    Certification of copies (Circular 226/2016/TT-BTC): ``{"first_pages": 2, "first_rate": 2000,
    "next_rate": 1000, "max_per_copy": 200000}`` — 2,000 đ a page for pages 1–2, 1,000 đ a page from
    page 3, at most 200,000 đ per copy, times the number of copies. ``first_pages`` may be omitted (every
    page at ``first_rate``); ``max_per_copy`` may be omitted (no ceiling).
``tiered``
    Marginal tiers over a quantity: ``{"basis": "copies" | "pages", "base": 200000,
    "tiers": [{"up_to": 2, "rate": 0}, {"up_to": null, "rate": 5000}], "max": null}`` — ``base`` plus, for
    each tier, ``rate`` times the units that fall in it (``up_to`` is the last unit of the tier, ``null``
    for no end). With ``basis: "pages"`` the result is per copy and multiplied by ``copies``.
    The example is the criminal-record extract: 200,000 đ, and 5,000 đ more for each extract from the 3rd.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Fee, FeeKind


def compute_fee(fee: Fee, *, pages: int = 0, copies: int = 1, exempt: bool = False) -> int:
    """Amount in đồng due for ``fee`` for a document of ``pages`` pages in ``copies`` copies.

    ``exempt`` (the applicant belongs to a group in ``fee.exemptions``) makes it 0.
    Raises ValueError for negative pages or copies.
    """
    if pages < 0 or copies < 0:
        raise ValueError("pages and copies must not be negative")
    if exempt:
        return 0
    rule = fee.rule or {}
    if fee.kind == FeeKind.FIXED:
        return fee.amount * copies if rule.get("per_copy") else fee.amount
    if fee.kind == FeeKind.PER_PAGE:
        return _per_page(rule, pages) * copies
    if fee.kind == FeeKind.TIERED:
        return _tiered(rule, pages=pages, copies=copies)
    raise ValueError(f"unknown fee kind {fee.kind!r}")


def _per_page(rule: dict, pages: int) -> int:
    first_pages = rule.get("first_pages")
    first_rate = rule["first_rate"]
    if first_pages is None:
        amount = pages * first_rate
    else:
        amount = min(pages, first_pages) * first_rate + max(0, pages - first_pages) * rule.get("next_rate", 0)
    ceiling = rule.get("max_per_copy")
    return min(amount, ceiling) if ceiling is not None else amount


def _tiered(rule: dict, *, pages: int, copies: int) -> int:
    by_pages = rule.get("basis", "copies") == "pages"
    units = pages if by_pages else copies
    amount = rule.get("base", 0)
    lower = 0
    for tier in rule["tiers"]:
        upper = tier.get("up_to")
        top = units if upper is None else min(units, upper)
        if top > lower:
            amount += (top - lower) * tier["rate"]
        if upper is None or units <= upper:
            break
        lower = upper
    ceiling = rule.get("max")
    if ceiling is not None:
        amount = min(amount, ceiling)
    return amount * copies if by_pages else amount


def _non_negative_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def validate_fee_rule(kind: str, amount: int, rule) -> None:
    """Raise ValidationError (Vietnamese) if ``rule`` does not fit ``kind`` as documented above."""
    if not isinstance(rule, dict):
        raise ValidationError({"rule": _("Tham số cách tính phí phải là một đối tượng JSON.")})
    errors = []
    if kind == FeeKind.FIXED:
        unknown = set(rule) - {"per_copy"}
        if "per_copy" in rule and not isinstance(rule["per_copy"], bool):
            errors.append(_("per_copy phải là true hoặc false."))
    elif kind == FeeKind.PER_PAGE:
        unknown = set(rule) - {"first_pages", "first_rate", "next_rate", "max_per_copy"}
        if not _non_negative_int(rule.get("first_rate")):
            errors.append(_("Phí theo trang cần first_rate (đồng/trang) là số nguyên không âm."))
        for key in ("first_pages", "next_rate", "max_per_copy"):
            if key in rule and rule[key] is not None and not _non_negative_int(rule[key]):
                errors.append(_("%(key)s phải là số nguyên không âm.") % {"key": key})
        if rule.get("first_pages") is not None and "next_rate" not in rule:
            errors.append(_("Khi có first_pages, cần ghi next_rate (đồng/trang từ trang tiếp theo)."))
    elif kind == FeeKind.TIERED:
        unknown = set(rule) - {"basis", "base", "tiers", "max"}
        errors += _tiered_errors(rule)
    else:
        raise ValidationError({"kind": _("Cách tính phí không hợp lệ.")})
    if unknown:
        errors.append(
            _("Tham số không dùng cho cách tính này: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    if errors:
        raise ValidationError({"rule": errors})


def _tiered_errors(rule: dict) -> list[str]:
    errors = []
    if rule.get("basis", "copies") not in ("copies", "pages"):
        errors.append(_("basis phải là “copies” (số bản) hoặc “pages” (số trang)."))
    for key in ("base", "max"):
        if rule.get(key) is not None and not _non_negative_int(rule[key]):
            errors.append(_("%(key)s phải là số nguyên không âm.") % {"key": key})
    tiers = rule.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        return [*errors, _("Phí theo bậc cần danh sách tiers (mỗi bậc có up_to và rate).")]
    previous = 0
    for index, tier in enumerate(tiers, start=1):
        if not isinstance(tier, dict) or not _non_negative_int(tier.get("rate")):
            errors.append(_("Bậc %(n)s cần rate là số nguyên không âm.") % {"n": index})
            continue
        upper = tier.get("up_to")
        if upper is None:
            if index != len(tiers):
                errors.append(_("Chỉ bậc cuối cùng được để trống up_to."))
        elif not _non_negative_int(upper) or upper <= previous:
            errors.append(_("up_to của các bậc phải tăng dần (bậc %(n)s).") % {"n": index})
        else:
            previous = upper
    return errors


def format_vnd(amount: int) -> str:
    """``200000`` → ``"200.000 đồng"``; in English ``"200,000 VND"``: each language's thousands separator,
    so that an English reader does not take 16.000 VND for sixteen."""
    return group_thousands(amount) + " " + _("đồng")


def group_thousands(amount: int) -> str:
    """``16000`` → ``"16.000"`` in Vietnamese, ``"16,000"`` in English."""
    grouped = f"{amount:,}"
    return grouped if get_language() == "en" else grouped.replace(",", ".")


def describe_fee(fee: Fee) -> str:
    """The fee in one plain sentence, e.g. "2.000 đồng/trang cho 2 trang đầu, …"."""
    rule = fee.rule or {}
    if fee.kind == FeeKind.FIXED:
        if fee.amount == 0:
            return _("Không thu phí")
        text = format_vnd(fee.amount)
        return text + (_(" mỗi bản") if rule.get("per_copy") else _(" mỗi lần thực hiện"))
    if fee.kind == FeeKind.PER_PAGE:
        return _describe_per_page(rule)
    return _describe_tiered(rule)


def _describe_per_page(rule: dict) -> str:
    first_pages = rule.get("first_pages")
    if first_pages is None:
        text = _("%(rate)s mỗi trang") % {"rate": format_vnd(rule["first_rate"])}
    else:
        text = _(
            "%(rate)s mỗi trang cho %(n)s trang đầu; từ trang thứ %(next)s trở đi %(next_rate)s mỗi trang"
        ) % {
            "rate": format_vnd(rule["first_rate"]),
            "n": first_pages,
            "next": first_pages + 1,
            "next_rate": format_vnd(rule.get("next_rate", 0)),
        }
    if rule.get("max_per_copy") is not None:
        text += _("; tối đa %(max)s mỗi bản") % {"max": format_vnd(rule["max_per_copy"])}
    return text


def _describe_tiered(rule: dict) -> str:
    unit = _("trang") if rule.get("basis") == "pages" else _("bản")
    parts = []
    if rule.get("base"):
        parts.append(format_vnd(rule["base"]))
    lower = 0
    for tier in rule.get("tiers", []):
        upper = tier.get("up_to")
        if tier["rate"]:
            if upper is None:
                span = _("từ %(unit)s thứ %(from)s trở đi") % {"unit": unit, "from": lower + 1}
            else:
                span = _("từ %(unit)s thứ %(from)s đến %(unit)s thứ %(to)s") % {
                    "unit": unit,
                    "from": lower + 1,
                    "to": upper,
                }
            parts.append(
                _("%(span)s thu thêm %(rate)s mỗi %(unit)s")
                % {"span": span, "rate": format_vnd(tier["rate"]), "unit": unit}
            )
        lower = upper or lower
    if rule.get("max") is not None:
        parts.append(_("tối đa %(max)s") % {"max": format_vnd(rule["max"])})
    return "; ".join(parts) or _("Không thu phí")
