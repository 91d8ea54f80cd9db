"""Contact details as lists show them: ``09******34``, ``n***@example.com``."""


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 6:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "*" * len(local)
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    if not address:
        return ""
    if address.startswith("account:"):
        return ""
    return mask_email(address) if "@" in address else mask_phone(address)
