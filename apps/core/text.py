"""Text typed by people: the one rule about control characters, for services, imports and the API.

Control characters (NUL and the other C0 controls, DEL and the C1 controls, and lone UTF-16
surrogates, which no database can store) are REFUSED, never silently stripped: the user is told
which field holds one and where, and nothing is saved. One-line text (names, codes, captions)
allows none of them; multi-line text (statements, comments, narratives) allows tab, newline and
carriage return (browsers send a textarea's line breaks as CR LF).

The same character classes give the API schema its `pattern` (apps.api.fields), so a client
generated from the schema is as strict as the server. Names of uploaded files are not typed:
`without_controls` cleans them instead.
"""

import re

from django.utils.translation import gettext as _

from .errors import ServiceError

# Inside a character class: what no text may hold, and what one-line text may not hold either.
_ALWAYS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = r"\x00-\x1f\x7f-\x9f"
# Lone surrogates: refused by the check, left out of the schema's patterns (an ECMAScript regex
# without the u flag sees every emoji as two surrogates).
_SURROGATE = r"\ud800-\udfff"
# Whitespace as Python's str.strip() sees it (DRF and the services strip text): a one-line value
# needs one character that is neither whitespace nor a control character.
_SPACE = r"\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

LINE_CHAR = rf"[^{_CONTROL}]"
TEXT_CHAR = rf"[^{_ALWAYS}]"
VISIBLE_CHAR = rf"[^{_CONTROL}{_SPACE}]"

_LINE_BAD = re.compile(rf"[{_CONTROL}{_SURROGATE}]")
_TEXT_BAD = re.compile(rf"[{_ALWAYS}{_SURROGATE}]")


def control_character_at(value: str, *, multiline: bool = False) -> int | None:
    """The index of the first control character in `value`, or None."""
    match = (_TEXT_BAD if multiline else _LINE_BAD).search(value or "")
    return match.start() if match else None


def control_character_message(label, value: str, index: int) -> str:
    """E.g. “名称”含有无法保存的控制字符（U+0000，第 3 个字符），请删除后重试。"""
    return _(
        '"%(label)s" contains a control character that cannot be saved (%(char)s, character %(position)s). '
        "Remove it and try again."
    ) % {"label": label, "char": f"U+{ord(value[index]):04X}", "position": index + 1}


def text_check(value: str | None, *, field: str, label, multiline: bool = False) -> str:
    """`value` (None as "") if it holds no control character; otherwise ServiceError with code
    "control_character" naming the field, so that the page shows it next to the field and the API
    as {"fields": {field: [message]}}."""
    value = value or ""
    index = control_character_at(value, multiline=multiline)
    if index is not None:
        raise ServiceError(
            control_character_message(label, value, index), code="control_character", field=field
        )
    return value


def without_controls(value: str | None) -> str:
    """`value` with every control character removed (for names of uploaded files, not typed text)."""
    return _LINE_BAD.sub("", value or "")
