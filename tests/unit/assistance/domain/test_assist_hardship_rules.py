"""The registry's rules: a year to the next review (29 February → 28 February), its bounds, and
housing stages that only go forward."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.assistance.domain.hardship import RegistryRuleError, advances, check_next_review, next_review

STAGES = ["offered", "accepted", "moved_in"]


def test_next_review_is_a_year_later():
    assert next_review(date(2026, 11, 30)) == date(2027, 11, 30)
    assert next_review(date(2024, 2, 29)) == date(2025, 2, 28)
    assert next_review(date(2023, 2, 28)) == date(2024, 2, 28)


def test_next_review_bounds():
    check_next_review(date(2026, 11, 30), date(2026, 12, 1))
    check_next_review(date(2026, 11, 30), date(2028, 11, 30))  # two years to the day is within two years
    for bad, words in ((date(2026, 11, 30), r"after today \(2026-11-30\)"), (date(2028, 12, 1), "within two years")):
        with pytest.raises(RegistryRuleError, match=words) as e:
            check_next_review(date(2026, 11, 30), bad)
        assert e.value.field == "next_review_on"


def test_two_years_end_on_the_same_day_at_a_month_end():
    # the bound was once the 28th of the month two years on, whatever today's day: a review
    # asked for on 29–31 March 2028 from 31 March 2026 was refused as "not within two years"
    for day in (29, 30, 31):
        check_next_review(date(2026, 3, 31), date(2028, 3, day))
    with pytest.raises(RegistryRuleError, match="within two years"):
        check_next_review(date(2026, 3, 31), date(2028, 4, 1))
    # from 29 February, two years on is 28 February (no 29th that year), as for next_review
    check_next_review(date(2024, 2, 29), date(2026, 2, 28))
    with pytest.raises(RegistryRuleError, match="within two years"):
        check_next_review(date(2024, 2, 29), date(2026, 3, 1))


def test_stages_go_forward_only():
    assert advances(None, "offered") and advances(None, "moved_in")
    assert advances("offered", "offered") and advances("offered", "accepted") and advances("accepted", "moved_in")
    assert not advances("accepted", "offered")
    assert advances("accepted", "accepted")
    for stage in STAGES:
        assert not advances("moved_in", stage)


@settings(deadline=None)  # a loaded machine must not fail a rule
@given(st.lists(st.sampled_from(STAGES), max_size=10))
def test_any_order_of_events_ends_at_the_furthest_stage(events):
    stage = None
    for new in events:
        if advances(stage, new):
            stage = new
    assert stage == (max(events, key=STAGES.index) if events else None)
