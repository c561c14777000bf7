"""Templates (通知模板): what a template may name.

A template sees the event's data fields at the top level (``points``, ``round_id``...) and the
envelope's ``event_id``, ``event_type``, ``occurred_at`` and ``district``. A template that names
anything else — a field the event's contract does not have, or a sub-field a nested field does
not have — is refused at upload with the line it is on, before it can fail at send time.

The field tree of an event is ``name → None`` for a plain field, or ``name → {sub-fields}``
for a nested object.
"""

from __future__ import annotations

from dataclasses import dataclass

ENVELOPE_FIELDS = ("event_id", "event_type", "occurred_at", "district")
MAX_SUBJECT = 200
MAX_BODY = {"sms": 500, "email": 5000, "inapp": 2000, "webhook": 0}


@dataclass(frozen=True)
class Reference:
    """A name a template reads: ``path`` from the top (``("breakdown", "lines")``), on ``line``."""

    path: tuple[str, ...]
    line: int


class TemplateRejected(ValueError):
    def __init__(self, message: str, *, field: str, line: int | None = None, name: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the upload's field: subject or body
        self.line = line
        self.name = name  # the event field the template named


def context_fields(event_fields: dict) -> dict:
    """What a template may read: the event's fields and the envelope's."""
    tree = {name: None for name in ENVELOPE_FIELDS}
    tree.update(event_fields)
    return tree


def first_unknown(references: list[Reference], tree: dict) -> tuple[str, int] | None:
    """The first (by line) dotted name a template reads that ``tree`` does not have, with its line."""
    for ref in sorted(references, key=lambda r: (r.line, r.path)):
        node = tree
        for depth, part in enumerate(ref.path):
            if not isinstance(node, dict) or part not in node:
                if node is None and depth > 0:
                    break  # a plain field's own attributes (a list's items, a text's methods)
                return ".".join(ref.path[: depth + 1]), ref.line
            node = node[part]
    return None


def check_lengths(channel: str, subject: str, body: str) -> None:
    if len(subject) > MAX_SUBJECT:
        raise TemplateRejected(f"subject longer than {MAX_SUBJECT} characters", field="subject")
    limit = MAX_BODY.get(channel, 0)
    if not body.strip():
        raise TemplateRejected("body is empty", field="body")
    if len(body) > limit:
        raise TemplateRejected(f"body longer than {limit} characters", field="body")


def yuan(fen) -> str:
    """Integer fen as yuan text with two places (1234567 → '12,345.67'); exact, no float."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
