"""积分 points rules, beyond test_app_points.py (issue 20): each breakdown line carries the input
it was computed from (what an applicant reads beside the points), and the breakdown's keys; a bad
input refused with a message naming the field, what it must be and what it got.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_completed_months__mutmut_1: ``on < start`` for ``<=``: on == start gives 0 months through the
  arithmetic too (same year, same month, same day).
"""
import pytest

from services.applications.domain.points import PointsInput, compute
from services.applications.domain.policy import DEFAULT_POINTS_POLICY, HardshipCategory, HonourLevel


def test_every_line_carries_the_input_it_was_computed_from():
    inp = PointsInput(years_of_service=7, household_size=3, hardship_category=HardshipCategory.SANWU,
                      honour=HonourLevel.NATIONAL, frontline=True, months_waiting=14)
    lines = {ln.rule.value: ln.input for ln in compute(inp, DEFAULT_POINTS_POLICY).lines}
    assert lines["household_size"] == 3 and lines["waiting"] == 14 and lines["frontline"] is True
    assert lines["hardship"] == "sanwu" and lines["honour"] == "national"


def test_no_hardship_and_no_honour_are_said_as_none():
    lines = {ln.rule.value: ln.input for ln in compute(PointsInput(1, 1), DEFAULT_POINTS_POLICY).lines}
    assert lines["hardship"] is None and lines["honour"] is None and lines["frontline"] is False


def test_the_breakdown_as_a_dict_names_its_policy_version_total_and_lines():
    got = compute(PointsInput(2, 2), DEFAULT_POINTS_POLICY).to_dict()
    assert set(got) == {"policy_version", "total", "lines"}
    assert got["policy_version"] == DEFAULT_POINTS_POLICY.version


def test_bad_inputs_are_refused_naming_the_field_and_what_it_got():
    for kwargs, message in (
            ({"years_of_service": -1}, "years_of_service: must be an integer >= 0, got -1"),
            ({"household_size": 0}, "household_size: must be an integer >= 1, got 0"),
            ({"household_size": True}, "household_size: must be an integer >= 1, got True"),
            ({"months_waiting": 1.5}, "months_waiting: must be an integer >= 0, got 1.5"),
            ({"hardship_category": "sanwu"}, "hardship_category: unknown 'sanwu'"),
            ({"honour": "national"}, "honour: unknown 'national'"),
            ({"frontline": 1}, "frontline: must be a bool")):
        given = {"years_of_service": 1, "household_size": 1, **kwargs}
        with pytest.raises(ValueError) as e:
            PointsInput(**given)
        assert str(e.value) == message
