"""Eligibility check (资格审核) and annual re-check (年审).

Every rule is evaluated and reported, pass or fail, with a bilingual reason stating the
applicant's value and the limit, because reviewers and applicants must be able to see why
(公开、公平、公正), not just that.

Rounding: per-capita values are shown rounded *up* (income to the fen, area to 0.01 m²).
Limits are whole fen / at most 2-decimal areas, so "rounded-up value <= limit" is exactly
the same test as "true value <= limit" — the figure printed in a reason can never
contradict the verdict beside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .policy import EligibilityPolicy, HousingKind, Programme


class FactsError(ValueError):
    """Applicant facts are malformed; ``field`` names which one."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Rule(StrEnum):
    """Eligibility rules, in the order they are reported."""

    INCOME_PER_CAPITA = "income_per_capita"  # 家庭人均收入
    HOUSING_AREA_PER_CAPITA = "housing_area_per_capita"  # 人均住房面积
    YEARS_OF_SERVICE = "years_of_service"  # 工龄
    UNION_MEMBERSHIP = "union_membership"  # 工会会员
    AGE = "age"  # 年龄


#: The rules as people name them.
RULE_WORDS = {
    Rule.INCOME_PER_CAPITA: "household income per person",
    Rule.HOUSING_AREA_PER_CAPITA: "housing area per person",
    Rule.YEARS_OF_SERVICE: "years of service",
    Rule.UNION_MEMBERSHIP: "union membership",
    Rule.AGE: "age",
}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class Housing:
    """Present housing (现住房). ``area_m2`` is the area that counts under local policy
    (the intake decides what to declare, e.g. owned or publicly leased floor area)."""

    kind: HousingKind
    area_m2: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, HousingKind):
            raise FactsError("housing.kind", f"must be a HousingKind, got {self.kind!r}")
        a = self.area_m2
        if not isinstance(a, Decimal) or not a.is_finite() or a < 0:
            raise FactsError("housing.area_m2", f"must be a non-negative Decimal, got {a!r}")
        if a.as_tuple().exponent < -2:
            raise FactsError("housing.area_m2", f"at most 2 decimal places, got {a}")
        if self.kind is HousingKind.NONE and a != 0:
            raise FactsError("housing.area_m2", "must be 0 when housing kind is 'none'")


