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
