"""Versioned policies of the applications service: 资格审核政策 and 积分政策.

A district configures these as JSON documents; ``from_dict`` is the single gate through
which such a document becomes a policy, so every field is checked here and a bad
document is refused with a :class:`PolicyError` naming the offending field.

Units, chosen once for the whole domain layer:

* money is integer fen (分);
* areas are ``Decimal`` square metres with at most 2 decimal places;
* points are integers in **tenths of a point** (``12`` means 1.2 points). Integer
  tenths keep sums exact and fast; :func:`tenths_to_decimal` gives the display value.

Every number has an upper bound as well as a lower one (the ``MAX_*`` below): far beyond
any real policy, and low enough that every stored total fits its column (a points total is
at most three capped rules and three bonuses: 3 × MAX_CAP_TENTHS + 3 × MAX_TENTHS < 2**31).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any


class PolicyError(ValueError):
    """A policy document or value is invalid; ``field`` names where."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Programme(StrEnum):
    """Housing programme (保障类别) an application is made under."""

    STAFF_APARTMENT = "staff_apartment"  # 职工公寓（床位）
    PUBLIC_RENTAL = "public_rental"  # 公共租赁住房
    SHARED_OWNERSHIP = "shared_ownership"  # 共有产权住房
    TALENT_APARTMENT = "talent_apartment"  # 人才公寓
    RELOCATION = "relocation"  # 安置（回迁）住房


#: The programmes as people name them.
PROGRAMME_WORDS = {
    Programme.STAFF_APARTMENT: "staff apartment",
    Programme.PUBLIC_RENTAL: "public rental housing",
    Programme.SHARED_OWNERSHIP: "shared-ownership housing",
    Programme.TALENT_APARTMENT: "talent apartment",
    Programme.RELOCATION: "relocation housing",
}


class HousingKind(StrEnum):
    """Present housing situation (现住房情况)."""

    NONE = "none"  # 无房
    RENTED = "rented"  # 租房
    SHARED = "shared"  # 借住/合住
    SUBSTANDARD = "substandard"  # 危旧房


class HardshipCategory(StrEnum):
    """Hardship category (困难类别) as registered by the assistance service."""

    SANWU = "sanwu"  # 三无户
    YOUFU = "youfu"  # 优抚户
    KUNNAN_LAOMO = "kunnan_laomo"  # 困难劳模
    DIBAO = "dibao"  # 低保户
    DIBAO_BIANYUAN = "dibao_bianyuan"  # 低保边缘户
    TEMPORARY = "temporary"  # 临时困难


class HonourLevel(StrEnum):
    """Model-worker honour level (劳模荣誉级别)."""

    NATIONAL = "national"  # 全国劳模
    PROVINCIAL = "provincial"  # 省级劳模
    CITY = "city"  # 市级劳模


MAX_VERSION = 2**31 - 1
MAX_FEN = 10_000_000_000  # 1 亿元 a month
MAX_AREA_M2 = Decimal(10_000)
MAX_YEARS = 80  # years of service
MAX_AGE = 150
MAX_NOTICE_DAYS = 365
MAX_TENTHS = 100_000  # one rule's points per unit, or a bonus: 10,000 points
MAX_CAP_TENTHS = 1_000_000  # one rule's cap: 100,000 points


def tenths_to_decimal(tenths: int) -> Decimal:
    """Display value of a points amount kept in tenths (``875`` -> ``Decimal('87.5')``)."""
    return Decimal(tenths).scaleb(-1)


# --- field validators: each raises PolicyError(field, ...) -------------------------------

def _int(name: str, value: Any, minimum: int = 0, maximum: int = MAX_TENTHS) -> int:
    # bool is an int subclass; a JSON ``true`` where a number is meant is a typo, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(name, f"must be an integer, got {value!r}")
    if value < minimum:
        raise PolicyError(name, f"must be >= {minimum}, got {value}")
    if value > maximum:
        raise PolicyError(name, f"must be <= {maximum}, got {value}")
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(name, f"must be true or false, got {value!r}")
    return value


def _area(name: str, value: Any) -> Decimal:
    # floats are refused: 15.1 as a float is not 15.1, and limits must be exact.
    if isinstance(value, bool) or isinstance(value, float):
        raise PolicyError(name, f"must be a decimal string or integer, got {value!r}")
    try:
        dec = Decimal(value) if isinstance(value, (str, int)) else value
    except InvalidOperation:
        raise PolicyError(name, f"not a decimal number: {value!r}") from None
    if not isinstance(dec, Decimal) or not dec.is_finite():
        raise PolicyError(name, f"must be a finite decimal, got {value!r}")
    if dec < 0:
        raise PolicyError(name, f"must be >= 0, got {dec}")
    if dec > MAX_AREA_M2:
        raise PolicyError(name, f"must be <= {MAX_AREA_M2}, got {dec}")
    if dec.as_tuple().exponent < -2:
        raise PolicyError(name, f"at most 2 decimal places, got {dec}")
    return dec


