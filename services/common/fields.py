"""Request field types every service validates the same way (marshmallow). One definition each,
so a rule fixed here is fixed everywhere:

- `Text` — a string with surrounding space stripped, no control characters (a NUL, a stray
  newline in a one-line value), and a length checked after stripping; `PersonName`,
  `PublicText` (text that will be published: no ID or phone number in any digits) build on it.
- `ResidentIdNumber`, `MobilePhone` — normalised to ASCII digits first, then checked whole.
- `Int` — an integer with bounds, always: the database column's type sets the outer limit
  (`INT32`, `INT64`), so an oversized number is a 400 naming the field, never a 500; in a
  query string (text) `QueryInt`.
- `Day` — a date within the programme's outer bounds (1950–2100 unless narrowed).
- `Bool` — only JSON ``true``/``false`` (marshmallow's Boolean would take "yes" or 1).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from marshmallow import ValidationError, fields, validate

from .identity import MOBILE_PHONE, InvalidResidentId, ascii_digits, contains_personal_data, parse_resident_id

INT32 = (-(2**31), 2**31 - 1)  # an Integer column
INT64 = (-(2**63), 2**63 - 1)  # a BigInteger column


def resident_id(value: str) -> None:
    """Validator: an 18-digit resident ID with a real birth date and the GB 11643 checksum."""
    try:
        parse_resident_id(value)
    except InvalidResidentId as exc:
        raise ValidationError(f"invalid resident ID: {exc}") from None


def no_personal_data(value: str) -> None:
    """Validator: text that would be published must not hold an ID number or phone number."""
    if contains_personal_data(value):
        raise ValidationError("must not contain an ID number or phone number (it would be published)")


class Text(fields.String):
    """A string, stripped of surrounding white space, with no control characters (``multiline``
    allows line breaks and tabs inside), ``min_length``..``max_length`` characters after
    stripping."""

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool = False, **kwargs):
        self.multiline = multiline
        length = validate.Length(min=min_length or None, max=max_length)
        super().__init__(validate=[length, *_as_list(kwargs.pop("validate", None))], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        allowed = "\n\t" if self.multiline else ""
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
            raise ValidationError("must not contain control characters" +
                                  ("" if self.multiline else " or line breaks"))
        return text


def PersonName(**kwargs) -> Text:  # noqa: N802 - a field factory, named like a field
    """A person's name as written on their ID card: 1 to 40 characters, one line."""
    return Text(min_length=1, max_length=40, **kwargs)


def PublicText(max_length: int = 500, min_length: int = 0, **kwargs) -> Text:  # noqa: N802
    """Free text that ends up in an event or on a public page: no ID or phone number in it."""
    return Text(min_length=min_length, max_length=max_length, multiline=True,
                validate=[no_personal_data, *_as_list(kwargs.pop("validate", None))], **kwargs)


class ResidentIdNumber(fields.String):
    """An 18-digit resident ID number, checksum checked, loaded in its normalised form (ASCII
    digits, upper-case X): the form person_refs and storage use."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"description": "18-digit resident ID (GB 11643 checksum)"})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_resident_id(text).number
        except InvalidResidentId as exc:
            raise ValidationError(f"invalid resident ID: {exc}") from None


class MobilePhone(fields.String):
    """A mainland mobile number: 11 digits, 13x–19x (any digits, surrounding space ignored)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"pattern": "^1[3-9][0-9]{9}$"})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = ascii_digits(super()._deserialize(value, attr, data, **kwargs)).strip()
        if not MOBILE_PHONE.fullmatch(text):
            raise ValidationError("not a mainland mobile number")
        return text


def Int(minimum: int, maximum: int, **kwargs) -> fields.Integer:  # noqa: N802
    """An integer (JSON number without a fraction, not a string) within ``minimum..maximum``."""
    if minimum is None or maximum is None:
        raise ValueError("Int needs both bounds")
    return fields.Integer(strict=True, validate=[validate.Range(min=minimum, max=maximum),
                                                 *_as_list(kwargs.pop("validate", None))], **kwargs)


class _QueryInteger(fields.Integer):
    """The text of a whole number ("?page=2"): what a query string holds."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError("must be a whole number")
        if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            raise ValidationError("must be a whole number")
        return super()._deserialize(value, attr, data, **kwargs)


def QueryInt(minimum: int, maximum: int, **kwargs) -> fields.Integer:  # noqa: N802
    """An integer query parameter within ``minimum..maximum``. A query string is text, which
    `Int` (JSON numbers only) would refuse; this takes the text of a whole number and nothing
    else (no fractions, no exponents)."""
    if minimum is None or maximum is None:
        raise ValueError("QueryInt needs both bounds")
    return _QueryInteger(validate=[validate.Range(min=minimum, max=maximum),
                                   *_as_list(kwargs.pop("validate", None))], **kwargs)


def Day(earliest: date = date(1950, 1, 1), latest: date = date(2100, 12, 31), **kwargs) -> fields.Date:  # noqa: N802
    """A calendar date (ISO 8601) within ``earliest``..``latest``: the outer bounds of any date
    the programme deals in. Rules such as "not after today" belong to the use case."""
    return fields.Date(validate=[validate.Range(min=earliest, max=latest), *_as_list(kwargs.pop("validate", None))],
                       **kwargs)


class Bool(fields.Boolean):
    """JSON true or false only."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


def _as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, list | tuple) else [v]
