"""Path converters of the portal, registered once (CoreConfig.ready) and used by every urls.py.

Django's `int` converter takes any run of digits, so `/assessments/01/` is assessment 1; DRF's
lookups took anything up to "/" and `int()` then read "²" or "٣" as digits (or failed with a
500). Ours accept ASCII digits only, without leading zeros and bounded in length: anything else
does not match, and the URL answers 404 like an object that does not exist.
"""

from django.urls import register_converter

from .campaign import year_exists

# Database ids (bigint): 1 to 18 digits, no leading zero.
ID_REGEX = "[1-9][0-9]{0,17}"
# Small ordinals: criterion numbers, submission rounds.
NUMBER_REGEX = "[1-9][0-9]{0,2}"
# Statistical division and community codes: 12 digits.
CODE_REGEX = "[0-9]{12}"


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class NumberConverter(IdConverter):
    regex = NUMBER_REGEX


class YearConverter:
    """A campaign year that exists (2020 to the campaign year); any other year does not match."""

    regex = "20[0-9]{2}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not year_exists(year):
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return str(int(value))


class CodeConverter:
    regex = CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class UnitConverter(CodeConverter):
    """A provincial-level unit: its two-digit prefix ("31") or its 12-digit code."""

    regex = "[0-9]{2}(?:[0-9]{10})?"


def register() -> None:
    register_converter(IdConverter, "id")
    register_converter(NumberConverter, "number")
    register_converter(YearConverter, "year")
    register_converter(CodeConverter, "code")
    register_converter(UnitConverter, "unit")
