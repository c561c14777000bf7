"""The audit trail on an in-memory database: every change of a household or a case leaves one
entry (who, role, when, the changed fields with from and to, the reason), never a real name or
ID number; the database refuses to change or delete an entry."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from services.assistance import audit, hardship, relief
from services.assistance.domain.relief import ApprovalPolicy

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ON = date(2026, 11, 30)
KEY = b"district-key"
ID = "11010519491231002X"


@pytest.fixture
def db(memory_store):
    return memory_store("assistance")


def trail(db, **kw):
    with db.uow() as uow:
        return [(a.entity, a.action, a.actor, a.role, a.changes, a.reason)
                for a in audit.history(uow.session, **kw)[1]]


def test_a_household_and_its_case_leave_a_field_by_field_history(db):
    with db.uow() as uow:
        h = hardship.register_household(uow, NOW, ID, "李四", "dibao", "district_officer:u1", KEY)
        relief.set_budget(uow, 2026, "cash", 1_000_000)
        uow.commit()
        hid = h.id
    with db.uow() as uow:
        cid = relief.request_relief(uow, NOW, ON, hid, "cash", "大病", 300_000, "district_officer:u1",
                                    ApprovalPolicy((200_000,))).id
        uow.commit()
    for officer in ("district_officer:u2", "district_officer:u3"):
        with db.uow() as uow:
            relief.approve(uow, NOW + timedelta(hours=1), cid, officer, "核实无误")
            uow.commit()
    with db.uow() as uow:
        hardship.close_household(uow, NOW + timedelta(days=1), hid, "recovered", "", "district_officer:u1")
        uow.commit()

    [registered, closed] = trail(db, entity="household", entity_id=hid)
    assert registered[:4] == ("household", "registered", "district_officer:u1", "district_officer")
    assert registered[4] == {"name_masked": {"from": None, "to": "李*"}, "category": {"from": None, "to": "dibao"},
                             "status": {"from": None, "to": "active"},
                             "review_officer": {"from": None, "to": "district_officer:u1"}}
    assert closed[1:] == ("closed", "district_officer:u1", "district_officer",
                          {"status": {"from": "active", "to": "closed"},
                           "closed_reason": {"from": None, "to": "recovered"}}, "recovered")
    requested, passed, approved = trail(db, entity="relief_case", entity_id=cid)
    assert (requested[1], requested[4]["amount_fen"], requested[4]["status"], requested[5]) == (
        "requested", {"from": None, "to": 300_000}, {"from": None, "to": "requested"}, "大病")
    assert passed[1:5] == ("passed_level", "district_officer:u2", "district_officer",
                           {"approvers": {"from": [], "to": ["district_officer:u2"]}})
    assert approved[1] == "approved" and approved[4]["status"] == {"from": "requested", "to": "approved"}
    assert approved[4]["approvers"]["to"] == ["district_officer:u2", "district_officer:u3"]
    assert approved[4]["decided_by"] == {"from": None, "to": "district_officer:u3"}
    assert approved[5] == "核实无误"
    everything = repr(trail(db))
    assert ID not in everything and "李四" not in everything


def test_a_refused_change_leaves_no_entry(db):
    with db.uow() as uow:
        hid = hardship.register_household(uow, NOW, ID, "李四", "dibao", "district_officer:u1", KEY).id
        uow.commit()
    with db.uow() as uow:
        cid = relief.request_relief(uow, NOW, ON, hid, "cash", "大病", 100_000, "district_officer:u1",
                                    ApprovalPolicy()).id
        uow.commit()
    with db.uow() as uow, pytest.raises(Exception, match="budget"):
        relief.approve(uow, NOW, cid, "district_officer:u2")
    assert [a[1] for a in trail(db, entity="relief_case")] == ["requested"]


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET reason = 'changed'", "DELETE FROM audit_entries"])
def test_the_database_refuses_to_change_the_trail(db, statement):
    with db.uow() as uow:
        hardship.register_household(uow, NOW, ID, "李四", "dibao", "district_officer:u1", KEY)
        uow.commit()
    with db.engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text(statement))
    assert len(trail(db)) == 1
