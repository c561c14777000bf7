"""Routing and templates as data (通知路由与模板): the newest version of each applies; the
defaults (version 0) are ``data/routing.yaml``. Operators replace them per event type; every
upload is checked (domain/routing.py, domain/templates.py) and stored as a new version."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select

from . import catalogue, models, rendering
from .domain.routing import PERSON_CHANNELS, RoutingRejected, Rule, rules_from
from .domain.templates import TemplateRejected, check_lengths

DEFAULTS = Path(__file__).with_name("data") / "routing.yaml"
SUBSCRIBERS_ONLY = ({"audience": "subscribers", "channels": ["webhook"]},)


class UnknownEventType(LookupError):
    def __init__(self, event_type: str):
        super().__init__(f"notify does not know the event type {event_type!r} (see the event catalogue)")
        self.field = "event_type"


class NoTemplate(LookupError):
    def __init__(self, event_type: str, channel: str):
        super().__init__(f"no template for {event_type} on {channel}")
        self.field = "channel"


def known(event_type: str) -> catalogue.EventType:
    found = catalogue.event_type(event_type)
    if found is None:
        raise UnknownEventType(event_type)
    return found


@functools.cache
def defaults() -> dict:
    return yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))


def default_rules(event_type: str) -> list[dict]:
    entry = defaults().get(event_type)
    return list(entry["rules"]) if entry else list(SUBSCRIBERS_ONLY)


def default_template(event_type: str, channel: str) -> dict | None:
    entry = defaults().get(event_type) or {}
    return (entry.get("templates") or {}).get(channel)


# -- reading -------------------------------------------------------------------------------

def current_route(session, event_type: str) -> tuple[int, tuple[Rule, ...]]:
    """(version, rules) in force for ``event_type``."""
    et = known(event_type)
    row = session.scalars(select(models.Route).where(models.Route.event_type == event_type)
                          .order_by(models.Route.version.desc()).limit(1)).first()
    raw = json.loads(row.rules) if row else default_rules(event_type)
    return (row.version if row else 0), rules_from(raw, fields=set(et.fields))


def current_template(session, event_type: str, channel: str) -> tuple[int, str, str] | None:
    """(version, subject, body) in force, or None."""
    row = session.scalars(select(models.MessageTemplate)
                          .where(models.MessageTemplate.event_type == event_type,
                                 models.MessageTemplate.channel == channel)
                          .order_by(models.MessageTemplate.version.desc()).limit(1)).first()
    if row is not None:
        return row.version, row.subject, row.body
    d = default_template(event_type, channel)
    return (0, d.get("subject", ""), d["body"]) if d else None


def route_history(session, event_type: str) -> list[models.Route]:
    known(event_type)
    return list(session.scalars(select(models.Route).where(models.Route.event_type == event_type)
                                .order_by(models.Route.version.desc())))


# -- the event handler's read: one query while nothing changed --------------------------------

class RouteInForce:
    """An event type's rules and its templates per channel, as the handler renders with them."""

    def __init__(self, rules, templates: dict):
        self.rules = rules
        self.templates = templates  # channel → (version, subject, body) or None


_IN_FORCE: dict = {}  # (generation, event_type) → RouteInForce
# Built once: constructing it per event cost more than SQLite's answering it.
_GENERATION = select(select(func.max(models.Route.id)).scalar_subquery(),
                     select(func.max(models.MessageTemplate.id)).scalar_subquery())


def in_force(session, event_type: str) -> RouteInForce:
    """The route and templates in force, cached per *generation* — the newest route and template
    row ids, read in one query — so an unchanged setup costs the handler one query rather than
    four, and a change (a new version is a new row) is seen by the very next event, in every
    replica."""
    generation = tuple(session.execute(_GENERATION).one())
    key = (generation, event_type)
    found = _IN_FORCE.get(key)
    if found is None:
        _version, rules = current_route(session, event_type)
        channels = {ch for r in rules for ch in r.channels if ch in PERSON_CHANNELS}
        found = RouteInForce(rules, {ch: current_template(session, event_type, ch) for ch in channels})
        if len(_IN_FORCE) > 1000:  # old generations are never asked again
            _IN_FORCE.clear()
        _IN_FORCE[key] = found
    return found


