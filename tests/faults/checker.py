"""The Jepsen-style verdict: every published event is delivered once, lost, or duplicated in
effect, counted from the consumer's own effect rows (never from the inbox, which is the
mechanism under test).

    verdict = classify(published, effects)     # event id → effect key; effect key → row count
    verdict.assert_exactly_once()
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    delivered_once: list[str]
    lost: list[str]
    duplicated: list[str]
    unexpected: list[str] = field(default_factory=list)  # effect keys no published event explains

    @property
    def checked(self) -> int:
        return len(self.delivered_once) + len(self.lost) + len(self.duplicated)

    def summary(self) -> str:
        return (f"{self.checked} events: {len(self.delivered_once)} delivered once, {len(self.lost)} lost, "
                f"{len(self.duplicated)} duplicated in effect, {len(self.unexpected)} unexplained effects")

    def assert_exactly_once(self) -> None:
        assert not self.lost and not self.duplicated and not self.unexpected, (
            f"{self.summary()}; lost e.g. {self.lost[:3]}, duplicated e.g. {self.duplicated[:3]}, "
            f"unexplained e.g. {self.unexpected[:3]}")


def classify(published: dict[str, str], effects: Counter) -> Verdict:
    """`published`: event id → the key of the effect row it must cause (one row each);
    `effects`: key → how many effect rows exist."""
    once, lost, doubled = [], [], []
    expected = Counter(published.values())
    for event_id, key in published.items():
        n = effects.get(key, 0)
        if n == 0:
            lost.append(event_id)
        elif n > expected[key]:
            doubled.append(event_id)
        else:
            once.append(event_id)
    unexpected = sorted(k for k in effects if k not in expected)
    return Verdict(once, lost, doubled, unexpected)
