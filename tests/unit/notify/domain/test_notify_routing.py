"""Routing rules: what a route may say, and whom an event reaches (opt-outs, critical).

Equivalent mutants:
- x_plan__mutmut_11: `continue` → `break` when the event names no person: the person is the
  event's, the same for every rule, so no later rule could plan anything either.
- x_rules_from__mutmut_91: `item.get("critical", None)`: bool(None) is bool(False).
- x_rules_from__mutmut_93: `item.get("critical")`: the default None, again False.
"""

import pytest

from services.notify.domain.routing import Planned, RoutingRejected, Rule, plan, rules_from

FIELDS = {"person_ref", "points"}


def test_rules_from_their_data_form():
    rules = rules_from([{"audience": "person", "channels": ["sms", "email"], "critical": True},
                        {"audience": "subscribers", "channels": ["webhook"]},
                        {"audience": "staff", "channels": ["inapp"], "queue": "reviews"}], fields=FIELDS)
    assert rules == (Rule("person", ("sms", "email"), True), Rule("subscribers", ("webhook",)),
                     Rule("staff", ("inapp",), False, "reviews"))
    assert rules[0].as_dict() == {"audience": "person", "channels": ["sms", "email"], "critical": True}


@pytest.mark.parametrize("raw,field,why", [
    ([{"audience": "mayor", "channels": ["sms"]}], "rules[0].audience", "audience must be"),
    ([{"audience": "person", "channels": []}], "rules[0].channels", "at least one"),
    ([{"audience": "person", "channels": ["fax"]}], "rules[0].channels", "unknown channel"),
    ([{"audience": "person", "channels": ["webhook"]}], "rules[0].channels", "subscribers' channel"),
    ([{"audience": "subscribers", "channels": ["sms"]}], "rules[0].channels", "subscribers' channel"),
    ([{"audience": "person", "channels": ["sms"]}, {"audience": "person", "channels": ["sms"]}],
     "rules[1].channels", "routed twice"),
    ([{"audience": "staff", "channels": ["email"]}], "rules[0].queue", "review queue"),
    ([{"audience": "person", "channels": ["sms"]}] * 11, "rules", "at most 10"),
])
def test_a_route_that_cannot_work_is_refused_naming_the_part(raw, field, why):
    with pytest.raises(RoutingRejected, match=why) as refused:
        rules_from(raw, fields=FIELDS)
    assert refused.value.field == field


def test_a_person_rule_needs_an_event_that_names_a_person():
    with pytest.raises(RoutingRejected, match="no person_ref") as refused:
        rules_from([{"audience": "person", "channels": ["sms"]}], fields={"round_id"})
    assert refused.value.field == "rules[0].audience"


def test_opt_outs_drop_non_critical_channels_only():
    rules = (Rule("person", ("sms", "email")), Rule("person", ("inapp",), critical=True),
             Rule("subscribers", ("webhook",)))
    data = {"person_ref": "p1"}
    assert plan(rules, data, frozenset()) == [Planned("sms", "person", "p1", False),
                                              Planned("email", "person", "p1", False),
                                              Planned("inapp", "person", "p1", True)]
    assert [p.channel for p in plan(rules, data, frozenset({"sms", "inapp"}))] == ["email", "inapp"]
    assert plan(rules, {"person_ref": None}, frozenset()) == []


@pytest.mark.parametrize("raw,message", [
    ("not a list", "rules must be a list"),
    ([{"audience": "mayor", "channels": ["sms"]}], "audience must be one of person, subscribers, staff"),
    ([{"audience": "person", "channels": []}], "at least one channel"),
    ([{"audience": "person", "channels": ["fax"]}], "unknown channel 'fax'; one of sms, email, inapp, webhook"),
    ([{"audience": "subscribers", "channels": ["sms"]}], "webhook is the subscribers' channel, and their only one"),
    ([{"audience": "staff", "channels": ["email"]}], "a staff rule names its review queue"),
])
def test_the_refusals_say_exactly_what_is_wrong(raw, message):
    with pytest.raises(RoutingRejected) as refused:
        rules_from(raw, fields=FIELDS)
    assert refused.value.message == message == str(refused.value)


def test_the_person_rule_refusal_text():
    with pytest.raises(RoutingRejected) as refused:
        rules_from([{"audience": "person", "channels": ["sms"]}], fields=set())
    assert refused.value.message == "this event names no person (no person_ref): audience person is impossible"


def test_only_a_staff_rule_keeps_its_queue_and_shows_it():
    (person, staff) = rules_from([{"audience": "person", "channels": ["sms"], "queue": "ignored"},
                                  {"audience": "staff", "channels": ["email"], "queue": "reviews"}], fields=FIELDS)
    assert person.queue is None and "queue" not in person.as_dict()
    assert staff.as_dict() == {"audience": "staff", "channels": ["email"], "critical": False, "queue": "reviews"}


def test_planning_skips_other_audiences_and_goes_on_to_later_rules():
    rules = (Rule("subscribers", ("webhook",)), Rule("staff", ("email",), False, "q"), Rule("person", ("sms", "email")))
    assert [p.channel for p in plan(rules, {"person_ref": "p1"}, frozenset({"sms"}))] == ["email"]


def test_ten_rules_are_judged_on_their_content_eleven_on_their_number():
    ten = [{"audience": "person", "channels": ["sms"]}] * 10
    with pytest.raises(RoutingRejected, match="routed twice"):
        rules_from(ten, fields=FIELDS)
