"""通知模板 what a template may name and how long it may be, at the edges (issue 20), beyond
test_notify_templates.py: every channel's body limit on both sides and an unknown channel's (none
allowed), the subject at exactly 200, each refusal's words, field, line and name; the envelope's
four names; a nested unknown named down to the part that is missing; two unknowns on one line
taken in name order; yuan of text and of small negatives.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_first_unknown__mutmut_13: ``depth >= 0`` for ``depth > 0``: at depth 0 ``node`` is the tree
  itself, a dict (context_fields makes one), never None, so the test differs nowhere.
"""
import pytest

from services.notify.domain.templates import (
    ENVELOPE_FIELDS,
    MAX_BODY,
    Reference,
    TemplateRejected,
    check_lengths,
    context_fields,
    first_unknown,
    yuan,
)

TREE = context_fields({"points": None, "breakdown": {"total": None, "lines": None}})


@pytest.mark.parametrize("channel,limit", [("sms", 500), ("email", 5000), ("inapp", 2000)])
def test_each_channels_body_limit_on_both_sides(channel, limit):
    check_lengths(channel, "s" * 200, "x" * limit)
    with pytest.raises(TemplateRejected) as refused:
        check_lengths(channel, "", "x" * (limit + 1))
    assert (refused.value.message, refused.value.field) == (f"body longer than {limit} characters", "body")
    assert (refused.value.line, refused.value.name) == (None, None)


def test_no_body_for_a_webhook_or_an_unknown_channel():
    assert MAX_BODY["webhook"] == 0
    for channel in ("webhook", "fax"):
        with pytest.raises(TemplateRejected, match=r"^body longer than 0 characters$"):
            check_lengths(channel, "", "x")


def test_subject_and_empty_body_words():
    with pytest.raises(TemplateRejected) as refused:
        check_lengths("sms", "s" * 201, "ok")
    assert (refused.value.message, refused.value.field) == ("subject longer than 200 characters", "subject")
    with pytest.raises(TemplateRejected) as refused:
        check_lengths("sms", "", " \n\t")
    assert (refused.value.message, refused.value.field) == ("body is empty", "body")
    assert str(refused.value) == "body is empty"


def test_a_rejection_carries_line_and_name():
    e = TemplateRejected("m", field="body", line=3, name="pointz")
    assert (e.message, e.field, e.line, e.name) == ("m", "body", 3, "pointz")


def test_the_envelope_names_and_an_event_field_of_the_same_name():
    assert ENVELOPE_FIELDS == ("event_id", "event_type", "occurred_at", "district")
    assert first_unknown([Reference((name,), 1) for name in ENVELOPE_FIELDS], TREE) is None
    assert context_fields({"district": {"code": None}})["district"] == {"code": None}


def test_a_nested_unknown_is_named_down_to_the_missing_part():
    assert first_unknown([Reference(("breakdown", "nope", "deeper"), 4)], TREE) == ("breakdown.nope", 4)
    assert first_unknown([Reference(("nope", "deeper"), 4)], TREE) == ("nope", 4)
    assert first_unknown([Reference(("breakdown", "total", "real", "imag"), 4)], TREE) is None


def test_two_unknowns_on_one_line_in_name_order():
    assert first_unknown([Reference(("zed",), 3), Reference(("abc",), 3)], TREE) == ("abc", 3)


def test_yuan_of_text_and_of_small_negatives():
    assert yuan("123456") == "1,234.56"
    assert yuan(-5) == "-0.05" and yuan(-100) == "-1.00" and yuan(-123_456_789) == "-1,234,567.89"
