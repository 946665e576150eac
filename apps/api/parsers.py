"""The API's one request parser: JSON, bounded in size and in depth.

DRF's JSONParser reads the whole body from the socket (Django's DATA_UPLOAD_MAX_MEMORY_SIZE only
guards request.body) and hands it to Python's recursive decoder, which dies with RecursionError
(a 500) on a body nested a few thousand levels deep, also on endpoints open without login. This
parser reads at most API_JSON_MAX_BYTES, measures the nesting before decoding, and refuses either
excess with the usual JSON error (400, {"code", "message", "fields"}). Evidence uploads, the only
other body the API takes, use DRF's MultiPartParser on their own action.
"""

import io
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class JSONTooLarge(ParseError):
    default_code = "json_too_large"


class JSONTooDeep(ParseError):
    default_code = "json_too_deep"


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects more than `limit` levels deep (strings,
    which may hold brackets, are skipped). Stops at the first level past the limit."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    return any(depth > limit for depth in accumulate(_STEP[c] for c in brackets))


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        max_bytes = settings.API_JSON_MAX_BYTES
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise JSONTooLarge(
                _("The request body is too large: at most %(kb)s KB of JSON.") % {"kb": max_bytes // 1024}
            )
        if json_depth_exceeds(raw, settings.API_JSON_MAX_DEPTH):
            raise JSONTooDeep(
                _("The JSON is nested too deeply: at most %(n)s levels.") % {"n": settings.API_JSON_MAX_DEPTH}
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)
