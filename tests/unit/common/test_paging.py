"""The platform's paging shape: query bounds, reply schemas and the reply itself."""

import pytest
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, ValidationError, fields

from services.common import paging


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
