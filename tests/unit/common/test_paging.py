"""The platform's paging shape: query bounds, reply schemas and the reply itself; the walk by
cursor (keyset paging): its cursor, refused when not made here, and the pages it reads."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.common import paging
from services.common.tables import UtcDateTime


class ThingOut(Schema):
    thing_id = fields.String(required=True)


def test_query_defaults_and_bounds():
    q = paging.PageQuery()
    assert q.load({}) == {"page": 1, "page_size": 50}
    assert q.load({"page": "3", "page_size": "200"}) == {"page": 3, "page_size": 200}
    for bad in ({"page": "0"}, {"page": "100001"}, {"page_size": "201"}, {"page_size": "0"},
                {"page": "two"}, {"page_size": "1.5"}):
        with pytest.raises(ValidationError) as err:
            q.load(bad)
        assert set(err.value.messages) == set(bad)  # the field is named


def test_a_service_keeps_its_own_bounds():
    Q = paging.page_query(max_page=1_000_000, max_page_size=500)
    assert Q is paging.page_query(max_page=1_000_000, max_page_size=500)  # one class per bounds
    assert issubclass(Q, paging.PageQuery)
    assert Q().load({}) == {"page": 1, "page_size": 50}
    assert Q().load({"page": "1000000", "page_size": "500"}) == {"page": 1_000_000, "page_size": 500}
    with pytest.raises(ValidationError):
        Q().load({"page_size": "501"})
    assert paging.page_query(default_page_size=20)().load({}) == {"page": 1, "page_size": 20}
    assert paging.page_query() is paging.PageQuery
    with pytest.raises(ValueError):
        paging.page_query(max_page_size=10, default_page_size=20)


def test_page_of_is_one_class_per_item_and_key():
    P = paging.page_of(ThingOut)
    assert P is paging.page_of(ThingOut)
    assert P.__name__ == "ThingPage"
    assert set(P._declared_fields) == {"total", "page", "page_size", "items"}
    R = paging.page_of(ThingOut, key="things", name="ThingsOut")
    assert R is not P and R.__name__ == "ThingsOut"
    assert set(R._declared_fields) == {"total", "page", "page_size", "things"}


def test_reply_round_trips_through_its_schema():
    reply = paging.page_reply({"page": 2, "page_size": 1, "other": "x"}, 3, [{"thing_id": "t2"}])
    assert reply == {"total": 3, "page": 2, "page_size": 1, "items": [{"thing_id": "t2"}]}
    assert paging.page_of(ThingOut)().dump(reply) == reply
    assert paging.page_reply({"page": 1, "page_size": 5}, 0, [], key="things") == {
        "total": 0, "page": 1, "page_size": 5, "things": []}


def test_openapi_component_is_named_and_fields_required():
    spec = APISpec(title="t", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.path("/things", operations={"get": {"responses": {"200": {"content": {
        "application/json": {"schema": paging.page_of(ThingOut)}}}}}})
    components = spec.to_dict()["components"]["schemas"]
    assert set(components) == {"ThingPage", "ThingOut"}
    assert sorted(components["ThingPage"]["required"]) == ["items", "page", "page_size", "total"]
    assert components["ThingPage"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/ThingOut"}


def test_read_page_views_rows_inside_one_read_session():
    events = []

    class Db:
        def read(self):
            class Session:
                def __enter__(self):
                    events.append("open")
                    return "session"

                def __exit__(self, *exc):
                    events.append("close")
            return Session()

    def find(session):
        assert session == "session"
        return 7, ["a", "b"]

    def view(row):
        events.append(f"view {row}")
        return row.upper()

    reply = paging.read_page(Db(), {"page": 4, "page_size": 2}, find, view, key="letters")
    assert reply == {"total": 7, "page": 4, "page_size": 2, "letters": ["A", "B"]}
    assert events == ["open", "view a", "view b", "close"]


# -- keyset paging ------------------------------------------------------------------------

AT = datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=UTC)


def _forge(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_round_trips_opaque_and_url_safe():
    cursor = paging.Cursor(2, 83_000, (AT, "ffffffff-0000-4000-8000-000000000001", 7))
    text = paging.encode_cursor(cursor)
    assert text.isascii() and "=" not in text and "+" not in text and "/" not in text
    assert paging.decode_cursor(text) == cursor
    back = paging.decode_cursor(text).position[0]
    assert back == AT and back.utcoffset() == timedelta(0)
    assert paging.decode_cursor(paging.encode_cursor(paging.Cursor(9, 0, ("送达",)))).position == ("送达",)


@pytest.mark.parametrize("text", [
    "", "x" * (paging.MAX_CURSOR_CHARS + 1), "not base64!", "%%%", _forge(b"\xff\xfe"), _forge(b"{not json"),
    _forge([2, 1, ["a"]]),  # not an object
    _forge({"p": 2, "t": 1}),  # no position
    _forge({"p": 2, "t": 1, "k": ["a"], "x": 1}),  # a key too many
    _forge({"p": 2, "t": 1, "k": "a"}),  # the position not a list
    _forge({"p": 2, "t": 1, "k": []}),
    _forge({"p": 2, "t": 1, "k": ["a"] * 9}),
    _forge({"p": 1, "t": 1, "k": ["a"]}),  # a cursor leads to page 2 at the earliest
    _forge({"p": True, "t": 1, "k": ["a"]}),
    _forge({"p": 2, "t": -1, "k": ["a"]}),
    _forge({"p": "2", "t": 1, "k": ["a"]}),
    _forge({"p": 2, "t": 1.5, "k": ["a"]}),
    _forge({"p": 2**31 + 1, "t": 1, "k": ["a"]}),
    _forge({"p": 2, "t": 1, "k": [1.5]}),
    _forge({"p": 2, "t": 1, "k": [None]}),
    _forge({"p": 2, "t": 1, "k": [[1]]}),
    _forge({"p": 2, "t": 1, "k": [2**63]}),
    _forge({"p": 2, "t": 1, "k": [{"at": "yesterday"}]}),
    _forge({"p": 2, "t": 1, "k": [{"at": "2026-11-23T02:00:00"}]}),  # a time without its zone
    _forge({"p": 2, "t": 1, "k": [{"at": "2026-11-23T02:00:00+00:00", "x": 1}]}),
    _forge({"p": 2, "t": 1, "k": [{"at": 5}]}),
    _forge({"p": 2, "t": 1, "k": [{"at": "9999-12-31T23:59:59-14:00"}]}),  # past the end of time in UTC
    _forge({"p": 2, "t": 1, "k": [{"at": "0001-01-01T00:00:00+14:00"}]}),
    _forge({"p": 2, "t": 1, "k": ["a\u0000b"]}),  # PostgreSQL takes no NUL in a text
    _forge({"p": 2, "t": 1, "k": ["\ud800"]}),  # nor a lone surrogate
    _forge({"p": 2, "t": 1, "k": ["a\nb"]}),
    _forge({"p": 2, "t": 1, "k": ["x" * 201]}),
])
def test_a_cursor_that_was_not_made_here_is_refused(text):
    with pytest.raises(ValueError, match="cursor"):
        paging.decode_cursor(text)
    with pytest.raises(ValidationError) as err:
        paging.KeysetPageQuery().load({"after": text})
    assert set(err.value.messages) == {"after"}  # the field is named


def test_a_keyset_query_takes_a_page_or_a_cursor_not_both():
    q = paging.KeysetPageQuery()
    assert q.load({}) == {"page": 1, "page_size": 50, "after": None}
    text = paging.encode_cursor(paging.Cursor(3, 10, (AT, "d1")))
    assert q.load({"after": text, "page_size": "2"}) == {
        "page": 1, "page_size": 2, "after": paging.Cursor(3, 10, (AT, "d1"))}
    with pytest.raises(ValidationError) as err:
        q.load({"after": text, "page": "1"})
    assert set(err.value.messages) == {"after"}


def test_a_keyset_page_schema_says_next():
    P = paging.page_of(ThingOut, key="things", name="ThingWalk", keyset=True)
    assert set(P._declared_fields) == {"total", "page", "page_size", "things", "next"}
    reply = paging.keyset_reply({"page": 1, "page_size": 2}, paging.KeysetPage(5, 3, ["a", "b"], "c"),
                                [{"thing_id": "a"}, {"thing_id": "b"}], key="things")
    assert reply == {"total": 5, "page": 3, "page_size": 2, "things": [{"thing_id": "a"}, {"thing_id": "b"}],
                     "next": "c"}
    assert P().dump(reply) == reply
    assert P().dump({**reply, "next": None})["next"] is None


class _Thing(DeclarativeBase):
    pass


class _Row(_Thing):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    colour: Mapped[str] = mapped_column(String(10))


@pytest.fixture
def things():
    engine = create_engine("sqlite://")
    _Thing.metadata.create_all(engine)
    with Session(engine) as session:
        # ties on `at`, three a minute, so pages cut through them
        session.add_all(_Row(id=i, at=AT + timedelta(minutes=i // 3), colour="red" if i % 2 else "blue")
                        for i in range(1, 15))
        session.commit()
        yield session
    engine.dispose()


def _walk(session, stmt, order, size):
    found = paging.select_keyset_page(session, stmt, order, size)
    pages = [found]
    while found.next is not None:
        found = paging.select_keyset_page(session, stmt, order, size, after=paging.decode_cursor(found.next))
        pages.append(found)
    return pages


@pytest.mark.parametrize("order", [(_Row.at.desc(), _Row.id.desc()), (_Row.at, _Row.id),
                                   (_Row.at.desc(), _Row.id), (_Row.colour, _Row.at.desc(), _Row.id)])
def test_a_walk_by_cursor_reads_every_row_once_in_order(things, order):
    stmt = select(_Row)
    everything = things.scalars(stmt.order_by(*order)).all()
    pages = _walk(things, stmt, order, 4)
    assert [t.id for p in pages for t in p.items] == [t.id for t in everything]
    assert [p.page for p in pages] == [1, 2, 3, 4] and {p.total for p in pages} == {14}
    assert [len(p.items) for p in pages] == [4, 4, 4, 2]
    # by number, the same pages
    assert [[t.id for t in paging.select_keyset_page(things, stmt, order, 4, page=n).items] for n in (1, 2, 3, 4)] \
        == [[t.id for t in p.items] for p in pages]
    red = [p for p in _walk(things, stmt.where(_Row.colour == "red"), order, 3)]
    assert [t.id for p in red for t in p.items] == [t.id for t in everything if t.colour == "red"]


def test_a_walk_ends_without_an_empty_page_and_gives_rows_when_asked(things):
    whole = paging.select_keyset_page(things, select(_Row.id, _Row.colour), (_Row.id,), 14, rows=True)
    assert whole.next is None and [r.id for r in whole.items] == list(range(1, 15))
    assert whole.items[0].colour == "red"
    assert paging.select_keyset_page(things, select(_Row).where(_Row.id > 99), (_Row.id,), 5) == (0, 1, [], None)


@pytest.mark.parametrize("position", [("2026-11-23", 3), (AT,), (AT, 3, 4), (AT, "3"), (AT, True), (5, 3)])
def test_a_cursor_that_does_not_fit_the_order_is_a_400_naming_after(things, position):
    with pytest.raises(ValidationError) as err:
        paging.select_keyset_page(things, select(_Row), (_Row.at.desc(), _Row.id), 4,
                                  after=paging.Cursor(2, 14, position))
    assert set(err.value.messages) == {"after"}
