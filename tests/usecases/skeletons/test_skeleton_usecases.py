"""The three skeleton services' use cases against an in-memory database, and their entrypoints
through nameko's worker_factory: the shape services/README.md describes, shown small."""

import json
from datetime import UTC, date, datetime

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from services.assistance import hardship
from services.assistance.service import AssistanceService
from services.common.auth import Principal
from services.common.clock import FixedClock
from services.common.errors import Conflict
from services.common.http import ApiRequest
from services.finance import funds
from services.finance import models as finance_models
from services.finance.service import FinanceService
from services.notify import notices
from services.notify.service import NotifyService

NOW = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 December in Asia/Shanghai
TODAY = date(2026, 12, 1)
VALID_ID = "11010519491231002X"


def _outbox(store):
    with store.engine.connect() as conn:
        return [json.loads(r.body) for r in conn.execute(select(store.store.tables.outbox))]


def test_a_receipt_is_recorded_once_per_reference_with_its_event(memory_store):
    db = memory_store("finance")
    with db.uow() as uow:
        receipt = funds.record_receipt(uow, NOW, TODAY, "union_funds", 1_234_567, "BANK-1", date(2026, 11, 30),
                                       "u1")
        uow.commit()
    with db.uow() as uow, pytest.raises(Conflict, match="BANK-1"):
        funds.record_receipt(uow, NOW, TODAY, "donation", 1, "BANK-1", date(2026, 11, 30), "u1")
    [event] = _outbox(db)
    assert event["event_type"] == "fund.received"
    skeleton_fields = {"receipt_id", "source", "amount_fen", "received_on"}  # the rest came with the ledger
    assert {k: v for k, v in event["data"].items() if k in skeleton_fields} == {
        "receipt_id": receipt.id, "source": "union_funds", "amount_fen": 1_234_567, "received_on": "2026-11-30"}
    assert receipt.recorded_at == NOW


def test_a_hardship_household_is_published_masked(memory_store):
    db = memory_store("assistance")
    with db.uow() as uow:
        household = hardship.register_household(uow, NOW, VALID_ID.lower(), "张小三", "dibao", "u1", b"key")
        uow.commit()
    [event] = _outbox(db)
    assert household.id_number == VALID_ID  # normalised (lower-case x accepted)
    assert event["data"]["name_masked"] == "张*三" and event["data"]["person_ref"] == household.person_ref
    assert VALID_ID not in json.dumps(event) and "张小三" not in json.dumps(event, ensure_ascii=False)


def test_a_fund_receipt_becomes_a_public_notice_newest_first(memory_store):
    db = memory_store("notify")
    with db.uow() as uow:
        notices.publish_fund_flow(uow, NOW, "e1", {"source": "donation", "amount_fen": 100_050,
                                                  "received_on": "2026-11-29"})
        notices.publish_fund_flow(uow, NOW.replace(hour=17), "e2", {"source": "union_funds", "amount_fen": 1,
                                                                   "received_on": "2026-11-30"})
        uow.commit()
    with db.worker_db().read() as session:
        board = notices.latest_notices(session, "fund_flow", 10)
        assert [n.source_event_id for n in board] == ["e2", "e1"]
        assert board[1].body == "2026-11-29 收到社会捐助 1,000.50 元，纳入职工安居工程专项管理。"
        assert notices.latest_notices(session, "other", 10) == []


def _request(body, role, **claims):
    return ApiRequest(body=body, query={}, path={}, request_id="r1",
                      principal=Principal(subject="u1", role=role, district="demo", **claims))


def test_the_finance_entrypoint_passes_the_clock_and_the_caller_to_the_use_case(memory_store):
    db = memory_store("finance")
    service = worker_factory(FinanceService, db=db.worker_db(), clock=FixedClock(NOW))
    reply = service.record_receipt(_request({"source": "donation", "amount_fen": 500, "reference": "V-9",
                                             "received_on": date(2026, 12, 1)}, "finance_officer"))
    with db.worker_db().read() as session:
        row = session.scalars(select(finance_models.FundReceipt)).one()
        assert session.scalar(select(func.count()).select_from(db.store.tables.outbox)) == 1
    assert {k: reply[k] for k in ("receipt_id", "amount_fen")} == {"receipt_id": row.id, "amount_fen": 500}
    assert (row.recorded_at, row.recorded_by, row.received_on) == (NOW, Principal("u1", "finance_officer",
                                                                                  "demo").ref, "2026-12-01")


def test_the_assistance_entrypoint_reads_the_person_ref_key_from_config(memory_store):
    db = memory_store("assistance")
    service = worker_factory(AssistanceService, db=db.worker_db(), clock=FixedClock(NOW),
                             config={"PERSON_REF_KEY": "k1"})
    first = service.register_hardship(_request({"id_number": VALID_ID, "name": "李四", "category": "sanwu"},
                                               "district_officer"))
    service.config = {"PERSON_REF_KEY": "k2"}
    second = service.register_hardship(_request({"id_number": VALID_ID, "name": "李四", "category": "sanwu"},
                                                "district_officer"))
    assert first["person_ref"] != second["person_ref"]  # keyed by the district's secret


def test_the_notify_handler_writes_the_notice_at_the_clock_time(memory_store):
    from services.common.events.contracts import build_envelope, parse_received
    from services.finance import schemas as finance_schemas  # noqa: F401 - registers fund.received
    from services.notify import schemas as notify_schemas

    db = memory_store("notify")
    service = worker_factory(NotifyService, db=db.worker_db(), clock=FixedClock(NOW))
    envelope = build_envelope("fund.received", {"receipt_id": "r", "source": "donation", "amount_fen": 7,
                                                "received_on": "2026-11-30"}, district="demo", producer="finance")
    service.on_fund_received(parse_received(envelope, notify_schemas.FundReceivedIn))
    reply = service.list_notices(ApiRequest(body=None, query={"kind": None, "limit": 5}, path={}, principal=None,
                                            request_id="r2"))
    assert [(n["published_at"], n["title"]) for n in reply["notices"]] == [(NOW.isoformat(), "资金到账公示：社会捐助")]
