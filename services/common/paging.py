"""The one paging shape every list endpoint shares (分页).

A list is asked for with ``?page=&page_size=`` (:class:`PageQuery`, or a copy with a service's own
bounds from :func:`page_query`) and answered with ``{"total", "page", "page_size", <key>}``, where
``total`` counts every match over all pages and ``<key>`` (``items`` unless a service's published
shape names it otherwise) holds this page's items. :func:`page_of` makes the reply schema and
:func:`page_reply` the reply itself, so an entrypoint is: parse the query, run the use case, reply.

The bounds and defaults are a public contract: a service that differs from the defaults here says
so once, with :func:`page_query`, and keeps them.

A long list may also be walked by cursor (keyset paging, :func:`select_keyset_page`): the same
shape plus ``next``, an opaque cursor to pass back as ``?after=`` for the following page (null on
the last). Asked for by ``page``, a page costs a count of every match and a scan past the pages
before it — reading a whole list that way grows with the square of its length; asked for
``after`` a cursor, a page starts where the last one ended (on an index, the same cost on the
last page as on the first) and ``total`` is not recounted: it is the count made on the walk's
first page, carried in the cursor, and ``page`` counts on from there. The cursor is not a secret
and not signed: it names a place in the list's order, and a forged one only moves a caller within
what its filters already let it read; one that does not decode is a 400 naming ``after``.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from .fields import QueryInt

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class PageQuery(Schema):
    """``page`` (from 1) and ``page_size``, both whole numbers within bounds."""

    page = QueryInt(1, MAX_PAGE, load_default=1)
    page_size = QueryInt(1, MAX_PAGE_SIZE, load_default=DEFAULT_PAGE_SIZE)


@cache
def page_query(*, max_page: int = MAX_PAGE, max_page_size: int = MAX_PAGE_SIZE,
               default_page_size: int = DEFAULT_PAGE_SIZE) -> type[Schema]:
    """A :class:`PageQuery` with a service's own bounds; the same class for the same bounds."""
    if (max_page, max_page_size, default_page_size) == (MAX_PAGE, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE):
        return PageQuery
    if not 1 <= default_page_size <= max_page_size or max_page < 1:
        raise ValueError("a page query needs 1 <= default_page_size <= max_page_size and max_page >= 1")
    return type("PageQuery", (PageQuery,), {
        "__doc__": PageQuery.__doc__,
        "page": QueryInt(1, max_page, load_default=1),
        "page_size": QueryInt(1, max_page_size, load_default=default_page_size)})


def _default_name(item: type[Schema]) -> str:
    return item.__name__.removesuffix("Schema").removesuffix("Out") + "Page"


@cache
def page_of(item: type[Schema], *, key: str = "items", name: str | None = None,
            description: str = "", keyset: bool = False) -> type[Schema]:
    """The reply schema for a page of ``item``: ``total``, ``page``, ``page_size`` and the list
    under ``key`` (and ``next``, the cursor to the following page, with ``keyset``). Cached, so
    asking twice gives the same class and one OpenAPI component; its name (the component's) is
    ``name``, or ``<Item>Page`` from the item schema's name (give ``name`` when one item schema
    is listed under two keys)."""
    list_meta = {"description": description} if description else {}
    total = ("how many match, on every page" if not keyset else
             "how many match: counted on a page asked for by `page`; on a page asked for `after` a cursor, "
             "the count made on the walk's first page (not recounted)")
    body = {
        "__doc__": f"One page of {item.__name__} (the one paging shape).",
        "total": fields.Integer(required=True, metadata={"description": total}),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
        key: fields.List(fields.Nested(item), required=True, metadata=list_meta)}
    if keyset:
        body["next"] = fields.String(required=True, allow_none=True, metadata={
            "description": "pass as `after` for the following page; null on the last page"})
    return type(name or _default_name(item), (Schema,), body)


def page_reply(query: dict, total: int, items: list, *, key: str = "items") -> dict:
    """The reply to a list request: the page asked for (from the parsed ``query``), how many
    match in all, and this page's ``items`` under ``key``."""
    return {"total": total, "page": query["page"], "page_size": query["page_size"], key: items}


