"""The event contract: the rules `make mutate` showed no test stated (issue 20).

The registry (one schema per event type, its version and description, found by producer), each
envelope field's bounds, where a raw ID number or phone hides (the path named, in nested dicts,
lists and tuples), the encoded text byte for byte (compact, sorted keys, UTF-8 kept), instants
in UTC with 'Z', and a received event's fields and refusals in words.

Contracts registered at import time are registered before mutmut switches a mutant on, so the
tests that check what ``contract`` stores register their own inside the test.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x_encode__mutmut_2: ``ensure_ascii=None`` is falsy, the same as ``False`` to json.
- x_build_envelopes__mutmut_23: ``isinstance(err.messages, dict) or True``: a schema loaded
  with ``many=True`` always raises with a dict of messages (by index, or ``_schema``), so the
  test was always true.
- x_build_envelopes__mutmut_29: ``else 1`` for ``else 0``: that branch is never taken, for the
  same reason.
- x_build_envelopes__mutmut_32: ``district=None`` in the single build that only finds the
  batch's first refusal: district is used only in an envelope that build is never returned.
"""
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, fields

from services.common.errors import ContractViolation
from services.common.events import contracts as c
from services.common.events.contracts import (
    EnvelopeSchema,
    all_contracts,
    build_envelope,
    contract,
    encode,
    get_contract,
    iso_utc,
    parse_received,
)


@contract("mutants.checked", producer="mutantsunit", version=3)
class MutantsChecked(Schema):
    """Checked by the mutants tests."""

    ref = fields.String(required=True)
    items = fields.List(fields.Dict(), load_default=list)
    pair = fields.Tuple((fields.String(), fields.String()), load_default=None, allow_none=True)


@contract("mutants.described", producer="mutantsunit", description="given words")
class MutantsDescribed(Schema):
    """not this"""


@contract("mutants.bare", producer="mutantsunit")
class MutantsBare(Schema):
    pass


AT = datetime(2026, 3, 9, 8, 30, 15, tzinfo=timezone(timedelta(hours=8)))  # 00:30:15 UTC


def envelope(**over):
    env = {"event_id": str(uuid.UUID(int=7)), "event_type": "mutants.checked", "schema_version": 3,
           "occurred_at": "2026-03-09T00:30:15Z", "district": "gulou", "producer": "mutantsunit", "data": {"ref": "x"}}
    env.update(over)
    return env


# -- the registry ---------------------------------------------------------------------------------------

def test_a_contract_keeps_producer_version_and_description():
    spec = get_contract("mutants.checked")
    assert (spec.event_type, spec.producer, spec.version, spec.schema) == ("mutants.checked", "mutantsunit", 3,
                                                                           MutantsChecked)
    assert spec.description == "Checked by the mutants tests."  # the schema's docstring when none is given
    assert get_contract("mutants.described").description == "given words"
    assert get_contract("mutants.bare").description == "" and get_contract("mutants.bare").version == 1


def test_contract_stores_what_it_is_given_when_called(monkeypatch):
    monkeypatch.setattr(c, "_REGISTRY", {})

    class Documented(Schema):
        """Its docstring."""

    class Bare(Schema):
        pass

    assert contract("t.documented", producer="p1", version=2)(Documented) is Documented
    contract("t.described", producer="p2", description="words")(Documented)
    contract("t.bare", producer="p3")(Bare)
    assert get_contract("t.documented") == c.EventContract("t.documented", "p1", 2, Documented, "Its docstring.")
    assert get_contract("t.described") == c.EventContract("t.described", "p2", 1, Documented, "words")
    assert get_contract("t.bare") == c.EventContract("t.bare", "p3", 1, Bare, "")
    assert [s.event_type for s in all_contracts()] == ["t.documented", "t.described", "t.bare"]


def test_building_an_envelope_finds_a_late_producers_contract(monkeypatch):
    """build_envelope passes its producer on, so a contract not yet imported is found."""
    monkeypatch.setattr(c, "_REGISTRY", dict(c._REGISTRY))
    imported = []

    def import_module(name):
        imported.append(name)
        contract("mutants.late_built", producer="lateunit")(MutantsBare)

    monkeypatch.setattr(c.importlib, "import_module", import_module)
    env = build_envelope("mutants.late_built", {}, district="d", producer="lateunit", event_id="e")
    assert imported == ["services.lateunit.schemas"] and env["producer"] == "lateunit" and env["data"] == {}


