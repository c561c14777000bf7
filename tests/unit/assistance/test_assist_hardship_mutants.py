"""困难职工家庭 the registry's refusals in words (issue 20), beyond
domain/test_assist_hardship_rules.py: the review bound's refusal carries its exact words in
``message`` (what the 4xx body shows) and in the exception's text, with its field.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from datetime import date

import pytest

from services.assistance.domain.hardship import RegistryRuleError, check_next_review


def test_each_refusal_in_its_exact_words():
    with pytest.raises(RegistryRuleError) as refused:
        check_next_review(date(2026, 11, 30), date(2028, 12, 1))
    assert (refused.value.message, refused.value.field) == ("the next review must be within two years",
                                                            "next_review_on")
    assert str(refused.value) == refused.value.message
    with pytest.raises(RegistryRuleError) as refused:
        check_next_review(date(2026, 11, 30), date(2026, 11, 30))
    assert refused.value.message == "the next review must be after today (2026-11-30)"


def test_a_rule_error_without_a_field():
    assert (RegistryRuleError("m").message, RegistryRuleError("m").field) == ("m", None)
