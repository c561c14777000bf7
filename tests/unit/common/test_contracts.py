import json

import pytest
from marshmallow import Schema, fields

from services.common.errors import ContractViolation
from services.common.events.contracts import build_envelope, contract, encode, parse_received


@contract("unit.tested", producer="unit", description="test-only")
class UnitTested(Schema):
    person_ref = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    note = fields.String(load_default="")


class ReadsAmountOnly(Schema):
    amount_fen = fields.Integer(required=True)


def test_envelope_shape_and_round_trip():
    env = build_envelope("unit.tested", {"person_ref": "p_ab", "amount_fen": 12345},
                         district="gulou", producer="unit")
    assert set(env) == {"event_id", "event_type", "schema_version", "occurred_at", "district",
                        "producer", "data"}
    assert env["occurred_at"].endswith("Z") and env["schema_version"] == 1
    received = parse_received(encode(env), ReadsAmountOnly)
    assert received.data == {"amount_fen": 12345}
    assert received.event_id == env["event_id"] and received.district == "gulou"


@pytest.mark.parametrize("data, needle", [
    ({"person_ref": "p_ab"}, "amount_fen"),
    ({"person_ref": "p_ab", "amount_fen": 1, "surprise": 1}, "surprise"),
    ({"person_ref": "p_ab", "amount_fen": 1.5}, "amount_fen"),
])
def test_publish_is_strict(data, needle):
    with pytest.raises(ContractViolation, match=needle):
        build_envelope("unit.tested", data, district="d", producer="unit")


@pytest.mark.parametrize("leak", ["11010519491231002X", "tel 13812341234"])
def test_raw_personal_data_is_refused(leak):
    with pytest.raises(ContractViolation, match="raw ID number or phone"):
        build_envelope("unit.tested", {"person_ref": "p", "amount_fen": 1, "note": leak},
                       district="d", producer="unit")


def test_large_amounts_and_hex_refs_are_not_mistaken_for_personal_data():
    env = build_envelope("unit.tested", {"person_ref": "p_" + "1" * 32, "amount_fen": 13812341234},
                         district="d", producer="unit")
    assert env["data"]["amount_fen"] == 13812341234


def test_wrong_producer_or_unknown_type():
    with pytest.raises(ContractViolation, match="produced by unit"):
        build_envelope("unit.tested", {"person_ref": "p", "amount_fen": 1}, district="d", producer="x")
    with pytest.raises(ContractViolation, match="no contract"):
        build_envelope("nope.never", {}, district="d", producer="unit")


def test_consumer_tolerates_new_fields_but_not_a_broken_envelope():
    env = build_envelope("unit.tested", {"person_ref": "p", "amount_fen": 5}, district="d", producer="unit")
    env["data"]["added_in_v2"] = True
    env["new_envelope_field"] = "x"
    assert parse_received(json.dumps(env), ReadsAmountOnly).data == {"amount_fen": 5}
    broken = dict(env)
    del broken["event_id"]
    with pytest.raises(ContractViolation, match="event_id"):
        parse_received(json.dumps(broken), ReadsAmountOnly)
    with pytest.raises(ContractViolation, match="not JSON"):
        parse_received(b"\xff", ReadsAmountOnly)


@pytest.mark.parametrize("binding, key, expected", [
    ("application.approved", "application.approved", True),
    ("application.approved", "application.rejected", False),
    ("#", "application.approved", True),
    ("#", "x", True),
    ("application.*", "application.approved", True),
    ("application.*", "application.approved.late", False),
    ("application.#", "application", True),
    ("application.#", "application.approved.late", True),
    ("*.approved", "relief.approved", True),
    ("*.approved", "relief.paid", False),
    ("#.paid", "relief.paid", True),
    ("a.#.z", "a.z", True),
    ("a.#.z", "a.b.c.z", True),
    ("a.#.z", "a.b.c", False),
])
def test_an_inbox_accepts_the_types_its_binding_covers(binding, key, expected):
    from services.common.events.inbox import topic_matches

    assert topic_matches(binding, key) is expected


# The batch path (UnitOfWork.publish_many): same envelopes, same refusals as one by one.

@contract("unit.batched", producer="unit", description="test-only, nested")
class UnitBatched(Schema):
    person_ref = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    on = fields.Date(required=True)
    notes = fields.List(fields.String(), load_default=list)
    parts = fields.List(fields.Nested(UnitTested), load_default=list)


def _batch_payloads():
    return [{"person_ref": f"p_{i:04x}", "amount_fen": 1000 + i, "on": f"2026-0{1 + i % 9}-1{i % 10}",
             "notes": [f"第{i}期", "12-34"], "parts": [{"person_ref": "p_x", "amount_fen": i, "note": "备注"}]}
            for i in range(25)]


def test_batch_envelopes_are_byte_identical_to_single_ones_apart_from_the_event_id():
    from datetime import UTC, datetime

    from services.common.events.contracts import build_envelopes

    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    payloads = _batch_payloads()
    batch = build_envelopes("unit.batched", payloads, district="d", producer="unit", occurred_at=at)
    single = [build_envelope("unit.batched", p, district="d", producer="unit", occurred_at=at) for p in payloads]
    assert len(batch) == len(single) == 25
    assert len({e["event_id"] for e in batch}) == 25
    for b, s in zip(batch, single, strict=True):
        assert encode({**b, "event_id": "x"}) == encode({**s, "event_id": "x"})
    assert build_envelopes("unit.batched", [], district="d", producer="unit") == []


@pytest.mark.parametrize("bad", [
    {"amount_fen": None},
    {"surprise": 1},
    {"amount_fen": 1.5},
    {"on": "2026-02-30"},
    {"parts": [{"person_ref": "p", "amount_fen": "7"}]},
    {"notes": ["tel 13812341234"]},
    {"parts": [{"person_ref": "p", "amount_fen": 1, "note": "11010519491231002X"}]},
    {"person_ref": "１３８ １２３４ １２３４"},
])
def test_batch_refuses_what_the_single_path_refuses_with_the_same_message(bad):
    from services.common.events.contracts import build_envelopes

    payloads = _batch_payloads()
    payloads[17] = {k: v for k, v in {**payloads[17], **bad}.items() if v is not None}  # None: left out
    with pytest.raises(ContractViolation) as single:
        build_envelope("unit.batched", payloads[17], district="d", producer="unit")
    with pytest.raises(ContractViolation) as batch:
        build_envelopes("unit.batched", payloads, district="d", producer="unit")
    assert str(batch.value) == str(single.value)
    with pytest.raises(ContractViolation, match="produced by unit"):
        build_envelopes("unit.batched", payloads[:1], district="d", producer="x")


def test_the_joined_leak_scan_decides_as_one_scan_per_string():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from services.common.events.contracts import _any_leaks, _leaks

    pieces = st.sampled_from(["1", "3", "8", "0", "X", "x", "a", " ", "-", ".", "·", "\n", "\x00", "１", "٣",
                              "138", "1381234", "1234", "110105194912", "31002X", "é", "\u0301"])
    texts = st.lists(pieces, max_size=12).map("".join)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.one_of(texts, st.lists(texts, max_size=3), st.dictionaries(st.just("k"), texts)),
                    max_size=6))
    def check(values):
        assert _any_leaks(values) == (_leaks(values) is not None)

    check()