def test_registering_the_same_schema_again_is_harmless_another_is_refused():
    assert contract("mutants.checked", producer="mutantsunit", version=3)(MutantsChecked) is MutantsChecked
    assert get_contract("mutants.checked").schema is MutantsChecked

    class Other(Schema):
        pass

    with pytest.raises(ValueError, match=r"^event type mutants.checked is already registered$"):
        contract("mutants.checked", producer="mutantsunit")(Other)
    assert get_contract("mutants.checked").schema is MutantsChecked


def test_an_unknown_type_is_refused_in_words_even_for_an_unknown_producer():
    with pytest.raises(ContractViolation, match=r"^no contract registered for event type 'mutants.none'$"):
        get_contract("mutants.none")
    with pytest.raises(ContractViolation, match=r"^no contract registered for event type 'mutants.none'$"):
        get_contract("mutants.none", "no_such_service")


def test_a_producers_contracts_are_found_by_importing_its_schemas(monkeypatch):
    """As when a use case is called outside its service: nothing imported the producer's
    schemas module yet, so looking up its contract imports it (here: a stand-in that registers)."""
    imported = []

    def import_module(name):
        imported.append(name)
        if name == "services.lateunit.schemas":
            contract("mutants.late", producer="lateunit")(MutantsBare)
        else:
            raise ModuleNotFoundError(name)

    monkeypatch.setattr(c, "_REGISTRY", dict(c._REGISTRY))
    monkeypatch.setattr(c.importlib, "import_module", import_module)
    assert get_contract("mutants.late", "lateunit").producer == "lateunit"
    assert imported == ["services.lateunit.schemas"]
    assert get_contract("mutants.late", "lateunit").schema is MutantsBare and len(imported) == 1  # once found
    with pytest.raises(ContractViolation, match=r"^no contract registered for event type 'mutants.later'$"):
        get_contract("mutants.later", "gone")
    assert imported[-1] == "services.gone.schemas"


def test_all_contracts_sorted_by_producer_then_type():
    listed = [(s.producer, s.event_type) for s in all_contracts()]
    assert listed == sorted(listed)
    mine = [t for p, t in listed if p == "mutantsunit"]
    assert mine == ["mutants.bare", "mutants.checked", "mutants.described"]


# -- building an envelope -----------------------------------------------------------------------------

def test_an_envelope_carries_what_it_was_given():
    env = build_envelope("mutants.checked", {"ref": "r1"}, district="gulou", producer="mutantsunit",
                         event_id="e-1", occurred_at=AT)
    assert env == {"event_id": "e-1", "event_type": "mutants.checked", "schema_version": 3,
                   "occurred_at": "2026-03-09T00:30:15Z", "district": "gulou", "producer": "mutantsunit",
                   "data": {"ref": "r1", "items": [], "pair": None}}