# -- changing ------------------------------------------------------------------------------

def set_route(uow, now: datetime, event_type: str, raw_rules: list[dict], author: str) -> int:
    """Store a new version of ``event_type``'s routing; a person channel with no template is
    refused (it could never be rendered)."""
    et = known(event_type)
    rules = rules_from(raw_rules, fields=set(et.fields))
    for i, rule in enumerate(rules):
        for ch in rule.channels:
            missing = current_template(uow.session, event_type, ch) is None
            if rule.audience == "person" and ch in PERSON_CHANNELS and missing:
                raise RoutingRejected(f"no template for {event_type} on {ch}: upload one first",
                                      f"rules[{i}].channels")
    version = _next_version(uow.session, models.Route.version, models.Route.event_type == event_type)
    uow.session.add(models.Route(event_type=event_type, version=version,
                                 rules=json.dumps([r.as_dict() for r in rules], ensure_ascii=False),
                                 author=author, created_at=now))
    uow.session.flush()
    return version


def checked_template(event_type: str, channel: str, subject: str, body: str) -> catalogue.EventType:
    """Refuse a template that does not compile, names a field the event lacks, or is too long."""
    et = known(event_type)
    if channel not in PERSON_CHANNELS:
        raise TemplateRejected(f"templates are for {', '.join(PERSON_CHANNELS)} (webhooks send the event itself)",
                               field="channel")
    check_lengths(channel, subject, body)
    rendering.check(subject, et.fields, "subject")
    rendering.check(body, et.fields, "body")
    return et


def set_template(uow, now: datetime, event_type: str, channel: str, subject: str, body: str, author: str) -> int:
    checked_template(event_type, channel, subject, body)
    version = _next_version(uow.session, models.MessageTemplate.version,
                            (models.MessageTemplate.event_type == event_type)
                            & (models.MessageTemplate.channel == channel))
    uow.session.add(models.MessageTemplate(event_type=event_type, channel=channel, version=version,
                                           subject=subject, body=body, author=author, created_at=now))
    uow.session.flush()
    return version


def _next_version(session, column, where) -> int:
    return (session.scalar(select(func.max(column)).where(where)) or 0) + 1


# -- previewing ----------------------------------------------------------------------------

def sample_data(event_type: str) -> dict:
    """A sample event's data: every field of the contract with a placeholder value."""
    return _sample(known(event_type).fields)


def _sample(tree: dict) -> dict:
    out = {}
    for name, sub in tree.items():
        if isinstance(sub, dict):
            out[name] = _sample(sub)
        elif name.endswith("_fen") or name in ("days_overdue", "instalment_no", "household_size", "term_months",
                                               "preference_index", "count", "months", "year"):
            out[name] = 123456 if name.endswith("_fen") else 3
        elif name.endswith(("_on", "respond_by", "start", "end")):
            out[name] = "2026-12-01"
        elif name.endswith("_at"):
            out[name] = "2026-11-23T08:00:00Z"
        elif name in ("reasons", "preferences", "priority_groups", "unit_ids", "duplicates", "items"):
            out[name] = ["示例"]
        else:
            out[name] = f"<{name}>"
    return out


def preview(session, event_type: str, channel: str, data: dict | None = None,
            subject: str | None = None, body: str | None = None) -> dict:
    """A template (the one in force, or the given draft) rendered against a sample event (or
    the given data merged over the sample)."""
    if subject is None and body is None:
        found = current_template(session, event_type, channel)
        if found is None:
            raise NoTemplate(event_type, channel)
        _version, subject, body = found
    else:
        subject, body = subject or "", body or ""
    checked_template(event_type, channel, subject, body)
    ctx = sample_data(event_type)
    ctx.update(data or {})
    ctx.update(event_id="00000000-0000-4000-8000-000000000000", event_type=event_type,
               occurred_at="2026-11-23T08:00:00+00:00", district="demo")
    try:
        return {"subject": rendering.render(subject, ctx) if subject else "", "body": rendering.render(body, ctx)}
    except Exception as exc:  # noqa: BLE001 - a sample the template cannot render is the caller's input
        raise TemplateRejected(f"the template cannot render this sample: {exc}", field="data") from None