def _keys(doc: Any, allowed: set[str], required: set[str], where: str = "") -> None:
    if not isinstance(doc, Mapping):
        raise PolicyError(where or "<policy>", "must be an object")
    for key in doc:
        if key not in allowed:
            raise PolicyError(f"{where}{key}", "unknown field")
    for key in sorted(required):
        if key not in doc:
            raise PolicyError(f"{where}{key}", "required field missing")


def _enum_table(name: str, value: Any, enum: type[Enum]) -> Mapping[Enum, int]:
    """A complete table ``{enum code: tenths}``; every code must be priced, even at 0,
    so a forgotten category is an error rather than a silent zero."""
    codes = {m.value for m in enum}
    _keys(value, codes, codes, where=f"{name}.")
    return MappingProxyType({enum(k): _int(f"{name}.{k}", v) for k, v in value.items()})


# --- 资格审核政策 ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EligibilityPolicy:
    """Eligibility policy (资格审核政策) of one district, versioned.

    Limits are inclusive: a value exactly at a ceiling or at a minimum passes.
    """

    version: int
    income_per_capita_ceiling_fen: int  # monthly, per household member
    housing_area_per_capita_ceiling_m2: Decimal
    min_years_of_service: int
    membership_required: bool
    min_age: int
    max_age: int
    city_review_programmes: frozenset[Programme] = frozenset()
    notice_period_days: int = 7  # 公示期, calendar days; 0 = no waiting period

    def __post_init__(self) -> None:
        _int("version", self.version, 1, MAX_VERSION)
        _int("income_per_capita_ceiling_fen", self.income_per_capita_ceiling_fen, 0, MAX_FEN)
        _area("housing_area_per_capita_ceiling_m2", self.housing_area_per_capita_ceiling_m2)
        _int("min_years_of_service", self.min_years_of_service, 0, MAX_YEARS)
        _bool("membership_required", self.membership_required)
        _int("min_age", self.min_age, 0, MAX_AGE)
        _int("max_age", self.max_age, 0, MAX_AGE)
        if self.min_age > self.max_age:
            raise PolicyError("min_age", f"min_age {self.min_age} > max_age {self.max_age}")
        if not isinstance(self.city_review_programmes, frozenset) or not all(
            isinstance(p, Programme) for p in self.city_review_programmes
        ):
            raise PolicyError("city_review_programmes", "must be a frozenset of Programme")
        _int("notice_period_days", self.notice_period_days, 0, MAX_NOTICE_DAYS)

    _REQUIRED = frozenset({
        "version", "income_per_capita_ceiling_fen", "housing_area_per_capita_ceiling_m2",
        "min_years_of_service", "membership_required", "min_age", "max_age",
    })
    _OPTIONAL = frozenset({"city_review_programmes", "notice_period_days"})

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> EligibilityPolicy:
        _keys(doc, set(cls._REQUIRED | cls._OPTIONAL), set(cls._REQUIRED))
        raw_codes = doc.get("city_review_programmes", [])
        if isinstance(raw_codes, (str, bytes)) or not isinstance(raw_codes, (list, tuple)):
            raise PolicyError("city_review_programmes", "must be a list of programme codes")
        programmes = set()
        for code in raw_codes:
            try:
                programmes.add(Programme(code))
            except ValueError:
                raise PolicyError("city_review_programmes", f"unknown programme {code!r}") from None
        return cls(
            version=_int("version", doc["version"], 1, MAX_VERSION),
            income_per_capita_ceiling_fen=_int(
                "income_per_capita_ceiling_fen", doc["income_per_capita_ceiling_fen"], 0, MAX_FEN),
            housing_area_per_capita_ceiling_m2=_area(
                "housing_area_per_capita_ceiling_m2", doc["housing_area_per_capita_ceiling_m2"]),
            min_years_of_service=_int("min_years_of_service", doc["min_years_of_service"], 0, MAX_YEARS),
            membership_required=_bool("membership_required", doc["membership_required"]),
            min_age=_int("min_age", doc["min_age"], 0, MAX_AGE),
            max_age=_int("max_age", doc["max_age"], 0, MAX_AGE),
            city_review_programmes=frozenset(programmes),
            notice_period_days=_int("notice_period_days", doc.get("notice_period_days", 7), 0, MAX_NOTICE_DAYS),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the area as a string so it round-trips exactly."""
        return {
            "version": self.version,
            "income_per_capita_ceiling_fen": self.income_per_capita_ceiling_fen,
            "housing_area_per_capita_ceiling_m2": str(self.housing_area_per_capita_ceiling_m2),
            "min_years_of_service": self.min_years_of_service,
            "membership_required": self.membership_required,
            "min_age": self.min_age,
            "max_age": self.max_age,
            "city_review_programmes": sorted(p.value for p in self.city_review_programmes),
            "notice_period_days": self.notice_period_days,
        }


# --- 积分政策 -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointsPolicy:
    """Points policy (积分政策), versioned. Every amount is in tenths of a point.

    A ``*_cap_tenths`` bounds the points that one rule can contribute (not its input),
    so e.g. 40 years at 1.0/year with a 30.0 cap gives 30.0.
    """

    version: int
    per_service_year_tenths: int  # 工龄
    service_cap_tenths: int
    per_household_member_tenths: int  # 家庭人口
    household_cap_tenths: int
    hardship_tenths: Mapping[HardshipCategory, int] = field(hash=False)  # 困难类别
    honour_tenths: Mapping[HonourLevel, int] = field(hash=False)  # 劳模荣誉
    frontline_tenths: int  # 一线职工
    per_waiting_month_tenths: int  # 轮候时间
    waiting_cap_tenths: int

    def __post_init__(self) -> None:
        for name in ("per_service_year_tenths", "service_cap_tenths",
                     "per_household_member_tenths", "household_cap_tenths",
                     "frontline_tenths", "per_waiting_month_tenths", "waiting_cap_tenths"):
            _int(name, getattr(self, name), 0, _MAXIMUM.get(name, MAX_TENTHS))
        _int("version", self.version, 1, MAX_VERSION)
        # Read-only copies so a shared default policy cannot be mutated by a caller.
        for name, enum in (("hardship_tenths", HardshipCategory), ("honour_tenths", HonourLevel)):
            table = getattr(self, name)
            want = sorted(m.value for m in enum)
            given = sorted(str(getattr(k, "value", k)) for k in table) if isinstance(
                table, Mapping) else None
            if given != want:
                raise PolicyError(name, f"must price exactly {want}")
            # keyed by what the check above compared (a key's value, if it has one), so a table
            # that passed it cannot fail here with a bare ValueError instead of naming the field
            codes = {enum(getattr(k, "value", k)): v for k, v in table.items()}
            clean = {code: _int(f"{name}.{code.value}", v) for code, v in codes.items()}
            object.__setattr__(self, name, MappingProxyType(clean))

    _SCALARS = ("version", "per_service_year_tenths", "service_cap_tenths",
                "per_household_member_tenths", "household_cap_tenths", "frontline_tenths",
                "per_waiting_month_tenths", "waiting_cap_tenths")

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> PointsPolicy:
        names = set(cls._SCALARS) | {"hardship_tenths", "honour_tenths"}
        _keys(doc, names, names)
        scalars = {n: _int(n, doc[n], 1 if n == "version" else 0, _MAXIMUM.get(n, MAX_TENTHS)) for n in cls._SCALARS}
        return cls(
            **scalars,
            hardship_tenths=_enum_table("hardship_tenths", doc["hardship_tenths"],
                                        HardshipCategory),
            honour_tenths=_enum_table("honour_tenths", doc["honour_tenths"], HonourLevel),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {n: getattr(self, n) for n in self._SCALARS}
        out["hardship_tenths"] = {k.value: v for k, v in self.hardship_tenths.items()}
        out["honour_tenths"] = {k.value: v for k, v in self.honour_tenths.items()}
        return out


_MAXIMUM = {"version": MAX_VERSION, "service_cap_tenths": MAX_CAP_TENTHS, "household_cap_tenths": MAX_CAP_TENTHS,
            "waiting_cap_tenths": MAX_CAP_TENTHS}

DEFAULT_ELIGIBILITY_POLICY = EligibilityPolicy(
    version=1,
    income_per_capita_ceiling_fen=300_000,  # 3,000.00 元/人/月
    housing_area_per_capita_ceiling_m2=Decimal("15"),
    min_years_of_service=1,
    membership_required=True,
    min_age=18,
    max_age=60,
    # Ownership stakes and talent-programme slots are city-funded, so the city signs off.
    city_review_programmes=frozenset({Programme.SHARED_OWNERSHIP, Programme.TALENT_APARTMENT}),
    notice_period_days=7,
)

DEFAULT_POINTS_POLICY = PointsPolicy(
    version=1,
    per_service_year_tenths=10, service_cap_tenths=300,  # 1.0/年, 至多 30.0
    per_household_member_tenths=20, household_cap_tenths=100,  # 2.0/人, 至多 10.0
    hardship_tenths={
        HardshipCategory.SANWU: 200,
        HardshipCategory.YOUFU: 150,
        HardshipCategory.KUNNAN_LAOMO: 150,
        HardshipCategory.DIBAO: 120,
        HardshipCategory.DIBAO_BIANYUAN: 80,
        HardshipCategory.TEMPORARY: 50,
    },
    honour_tenths={HonourLevel.NATIONAL: 200, HonourLevel.PROVINCIAL: 120, HonourLevel.CITY: 60},
    frontline_tenths=50,
    per_waiting_month_tenths=5, waiting_cap_tenths=120,  # 0.5/月, 至多 12.0 (24 个月)
)
