"""What the residents' pages keep of a person: nothing readable. A device is a random id (signed
cookie) kept as a keyed hash; a phone is normalised and kept only as a salted hash, enough to
enforce one answer per number and year and useless to read the number back. Comments are shown to
staff only after `mask_comment` (phone and ID numbers masked, a small list of insults starred)."""

import hashlib
import hmac
import re

from django.conf import settings

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _salt() -> bytes:
    return (settings.RESIDENTS_HASH_SALT or f"residents:{settings.SECRET_KEY}").encode()


def keyed_hash(kind: str, value: str) -> str:
    return hmac.new(_salt(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits (spaces, dashes and +86 removed), or None."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if PHONE_RE.match(digits) else None


def phone_hash(phone: str) -> str:
    return keyed_hash("phone", phone)


def device_hash(device_id: str) -> str:
    return keyed_hash("device", device_id)


def masked_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


# ID numbers first (18 digits, the last may be X; the old 15-digit form), then mobile numbers,
# then landlines with an area code; digits glued to other digits are not split.
_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?(\d{3,4})(\d{4})(?!\d)")
PROFANITY = (
    "傻逼",
    "傻b",
    "煞笔",
    "他妈的",
    "妈的",
    "操你",
    "草泥马",
    "狗日",
    "滚蛋",
    "fuck",
    "shit",
    "bitch",
)
_PROFANITY_RE = re.compile("|".join(re.escape(w) for w in PROFANITY), re.IGNORECASE)


def _mask_id(m: re.Match) -> str:
    # The area code stays (where from), the birth date and serial number go.
    return f"{m.group(1)}{'*' * 12}" if m.group(1) else f"{m.group(4)}{'*' * 9}"


def mask_comment(text: str) -> str:
    """The comment as staff may read it: ID numbers, mobile and landline numbers masked, insults
    starred."""
    text = _ID_RE.sub(_mask_id, text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE_RE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    return _PROFANITY_RE.sub(lambda m: "*" * len(m.group(0)), text)
