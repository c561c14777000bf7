"""Identity helpers: resident ID (居民身份证号) validation, person_ref, masking.

Personal data never leaves a service unmasked: other services and the public see a
`person_ref` (a keyed hash of the ID number) and masked names, IDs and phones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # fullmatch; ASCII only (\d would take any script's digits)
MOBILE_PHONE = re.compile(r"1[3-9][0-9]{9}")  # fullmatch
# An 18-digit resident ID or a mainland mobile number standing alone somewhere in a text.
_RAW_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_RAW_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


class InvalidResidentId(ValueError):
    """The text is not a valid 18-digit resident ID number (GB 11643)."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date

    @property
    def is_male(self) -> bool:
        # GB 11643: the 17th digit (sequence code) is odd for men.
        return int(self.number[16]) % 2 == 1


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_resident_id(text: str, today: date | None = None) -> ResidentId:
    """Validate shape, birth date and GB 11643 checksum; accept a lower-case x and digits of
    any script (normalised to ASCII first, see `normalise_identifier`)."""
    number = normalise_identifier(text)
    if not _ID_SHAPE.fullmatch(number):
        raise InvalidResidentId("must be 17 digits followed by a digit or X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidResidentId(f"birth date {number[6:14]} is not a real date") from None
    if born.year < 1900 or born > (today or date.today()):
        raise InvalidResidentId(f"birth date {born.isoformat()} is impossible")
    if check_digit(number[:17]) != number[17]:
        raise InvalidResidentId("checksum digit does not match (GB 11643)")
    return ResidentId(number=number, birth_date=born)


def ascii_digits(text: str) -> str:
    """``text`` in NFKC form with every decimal digit, of any script, as its ASCII digit:
    "１３８" and "١٣٨" both become "138", so no way of writing a number hides it."""
    text = unicodedata.normalize("NFKC", text or "")
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def normalise_identifier(text: str) -> str:
    """An identifier as typed → its one stored form: ASCII digits (see `ascii_digits`), no
    surrounding space, upper case (a lower-case x check digit is the same number). Checksums,
    person_refs and storage all use this form, so two spellings are never two people."""
    return ascii_digits(text).strip().upper()


_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s\-.·]+(?=\d)")


def contains_personal_data(text: str) -> bool:
    """True when ``text`` holds something that looks like a raw ID number or mobile number,
    in any digits and with or without spaces, dashes or dots between them: free text bound
    for an event or a public page is refused on it."""
    text = ascii_digits(text)
    if _RAW_ID_NUMBER.search(text) or _RAW_PHONE.search(text):
        return True
    joined = _DIGIT_SEPARATORS.sub("", text)
    return joined != text and bool(_RAW_ID_NUMBER.search(joined) or _RAW_PHONE.search(joined))


def person_ref(id_number: str, key: bytes) -> str:
    """A stable pseudonym for a person: HMAC-SHA256 of the normalised ID with a district key.

    Keyed so that nobody holding only the bus traffic can test guesses of ID numbers."""
    if not key:
        raise ValueError("PERSON_REF_KEY is not configured")
    digest = hmac.new(key, normalise_identifier(id_number).encode(), hashlib.sha256).hexdigest()
    return "p_" + digest[:32]


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三: first and last characters stay."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """350102199001011234 → 350102********1234 (region code and last four stay); a value of
    10 characters or fewer, where they would be all of it, is masked whole."""
    number = (number or "").strip()
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; 7 digits or fewer, where the first three and last four
    would be all of it, are masked whole."""
    digits = (phone or "").strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