@dataclass(frozen=True)
class ApplicantFacts:
    """What the applicant declared and the enterprise union verified (申请人情况)."""

    birth_date: date
    hire_date: date
    union_member: bool
    household_size: int
    monthly_household_income_fen: int
    housing: Housing
    programme: Programme

    def __post_init__(self) -> None:
        for name in ("birth_date", "hire_date"):
            v = getattr(self, name)
            # datetime is a date subclass; a timestamp here would compare oddly.
            if not isinstance(v, date) or hasattr(v, "hour"):
                raise FactsError(name, f"must be a date, got {v!r}")
        if self.hire_date < self.birth_date:
            raise FactsError("hire_date", "is before birth_date")
        if not isinstance(self.union_member, bool):
            raise FactsError("union_member", "must be a bool")
        for name, minimum in (("household_size", 1), ("monthly_household_income_fen", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
                raise FactsError(name, f"must be an integer >= {minimum}, got {v!r}")
        if not isinstance(self.housing, Housing):
            raise FactsError("housing", "must be a Housing")
        if not isinstance(self.programme, Programme):
            raise FactsError("programme", f"must be a Programme, got {self.programme!r}")


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict. ``actual``/``limit`` are machine-readable (fen, Decimal m²,
    years, bool, or an ``(min, max)`` age pair); ``reasons`` is ``{"zh": ..., "en": ...}``."""

    rule: Rule
    passed: bool
    actual: Any
    limit: Any
    reasons: dict[str, str] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, tuple):
                return list(v)
            return v
        return {"rule": self.rule.value, "passed": self.passed, "actual": plain(self.actual),
                "limit": plain(self.limit), "reasons": dict(self.reasons)}


@dataclass(frozen=True)
class EligibilityResult:
    """资格审核结果: every rule, in :class:`Rule` order."""

    policy_version: int
    checked_on: date
    rules: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.rules)

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.passed)

    def to_dict(self) -> dict[str, Any]:
        return {"policy_version": self.policy_version, "checked_on": self.checked_on.isoformat(),
                "eligible": self.eligible, "rules": [r.to_dict() for r in self.rules]}


def completed_years(start: date, on: date) -> int:
    """Whole years completed from ``start`` to ``on`` (周岁 / 满 N 年).

    The anniversary day itself counts as completed. Someone born on 29 February
    completes a year on 1 March in non-leap years (28 February is still short).
    """
    if start > on:
        raise FactsError("date", f"{start.isoformat()} is after {on.isoformat()}")
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def format_yuan(fen: int) -> str:
    """``235000`` -> ``'2,350.00'`` (integer arithmetic; no float ever touches money)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def _m2(hundredths: int) -> str:
    return f"{hundredths // 100:,}.{hundredths % 100:02d}"


def _income_rule(f: ApplicantFacts, p: EligibilityPolicy) -> RuleResult:
    n, total = f.household_size, f.monthly_household_income_fen
    cap = p.income_per_capita_ceiling_fen
    per_capita = -(-total // n)  # ceiling division, see module docstring
    ok = per_capita <= cap
    detail_zh = f"（家庭月收入 {format_yuan(total)} 元，{n} 人）"
    detail_en = f" (household {format_yuan(total)} yuan, {_count(n, 'person', 'persons')})"
    return RuleResult(Rule.INCOME_PER_CAPITA, ok, per_capita, cap, {
        "zh": f"家庭人均月收入 {format_yuan(per_capita)} 元{detail_zh}，"
              f"{'未超过' if ok else '超过'}上限 {format_yuan(cap)} 元",
        "en": f"Monthly household income per capita {format_yuan(per_capita)} yuan{detail_en}, "
              f"{'within' if ok else 'exceeds'} the ceiling of {format_yuan(cap)} yuan",
    })


def _area_rule(f: ApplicantFacts, p: EligibilityPolicy) -> RuleResult:
    n = f.household_size
    # Areas have <= 2 decimals (validated), so hundredths of m² are exact integers.
    total_h = int(f.housing.area_m2 * 100)
    cap_h = int(p.housing_area_per_capita_ceiling_m2 * 100)
    per_capita_h = -(-total_h // n)
    ok = per_capita_h <= cap_h
    return RuleResult(Rule.HOUSING_AREA_PER_CAPITA, ok, Decimal(per_capita_h).scaleb(-2),
                      p.housing_area_per_capita_ceiling_m2, {
        "zh": f"家庭人均住房面积 {_m2(per_capita_h)} m²（住房面积 {_m2(total_h)} m²，{n} 人），"
              f"{'未超过' if ok else '超过'}上限 {_m2(cap_h)} m²",
        "en": f"Housing area per capita {_m2(per_capita_h)} m² ({_m2(total_h)} m², {_count(n, 'person', 'persons')}), "
              f"{'within' if ok else 'exceeds'} the ceiling of {_m2(cap_h)} m²",
    })


def _service_rule(f: ApplicantFacts, p: EligibilityPolicy, today: date) -> RuleResult:
    years, need = completed_years(f.hire_date, today), p.min_years_of_service
    ok = years >= need
    return RuleResult(Rule.YEARS_OF_SERVICE, ok, years, need, {
        "zh": f"工龄 {years} 年，{'不少于' if ok else '少于'}要求的 {need} 年",
        "en": f"{_count(years, 'year', 'years')} of service, {'at least' if ok else 'fewer than'} the required {need}",
    })


def _membership_rule(f: ApplicantFacts, p: EligibilityPolicy) -> RuleResult:
    member_zh = "工会会员" if f.union_member else "非工会会员"
    member_en = "a union member" if f.union_member else "not a union member"
    if not p.membership_required:
        ok = True
        zh = f"申请人为{member_zh}，本政策不要求工会会员身份"
        en = f"Applicant is {member_en}; membership is not required by this policy"
    else:
        ok = f.union_member
        zh = f"申请人为{member_zh}，本政策要求工会会员身份"
        en = f"Applicant is {member_en}; union membership is required"
    return RuleResult(Rule.UNION_MEMBERSHIP, ok, f.union_member, p.membership_required,
                      {"zh": zh, "en": en})


def _age_rule(f: ApplicantFacts, p: EligibilityPolicy, today: date) -> RuleResult:
    age, lo, hi = completed_years(f.birth_date, today), p.min_age, p.max_age
    ok = lo <= age <= hi
    return RuleResult(Rule.AGE, ok, age, (lo, hi), {
        "zh": f"年龄 {age} 周岁，{'在' if ok else '不在'} {lo}–{hi} 周岁范围内",
        "en": f"Age {age}, {'within' if ok else 'outside'} the range {lo}–{hi}",
    })


def check(facts: ApplicantFacts, policy: EligibilityPolicy, today: date) -> EligibilityResult:
    """资格审核: evaluate every rule of ``policy`` against ``facts`` as of ``today``."""
    if facts.birth_date > today:
        raise FactsError("birth_date", "is after the check date")
    if facts.hire_date > today:
        raise FactsError("hire_date", "is after the check date")
    return EligibilityResult(policy.version, today, (
        _income_rule(facts, policy),
        _area_rule(facts, policy),
        _service_rule(facts, policy, today),
        _membership_rule(facts, policy),
        _age_rule(facts, policy, today),
    ))


@dataclass(frozen=True)
class RecheckResult:
    """年审结果. ``revocation_reasons`` are the failing, non-exempt rules; empty = keep."""

    result: EligibilityResult
    revocation_reasons: tuple[RuleResult, ...]

    @property
    def keeps_eligibility(self) -> bool:
        return not self.revocation_reasons


def recheck(facts: ApplicantFacts, policy: EligibilityPolicy, today: date,
            exempt: frozenset[Rule] = frozenset()) -> RecheckResult:
    """年审: re-run :func:`check` on current facts; failing rules become revocation reasons.

    ``exempt`` lets a district waive rules that matter only on entry — e.g. passing
    ``max_age`` while already housed — without a second policy. Nothing is exempt by
    default, so the re-check is exactly the entry check unless the caller says otherwise.
    """
    result = check(facts, policy, today)
    return RecheckResult(result, tuple(r for r in result.failed if r.rule not in exempt))
