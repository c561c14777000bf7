"""The audit trail's diff: exactly the fields that differ, each with from and to."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.assistance.domain.audit import changes, role_of


def test_only_the_fields_that_differ_with_from_and_to():
    assert changes({"status": "requested", "amount_fen": 5, "reason": "病"},
                   {"status": "approved", "amount_fen": 5, "reason": "病"}) == {
        "status": {"from": "requested", "to": "approved"}}


def test_a_record_created_from_nothing_shows_its_non_empty_fields():
    assert changes({}, {"status": "active", "category": "dibao", "closed_reason": None}) == {
        "category": {"from": None, "to": "dibao"}, "status": {"from": None, "to": "active"}}


def test_lists_compare_by_value():
    assert changes({"approvers": ["a"]}, {"approvers": ["a"]}) == {}
    assert changes({"approvers": ["a"]}, {"approvers": ["a", "b"]}) == {
        "approvers": {"from": ["a"], "to": ["a", "b"]}}


def test_role_of_an_actor():
    assert role_of("district_officer:u1") == "district_officer"
    assert role_of("system:tenancy.started") == "system"
    assert role_of("nobody") == ""


values = st.one_of(st.none(), st.integers(), st.text(max_size=5))


@settings(deadline=None)  # a loaded machine must not fail a rule
@given(st.dictionaries(st.sampled_from("abcdef"), values), st.dictionaries(st.sampled_from("abcdef"), values))
def test_applying_the_changes_to_before_gives_after(before, after):
    diff = changes(before, after)
    rebuilt = {**before, **{f: c["to"] for f, c in diff.items()}}
    assert {k: v for k, v in rebuilt.items() if v is not None} == {k: v for k, v in after.items() if v is not None}
    assert all(c["from"] != c["to"] for c in diff.values())
