"""Request fields every service validates the same way (marshmallow): a resident ID number, a
mainland mobile number, and free text that will be published and so must carry no personal
data. One definition each, so a rule fixed here is fixed everywhere."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from .identity import MOBILE_PHONE, InvalidResidentId, contains_personal_data, parse_resident_id


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


def ResidentIdNumber(**kwargs) -> fields.String:  # noqa: N802 - a field factory, named like a field
    """A resident ID number field (18 digits, checksum checked)."""
    kwargs.setdefault("metadata", {"description": "18-digit resident ID (GB 11643 checksum)"})
    return fields.String(validate=resident_id, **kwargs)


def MobilePhone(**kwargs) -> fields.String:  # noqa: N802
    """A mainland mobile number (11 digits, 13x–19x)."""
    return fields.String(validate=validate.Regexp(MOBILE_PHONE, error="not a mainland mobile number"), **kwargs)


def PublicText(max_length: int = 500, min_length: int = 0, **kwargs) -> fields.String:  # noqa: N802
    """Free text that ends up in an event or on a public page."""
    length = validate.Length(min=min_length or None, max=max_length)
    return fields.String(validate=[length, no_personal_data], **kwargs)
