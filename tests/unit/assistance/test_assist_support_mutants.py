"""长期帮扶 support plans beyond domain/test_assist_support_rules.py (issue 20): the refusal of a
follow-up due in the past carries its words in ``message`` (what the 4xx body shows), not only
in the exception's text, with both dates and the field.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from datetime import date

import pytest

from services.assistance.domain import support as s


def test_the_refusal_names_both_dates_in_its_message():
    with pytest.raises(s.InvalidFollowUp) as refused:
        s.check_due(date(2026, 11, 29), date(2026, 11, 30))
    assert refused.value.message == "a follow-up cannot be due in the past (2026-11-29 is before 2026-11-30)"
    assert str(refused.value) == refused.value.message and refused.value.field == "due_on"


def test_a_rule_error_without_a_field_names_none():
    e = s.SupportRuleError("words")
    assert (e.message, e.field) == ("words", None)
