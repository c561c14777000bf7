"""Templates in Jinja2's sandbox: compiled and checked at upload, rendered at event time.

The environment is ``SandboxedEnvironment`` (a template cannot reach Python internals) with
``StrictUndefined`` (a missing name is an error, never an empty text) and no auto-escaping
(SMS, e-mail and in-app texts are plain text). What a template may name is domain/templates.py.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .domain.templates import Reference, TemplateRejected, context_fields, first_unknown, yuan

ZONE = ZoneInfo("Asia/Shanghai")


def _instant_or_day(value) -> datetime | date:
    if isinstance(value, datetime | date):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(value) -> str:
    """A date or an instant as the district's calendar date: 2026年11月23日."""
    v = _instant_or_day(value)
    if isinstance(v, datetime):
        v = v.astimezone(ZONE).date()
    return f"{v.year}年{v.month}月{v.day}日"


def local_time(value) -> str:
    """An instant in Asia/Shanghai to the minute: 2026年11月23日 16:00."""
    v = _instant_or_day(value)
    if not isinstance(v, datetime):
        return local_date(v)
    v = v.astimezone(ZONE)
    return f"{v.year}年{v.month}月{v.day}日 {v:%H:%M}"


@functools.cache
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(yuan=yuan, local_date=local_date, local_time=local_time)
    return env


def references(source: str, field: str) -> list[Reference]:
    """The names a template reads (dotted paths from the top, with their lines); names the
    template sets itself (loop variables, ``set``) are not references."""
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(f"line {exc.lineno}: {exc.message}", field=field, line=exc.lineno) from None
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | {"loop"}
    out = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        path = _path(node)
        if path and path[0] not in local:
            out.append(Reference(path, node.lineno))
    return out


def _path(node) -> tuple[str, ...] | None:
    parts = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            node = node.node  # a slice or index of a field: the field itself is read
            parts.clear()
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            parts.append(node.name)
            return tuple(reversed(parts))
        else:
            return None


def check(source: str, event_fields: dict, field: str) -> None:
    """Refuse a template that does not compile or names what the event does not have."""
    refs = references(source, field)
    missing = first_unknown(refs, context_fields(event_fields))
    if missing is not None:
        name, line = missing
        raise TemplateRejected(f"line {line}: the event has no field {name!r}", field=field, line=line, name=name)
    try:
        environment().from_string(source)  # what the parser lets through: unknown filters and tests
    except TemplateSyntaxError as exc:  # TemplateAssertionError is one
        raise TemplateRejected(f"line {exc.lineno}: {exc.message}", field=field, line=exc.lineno) from None


def render(source: str, context: dict) -> str:
    """The template's text for one event (raises on anything the check could not foresee)."""
    return _compiled(source).render(context).strip()


@functools.lru_cache(maxsize=512)
def _compiled(source: str):
    return environment().from_string(source)


def event_context(event) -> dict:
    """What a template sees of a received event."""
    ctx = dict(event.data)
    ctx.update(event_id=event.event_id, event_type=event.event_type,
               occurred_at=event.occurred_at.isoformat(), district=event.district)
    return ctx