def test_an_envelope_without_id_or_time_gets_fresh_ones():
    before = datetime.now(UTC)
    a = build_envelope("mutants.checked", {"ref": "r1"}, district="d", producer="mutantsunit")
    b = build_envelope("mutants.checked", {"ref": "r1"}, district="d", producer="mutantsunit")
    assert a["event_id"] != b["event_id"] and str(uuid.UUID(a["event_id"])) == a["event_id"]
    at = datetime.fromisoformat(a["occurred_at"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC) and a["occurred_at"].endswith("Z")


def test_refusals_name_the_event_type():
    with pytest.raises(ContractViolation, match=r"^mutants.checked is produced by mutantsunit, not other$"):
        build_envelope("mutants.checked", {"ref": "r"}, district="d", producer="other")
    with pytest.raises(ContractViolation) as caught:
        build_envelope("mutants.checked", {}, district="d", producer="mutantsunit")
    assert str(caught.value) == "mutants.checked payload invalid: {'ref': ['Missing data for required field.']}"


@pytest.mark.parametrize("data, path", [
    ({"ref": "11010519491231002X"}, "data.ref"),
    ({"ref": "ok", "items": [{"a": "fine"}, {"note": "call 13812341234"}]}, "data.items[1].note"),
    ({"ref": "ok", "pair": ["fine", "13812341234"]}, "data.pair[1]"),
])
def test_a_leak_is_named_by_its_path(data, path):
    with pytest.raises(ContractViolation, match=rf"^mutants.checked: {path.replace('[', '[[]')} looks like a raw ID "
                                                r"number or phone$"):
        build_envelope("mutants.checked", data, district="d", producer="mutantsunit")


def test_leaks_reports_the_first_path_and_ignores_what_is_not_text():
    assert c._leaks({"a": 13812341234, "b": ["x", ("y", "13812341234")], "c": "13900001111"}) == "data.b[1][1]"
    assert c._leaks({"a": {"b": {"c": "11010519491231002X"}}}) == "data.a.b.c"
    assert c._leaks(["fine", None, 3.5, {"k": []}]) is None
    assert c._leaks("13812341234", "here") == "here"


def test_a_schema_instance_is_made_once_per_contract():
    assert c._strict_schema(MutantsChecked) is c._strict_schema(MutantsChecked)
    with pytest.raises(Exception, match="surprise"):
        c._strict_schema(MutantsChecked).load({"ref": "r", "surprise": 1})


# -- the text on the bus --------------------------------------------------------------------------------

def test_encode_is_compact_sorted_and_keeps_chinese():
    assert encode({"b": 1, "a": {"z": "张三", "y": [1, 2]}}) == '{"a":{"y":[1,2],"z":"张三"},"b":1}'


def test_iso_utc_is_utc_whatever_the_machines_zone(monkeypatch):
    """A server whose local zone is Beijing's still writes UTC (never local time)."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert iso_utc(AT) == "2026-03-09T00:30:15Z"
        assert iso_utc(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_iso_utc_converts_to_utc_with_z():
    assert iso_utc(AT) == "2026-03-09T00:30:15Z"
    assert iso_utc(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
    assert iso_utc(datetime(2026, 1, 1, 0, 0, 0, 5, tzinfo=UTC)) == "2026-01-01T00:00:00.000005Z"


def test_utc_now_is_aware_utc():
    now = c.utc_now()
    assert now.tzinfo is UTC and abs(now - datetime.now(UTC)) < timedelta(seconds=5)


# -- receiving ---------------------------------------------------------------------------------------------

def test_a_received_event_has_every_envelope_field():
    got = parse_received(json.dumps(envelope(data={"ref": "x", "extra": 1})).encode())
    assert got == c.ReceivedEvent(str(uuid.UUID(int=7)), "mutants.checked", 3,
                                  datetime(2026, 3, 9, 0, 30, 15, tzinfo=UTC), "gulou", "mutantsunit",
                                  {"ref": "x", "extra": 1})  # no schema: the data as it came
    assert parse_received(envelope()) == parse_received(json.dumps(envelope()))


def test_a_consumer_schema_reads_only_its_fields():
    class ReadsRef(Schema):
        ref = fields.String(required=True)

    assert parse_received(envelope(data={"ref": "x", "extra": 1}), ReadsRef).data == {"ref": "x"}
    with pytest.raises(ContractViolation, match=r"^event rejected: \{'ref': \['Missing data for required field.'\]\}$"):
        parse_received(envelope(data={}), ReadsRef)


@pytest.mark.parametrize("body, words", [
    ("[1]", "event body is not an object"), ([1], "event body is not an object"), (None, "event body is not an object"),
    ("{", "event body is not JSON"), (b"\xff", "event body is not JSON"),
])
def test_a_body_that_is_no_object_is_refused_in_words(body, words):
    with pytest.raises(ContractViolation, match=rf"^{words}$"):
        parse_received(body)


@pytest.mark.parametrize("over, name", [
    (dict(event_id="nope"), "event_id"), (dict(event_type="ab"), "event_type"),
    (dict(event_type="a" * 81), "event_type"),
    (dict(schema_version=0), "schema_version"), (dict(schema_version="3"), "schema_version"),
    (dict(occurred_at="2026-03-09T00:30:15"), "occurred_at"), (dict(district=""), "district"),
    (dict(district="d" * 41), "district"), (dict(producer=""), "producer"), (dict(producer="p" * 41), "producer"),
    (dict(data=None), "data"), (dict(data=[1]), "data"),
])
def test_each_envelope_field_is_checked(over, name):
    with pytest.raises(ContractViolation, match=rf"^event rejected: .*'{name}'"):
        parse_received(envelope(**over))


def test_envelope_fields_at_their_edges_pass():
    parse_received(envelope(event_type="a.b", district="d", producer="p", schema_version=1))
    parse_received(envelope(event_type="a" * 80, district="d" * 40, producer="p" * 40))
    loaded = EnvelopeSchema().load({**envelope(), "new_field": 1})
    assert "new_field" not in loaded  # unknown envelope fields are dropped, not refused
    for missing in ("event_id", "event_type", "schema_version", "occurred_at", "district", "producer", "data"):
        body = envelope()
        del body[missing]
        with pytest.raises(ContractViolation, match=missing):
            parse_received(body)


# -- the batch path, build_envelopes (added after the first mutation run of contracts) -----------

def test_a_batch_carries_what_it_was_given_and_one_time_for_all(monkeypatch):
    monkeypatch.setattr(c, "utc_now", lambda: AT)
    batch = c.build_envelopes("mutants.checked", [{"ref": "a"}, {"ref": "b", "pair": ("x", "y")}],
                              district="gulou", producer="mutantsunit")
    assert [{k: v for k, v in e.items() if k != "event_id"} for e in batch] == [
        {"event_type": "mutants.checked", "schema_version": 3, "occurred_at": "2026-03-09T00:30:15Z",
         "district": "gulou", "producer": "mutantsunit", "data": {"ref": ref, "items": [], "pair": pair}}
        for ref, pair in (("a", None), ("b", ("x", "y")))]
    assert all(uuid.UUID(e["event_id"]).version == 4 for e in batch)
    given = c.build_envelopes("mutants.checked", [{"ref": "a"}], district="gulou", producer="mutantsunit",
                              occurred_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert given[0]["occurred_at"] == "2026-01-01T00:00:00Z"


def test_a_batch_is_refused_with_the_message_of_its_first_bad_payload():
    payloads = [{"ref": "ok"}, {"ref": "ok"}, {"ref": 5}, {"ref": "ok"}, {"surprise": 1}]
    with pytest.raises(ContractViolation) as single:
        build_envelope("mutants.checked", payloads[2], district="d", producer="mutantsunit")
    with pytest.raises(ContractViolation) as batch:
        c.build_envelopes("mutants.checked", payloads, district="d", producer="mutantsunit")
    assert str(batch.value) == str(single.value) == "mutants.checked payload invalid: {'ref': ['Not a valid string.']}"


def test_a_batch_that_is_no_list_is_refused_like_its_first_item():
    with pytest.raises(ContractViolation) as e:
        c.build_envelopes("mutants.checked", "x", district="d", producer="mutantsunit")
    assert str(e.value) == "mutants.checked payload invalid: {'_schema': ['Invalid input type.']}"


def test_a_batch_leak_is_named_by_its_path_in_the_first_payload_holding_one():
    payloads = [{"ref": "ok"}, {"ref": "ok", "items": [{"note": "call 13812341234"}]},
                {"ref": "110105194912310025"}]
    with pytest.raises(ContractViolation) as e:
        c.build_envelopes("mutants.checked", payloads, district="d", producer="mutantsunit")
    assert str(e.value) == "mutants.checked: data.items[0].note looks like a raw ID number or phone"


def test_a_batch_from_another_producer_is_refused_in_words():
    with pytest.raises(ContractViolation) as e:
        c.build_envelopes("mutants.checked", [{"ref": "a"}], district="d", producer="other")
    assert str(e.value) == "mutants.checked is produced by mutantsunit, not other"


def test_a_batch_finds_a_late_producers_contract(monkeypatch):
    """build_envelopes passes its producer on, so a contract not yet imported is found."""
    monkeypatch.setattr(c, "_REGISTRY", dict(c._REGISTRY))
    imported = []

    def import_module(name):
        imported.append(name)
        contract("mutants.late_batched", producer="lateunit")(MutantsBare)

    monkeypatch.setattr(c.importlib, "import_module", import_module)
    batch = c.build_envelopes("mutants.late_batched", [{}], district="d", producer="lateunit")
    assert imported == ["services.lateunit.schemas"] and batch[0]["producer"] == "lateunit"


def test_a_batch_refused_whole_is_refused_even_when_its_first_item_alone_would_pass():
    # a mapping is no list of payloads, though its key 0 holds a good one: the batch's own
    # message, not an envelope
    with pytest.raises(ContractViolation) as e:
        c.build_envelopes("mutants.checked", {0: {"ref": "a"}}, district="d", producer="mutantsunit")
    assert str(e.value) == "mutants.checked payload invalid: {'_schema': ['Invalid input type.']}"