def select_page(session, stmt, order_by, page: int, page_size: int, *, rows: bool = False) -> tuple[int, list]:
    """``(total, items)``: how many rows ``stmt`` matches in all, and page ``page`` of them in
    ``order_by`` order (``()``: the statement's own; either way end on a unique key, or rows may
    repeat or vanish between pages).
    Items are the first column's values (an ORM entity), or whole rows with ``rows=True``."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    paged = stmt.order_by(*order_by).offset((page - 1) * page_size).limit(page_size)
    return total, list(session.execute(paged).all() if rows else session.scalars(paged).all())


def read_page(db, query: dict, find, view, *, key: str = "items") -> dict:
    """A list endpoint's whole body: in one read session, ``find(session)`` gives ``(total, rows)``
    for the page ``query`` asks for; each row becomes ``view(row)`` (inside the session, so a view
    may still read lazy attributes); the reply is :func:`page_reply`'s."""
    with db.read() as session:
        total, rows = find(session)
        return page_reply(query, total, [view(row) for row in rows], key=key)


# -- keyset paging (a walk by cursor) ------------------------------------------------------

MAX_CURSOR_CHARS = 1000


class Cursor(NamedTuple):
    """Where a walk stands: the ``page`` the cursor leads to, the ``total`` counted on the walk's
    first page, and ``position``, the order key (one value per ``order_by`` column) of the last
    row read."""

    page: int
    total: int
    position: tuple


def encode_cursor(cursor: Cursor) -> str:
    """The cursor as an opaque, URL-safe string."""
    key = [{"at": v.isoformat()} if isinstance(v, datetime) else v for v in cursor.position]
    raw = json.dumps({"p": cursor.page, "t": cursor.total, "k": key}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    """The cursor ``text`` stands for; ValueError (saying what is wrong) when it is not one
    :func:`encode_cursor` could have made."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_CURSOR_CHARS:
        raise ValueError(f"not a cursor (1 to {MAX_CURSOR_CHARS} characters)")
    try:
        data = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor this list gave (it does not decode)") from None
    if not isinstance(data, dict) or set(data) != {"p", "t", "k"} or not isinstance(data["k"], list):
        raise ValueError("not a cursor this list gave (wrong shape)")
    page, total = data["p"], data["t"]
    if not (_whole(page) and 2 <= page <= 2**31 and _whole(total) and 0 <= total <= 2**63):
        raise ValueError("not a cursor this list gave (page or total out of range)")
    if not 1 <= len(data["k"]) <= 8:
        raise ValueError("not a cursor this list gave (wrong shape)")
    return Cursor(page, total, tuple(_key_value(v) for v in data["k"]))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _key_value(value):
    if isinstance(value, dict):
        if set(value) != {"at"} or not isinstance(value["at"], str):
            raise ValueError("not a cursor this list gave (wrong shape)")
        try:
            at = datetime.fromisoformat(value["at"])
        except ValueError:
            raise ValueError("not a cursor this list gave (a bad time in it)") from None
        if at.tzinfo is None:
            raise ValueError("not a cursor this list gave (a time without its zone)")
        try:  # year 1 or 9999 in a far zone does not fit in UTC: the database would never see it
            return at.astimezone(UTC)
        except OverflowError:
            raise ValueError("not a cursor this list gave (a time out of range)") from None
    if isinstance(value, str):
        # what a database cannot hold (a NUL, a lone surrogate: not printable) would fail there
        if len(value) > 200 or not value.isprintable():
            raise ValueError("not a cursor this list gave (a text it could not hold)")
        return value
    if _whole(value) and -(2**63) <= value < 2**63:
        return value
    raise ValueError("not a cursor this list gave (a value of the wrong kind)")


class KeysetPageQuery(PageQuery):
    """:class:`PageQuery` plus ``after``, the cursor of the page before (its ``next``), loaded
    as a :class:`Cursor`; a page is asked for by number or by cursor, not both."""

    after = fields.String(load_default=None, validate=[
        validate.Length(min=1, max=MAX_CURSOR_CHARS), validate.Regexp(r"^[A-Za-z0-9_-]+$", error="not a cursor")],
        metadata={"description": "the `next` of the page before: the following page, without recounting or "
                                 "rescanning"})

    @validates_schema(pass_original=True)
    def _page_or_after(self, data, original, **kwargs):
        if data.get("after") is not None and "page" in original:
            raise ValidationError("give page or after, not both", "after")

    @post_load
    def _decode_after(self, data, **kwargs):
        if data.get("after") is not None:
            try:
                data["after"] = decode_cursor(data["after"])
            except ValueError as exc:
                raise ValidationError(str(exc), "after") from None
        return data


class KeysetPage(NamedTuple):
    """One page of a walk: ``total``, the ``page`` number, its ``items`` and ``next`` (the
    cursor to the following page, None on the last)."""

    total: int
    page: int
    items: list
    next: str | None


def select_keyset_page(session, stmt, order_by, page_size: int, *, page: int = 1, after: Cursor | None = None,
                       rows: bool = False) -> KeysetPage:
    """A page of ``stmt``'s rows in ``order_by`` order (columns, each ascending or ``.desc()``;
    the last a unique key, or rows may repeat or vanish between pages), with the cursor to the
    next. Without ``after``: page ``page``, counted and offset as :func:`select_page` does (the
    first page of a walk is page 1). With ``after``: the ``page_size`` rows after the cursor's
    position, neither counted nor offset — on an index over ``order_by`` the last page costs
    what the first does. A cursor whose values do not fit ``order_by``'s columns is a
    ValidationError naming ``after`` (a 400), never a database error. The order's columns are
    not null and hold aware times (UtcDateTime), texts or whole numbers: what a cursor carries.
    Items are the first column's values (an ORM entity), or whole rows with ``rows=True`` (with
    the order key after the statement's columns, labelled ``_keyset_<n>``)."""
    keys = [_order_key(o) for o in order_by]
    if not keys:
        raise ValueError("a keyset page needs an order, ending on a unique key")
    if after is None:
        total = _count(session, stmt)
    else:
        _check_position(keys, after.position)
        total, page = after.total, after.page
        stmt = stmt.where(_beyond(keys, after.position))
    # the order key rides along, labelled, so the next cursor needs nothing from the items
    labels = [f"_keyset_{i}" for i in range(len(keys))]
    paged = stmt.add_columns(*(col.label(name) for (col, _), name in zip(keys, labels, strict=True)))
    paged = paged.order_by(*order_by).limit(page_size + 1)
    if after is None:
        paged = paged.offset((page - 1) * page_size)
    found = session.execute(paged).all()
    more, found = len(found) > page_size, found[:page_size]
    nxt = None
    if more:
        last = found[-1]._mapping
        nxt = encode_cursor(Cursor(page + 1, total, tuple(last[name] for name in labels)))
    return KeysetPage(total, page, [row if rows else row[0] for row in found], nxt)


