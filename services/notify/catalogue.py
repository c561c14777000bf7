"""The events notify consumes and the fields each carries: notify's copy of the public event
catalogue (DESIGN.md §3), in ``data/events.json``.

notify's image holds no other service's code, so it cannot ask their schemas at run time; the
snapshot is made from the registered ``@contract`` schemas by ``python -m
services.notify.catalogue`` (a developer's tool: it imports every producer's schemas) and
``tests/unit/notify/test_event_catalogue.py`` fails when it is stale.

Types the design names whose contract is not in the code yet (finance's ``rent.*`` and
``loan.*`` while finance builds them) are listed with ``"provisional": true`` and the fields
the design implies. notify routes and renders them the same way, but reads their data
leniently (no schema); when the producer registers a contract the test says to regenerate,
and the contract's fields replace the provisional ones (a template naming a field the real
contract lacks is then refused at its next upload, and the test of the default templates fails).
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from marshmallow import Schema, fields

PATH = Path(__file__).with_name("data") / "events.json"
PRODUCERS = ("applications", "allocation", "finance", "assistance")

# The design's catalogue names whose contracts are still being built (see the module's doc).
PROVISIONAL = {
    "rent.invoiced": ("finance", ["tenancy_id", "person_ref", "period", "amount_fen", "due_on"]),
    "rent.paid": ("finance", ["tenancy_id", "person_ref", "amount_fen", "paid_on"]),
    "rent.overdue": ("finance", ["tenancy_id", "person_ref", "period", "overdue_fen", "days_overdue"]),
    "loan.approved": ("finance", ["loan_id", "person_ref", "principal_fen", "term_months"]),
    "loan.disbursed": ("finance", ["loan_id", "person_ref", "amount_fen", "disbursed_on"]),
    "loan.instalment_paid": ("finance", ["loan_id", "person_ref", "instalment_no", "amount_fen", "paid_on"]),
    "loan.overdue": ("finance", ["loan_id", "person_ref", "instalment_no", "overdue_fen", "due_on",
                                 "days_overdue"]),
    "loan.settled": ("finance", ["loan_id", "person_ref", "settled_on"]),
}


@dataclass(frozen=True)
class EventType:
    event_type: str
    producer: str
    fields: dict  # the field tree (domain/templates.py)
    provisional: bool

    @property
    def names_person(self) -> bool:
        return "person_ref" in self.fields


def field_tree(schema: Schema | type[Schema]) -> dict:
    """name → None, or name → {sub-fields} for a nested object (lists are plain fields)."""
    instance = schema() if isinstance(schema, type) else schema
    tree = {}
    for name, field in instance.fields.items():
        key = field.data_key or name
        tree[key] = field_tree(field.schema) if isinstance(field, fields.Nested) else None
    return tree


def snapshot(contracts) -> dict:
    """The catalogue file's content from registered contracts (notify's own are left out)."""
    out = {}
    for c in contracts:
        if c.producer not in PRODUCERS or not c.schema.__module__.startswith(f"services.{c.producer}."):
            continue  # notify's own, and contracts tests register for themselves
        out[c.event_type] = {"producer": c.producer, "version": c.version, "fields": field_tree(c.schema)}
    for event_type, (producer, names) in PROVISIONAL.items():
        if event_type not in out:
            out[event_type] = {"producer": producer, "version": 1, "provisional": True,
                               "fields": dict.fromkeys(names)}
    return dict(sorted(out.items()))


@functools.cache
def catalogue() -> dict[str, EventType]:
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    return {t: EventType(t, e["producer"], e["fields"], bool(e.get("provisional"))) for t, e in raw.items()}


def event_type(name: str) -> EventType | None:
    return catalogue().get(name)


def main() -> None:  # pragma: no cover - a developer's tool
    from services.common.events.contracts import all_contracts

    for producer in PRODUCERS:
        importlib.import_module(f"services.{producer}.schemas")
    PATH.write_text(json.dumps(snapshot(all_contracts()), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PATH}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    main()
