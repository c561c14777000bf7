"""The audit trail (审计留痕) in plain Python: what changed, field by field, between two snapshots
of a household or a relief case, and who acted in which role.

A snapshot is a mapping of field → JSON-ready value (text, integers, lists, None); a change is
``{"field": {"from": old, "to": new}}`` for exactly the fields whose values differ, in field
order. A field missing from one side counts as None there, so a record created from nothing
shows every non-empty field it was created with.
"""

from __future__ import annotations

from collections.abc import Mapping


def changes(before: Mapping, after: Mapping) -> dict[str, dict]:
    fields = sorted(set(before) | set(after))
    return {f: {"from": before.get(f), "to": after.get(f)} for f in fields if before.get(f) != after.get(f)}


def role_of(actor: str) -> str:
    """The role an actor acted in: staff act as ``principal.ref`` ("<role>:<subject>"), events as
    "system:<event type>"; an actor without a colon has no role ("")."""
    role, sep, _ = actor.partition(":")
    return role if sep else ""
