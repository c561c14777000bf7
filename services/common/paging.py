"""The one paging shape every list endpoint shares (分页).

A list is asked for with ``?page=&page_size=`` (:class:`PageQuery`, or a copy with a service's own
bounds from :func:`page_query`) and answered with ``{"total", "page", "page_size", <key>}``, where
``total`` counts every match over all pages and ``<key>`` (``items`` unless a service's published
shape names it otherwise) holds this page's items. :func:`page_of` makes the reply schema and
:func:`page_reply` the reply itself, so an entrypoint is: parse the query, run the use case, reply.

The bounds and defaults are a public contract: a service that differs from the defaults here says
so once, with :func:`page_query`, and keeps them.
"""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields
from sqlalchemy import func, select

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
            description: str = "") -> type[Schema]:
    """The reply schema for a page of ``item``: ``total``, ``page``, ``page_size`` and the list
    under ``key``. Cached, so asking twice gives the same class and one OpenAPI component; its
    name (the component's) is ``name``, or ``<Item>Page`` from the item schema's name (give
    ``name`` when one item schema is listed under two keys)."""
    list_meta = {"description": description} if description else {}
    return type(name or _default_name(item), (Schema,), {
        "__doc__": f"One page of {item.__name__} (the one paging shape).",
        "total": fields.Integer(required=True, metadata={"description": "how many match, on every page"}),
        "page": fields.Integer(required=True),
        "page_size": fields.Integer(required=True),
        key: fields.List(fields.Nested(item), required=True, metadata=list_meta)})


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