def _count(session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def _order_key(expr):
    """(column, descending) of one ``order_by`` term."""
    descending = getattr(expr, "modifier", None) is operators.desc_op
    if getattr(expr, "modifier", None) in (operators.desc_op, operators.asc_op):
        expr = expr.element
    column = expr.__clause_element__() if hasattr(expr, "__clause_element__") else expr
    return column, descending


def _kind(column) -> type | None:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _check_position(keys, position: tuple) -> None:
    # a dict of messages, as a schema's load gives: the HTTP layer names the field from its keys
    if len(position) != len(keys):
        raise ValidationError({"after": ["not a cursor of this list (wrong number of values)"]})
    for (column, _), value in zip(keys, position, strict=True):
        kind = _kind(column)
        if (kind is not None and not isinstance(value, kind)) or isinstance(value, bool):
            raise ValidationError({"after": ["not a cursor of this list (a value of the wrong kind)"]})


def _beyond(keys, position: tuple):
    """Rows after ``position`` in the order ``keys`` make: later on the first key, or equal on
    it and later on the rest. The first key's bound stands alone too, so a database can start
    its index scan there instead of filtering the whole list."""
    def later(column, descending, value):
        return column < value if descending else column > value

    (first, first_desc), first_value = keys[0], position[0]
    ties, beyond = [], []
    for (column, descending), value in zip(keys, position, strict=True):
        beyond.append(and_(*ties, later(column, descending, value)))
        ties.append(column == value)
    bound = first <= first_value if first_desc else first >= first_value
    return and_(bound, or_(*beyond))


def keyset_reply(query: dict, found: KeysetPage, items: list, *, key: str = "items") -> dict:
    """The reply to a list request walked by cursor: :func:`page_reply`'s, with the page number
    ``found`` has and ``next``."""
    return {"total": found.total, "page": found.page, "page_size": query["page_size"], key: items,
            "next": found.next}


def read_keyset_page(db, query: dict, find, view, *, key: str = "items") -> dict:
    """:func:`read_page` for a list walked by cursor: ``find(session)`` gives a
    :class:`KeysetPage`."""
    with db.read() as session:
        found = find(session)
        return keyset_reply(query, found, [view(row) for row in found.items], key=key)
