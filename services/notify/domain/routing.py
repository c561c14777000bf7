"""Routing as data (通知路由): which event tells whom, through which channels, with which template.

A route is the list of rules of one event type. A rule names
- ``audience``: ``person`` (the applicant / tenant / borrower the event's ``person_ref`` names),
  ``subscribers`` (webhook subscribers of the type) or ``staff`` (a review queue; staff get the
  daily digest by e-mail, never one message per event: a staff rule's template is the digest);
- ``channels``: some of ``sms``, ``email``, ``inapp`` (a person's channels) or ``webhook``
  (the subscribers' only channel);
- ``critical``: arrears notices, revocations and allocation results are critical — they go out
  even to a person who opted out of the channel, and SMS ignores quiet hours for them.

Rules:
- a ``person`` rule needs the event to carry ``person_ref`` (the routing refuses it otherwise);
- ``webhook`` belongs to ``subscribers`` and ``subscribers`` only to ``webhook``;
- a channel appears once per event type (one event → at most one message per channel and
  recipient: redelivery and overlapping rules never double a message).
"""

from __future__ import annotations

from dataclasses import dataclass

PERSON_CHANNELS = ("sms", "email", "inapp")
CHANNELS = (*PERSON_CHANNELS, "webhook")
AUDIENCES = ("person", "subscribers", "staff")
MAX_RULES = 10


class RoutingRejected(ValueError):
    """A route that cannot be used; ``field`` names the offending part."""

    def __init__(self, message: str, field: str = "rules"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Rule:
    audience: str
    channels: tuple[str, ...]
    critical: bool = False
    queue: str | None = None  # the staff review queue a ``staff`` rule counts into

    def as_dict(self) -> dict:
        out = {"audience": self.audience, "channels": list(self.channels), "critical": self.critical}
        if self.queue:
            out["queue"] = self.queue
        return out


def rules_from(raw: list[dict], *, fields: set[str]) -> tuple[Rule, ...]:
    """Rules from their data form, checked against the event's fields (see the module's rules)."""
    if not isinstance(raw, list):
        raise RoutingRejected("rules must be a list")
    if len(raw) > MAX_RULES:
        raise RoutingRejected(f"at most {MAX_RULES} rules per event type")
    rules, seen = [], set()
    for i, item in enumerate(raw):
        where = f"rules[{i}]"
        audience = item.get("audience")
        if audience not in AUDIENCES:
            raise RoutingRejected(f"audience must be one of {', '.join(AUDIENCES)}", f"{where}.audience")
        channels = tuple(item.get("channels") or ())
        if not channels:
            raise RoutingRejected("at least one channel", f"{where}.channels")
        for ch in channels:
            if ch not in CHANNELS:
                raise RoutingRejected(f"unknown channel {ch!r}; one of {', '.join(CHANNELS)}", f"{where}.channels")
            if (ch == "webhook") != (audience == "subscribers"):
                raise RoutingRejected("webhook is the subscribers' channel, and their only one", f"{where}.channels")
            if ch in seen:
                raise RoutingRejected(f"channel {ch} is routed twice for this event type", f"{where}.channels")
            seen.add(ch)
        if audience == "person" and "person_ref" not in fields:
            raise RoutingRejected("this event names no person (no person_ref): audience person is impossible",
                                  f"{where}.audience")
        queue = item.get("queue")
        if audience == "staff" and not queue:
            raise RoutingRejected("a staff rule names its review queue", f"{where}.queue")
        critical = bool(item.get("critical", False))
        rules.append(Rule(audience, channels, critical, queue if audience == "staff" else None))
    return tuple(rules)


@dataclass(frozen=True)
class Planned:
    """One message to send: the channel, and the person (``person_ref``) for person messages."""

    channel: str
    audience: str
    person_ref: str | None
    critical: bool


def plan(rules: tuple[Rule, ...], data: dict, opted_out: frozenset[str]) -> list[Planned]:
    """The person messages an event makes. A person who opted out of a channel gets nothing on it
    unless the rule is critical. Subscriber and staff rules are planned elsewhere (per
    subscription; the digest)."""
    out = []
    for rule in rules:
        if rule.audience != "person":
            continue
        ref = data.get("person_ref")
        if not ref:
            continue
        for ch in rule.channels:
            if ch in opted_out and not rule.critical:
                continue
            out.append(Planned(ch, "person", ref, rule.critical))
    return out
