"""审计留痕 the audit trail's rules beyond domain/test_assist_audit_rules.py (issue 20): the role
is what comes before the FIRST colon of an actor, so a subject or an event type that itself
holds a colon never leaks into the role.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from services.assistance.domain.audit import role_of


def test_the_role_ends_at_the_first_colon():
    assert role_of("district_officer:dept:u1") == "district_officer"
    assert role_of("system:urn:event:1") == "system"
    assert role_of(":u1") == ""  # a colon with nothing before it: no role either
