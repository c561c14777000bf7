"""The pool under events of one application arriving out of order (issue 18): a withdrawal or
revocation that overtook its approval is kept, and the late approval never makes a departed
application active."""

from __future__ import annotations

from datetime import date, timedelta

from allocation_usecase_helpers import NOW, ON, approved

from services.allocation import models, pool


def _entry(store, app_id):
    with store.worker_db().read() as s:
        row = s.get(models.PoolEntry, app_id)
        return None if row is None else (row.status, row.points_tenths)


def _apply(store, *steps):
    for step in steps:
        with store.uow() as uow:
            step(uow)
            uow.commit()


def test_a_withdrawal_overtaking_its_approval_leaves_the_application_withdrawn(store):
    _apply(store, lambda uow: pool.withdraw(uow, NOW, ON, "A9"))
    assert _entry(store, "A9") is None  # nothing in the pool yet, but the departure is kept
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A9", 123, 2)))
    assert _entry(store, "A9") == ("withdrawn", 123)


def test_a_revocation_overtaking_its_approval_leaves_the_application_revoked(store):
    _apply(store, lambda uow: pool.revoke(uow, NOW, ON, "A9", 90),
           lambda uow: pool.add_approved(uow, NOW, approved("A9", 50, 1)))
    assert _entry(store, "A9") == ("revoked", 50)


def test_an_approval_in_order_is_active_and_a_second_approval_does_not_revive_a_departure(store):
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A9", 10, 1)))
    assert _entry(store, "A9") == ("active", 10)
    _apply(store, lambda uow: pool.withdraw(uow, NOW, ON, "A9"),
           lambda uow: pool.add_approved(uow, NOW, approved("A9", 20, 1)))
    assert _entry(store, "A9") == ("withdrawn", 20)


def test_revocation_outranks_withdrawal_in_either_order(store):
    _apply(store, lambda uow: pool.revoke(uow, NOW, ON, "A1", 90), lambda uow: pool.withdraw(uow, NOW, ON, "A1"),
           lambda uow: pool.withdraw(uow, NOW, ON, "A2"), lambda uow: pool.revoke(uow, NOW, ON, "A2", 90))
    with store.worker_db().read() as s:
        assert {d.application_id: (d.status, d.departed_on) for d in s.query(models.PoolDeparture)} == {
            "A1": ("revoked", ON), "A2": ("revoked", ON)}
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A1", 1, 1)),
           lambda uow: pool.add_approved(uow, NOW, approved("A2", 1, 1)))
    assert _entry(store, "A1") == _entry(store, "A2") == ("revoked", 1)


def test_a_housed_entry_stays_housed_when_an_approval_is_delivered_again(store):
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A9", 10, 1)))
    with store.uow() as uow:
        uow.session.get(models.PoolEntry, "A9").status = "housed"
        uow.commit()
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A9", 10, 1)),
           lambda uow: pool.withdraw(uow, NOW, date(2027, 1, 1), "A9"))
    assert _entry(store, "A9") == ("housed", 10)


def _change(app_id, tenths, groups=()):
    return {"application_id": app_id, "points_tenths": tenths, "priority_groups": list(groups)}


def _points(store, app_id):
    with store.worker_db().read() as s:
        row = s.get(models.PoolEntry, app_id)
        return row.points_tenths, row.priority_groups, row.points_policy_version


def test_a_points_change_overtaking_its_approval_is_applied_when_the_approval_arrives(store):
    later = NOW + timedelta(hours=1)
    _apply(store, lambda uow: pool.change_points(uow, later, later, 2, [_change("A9", 456, ["hardship"])]))
    assert _entry(store, "A9") is None
    with store.worker_db().read() as s:
        assert s.get(models.PoolEarlyPoints, "A9").points_tenths == 456  # kept, not ignored
    _apply(store, lambda uow: pool.add_approved(uow, later, approved("A9", 123, 2)))
    assert _points(store, "A9") == (456, '["hardship"]', 2)
    assert _entry(store, "A9") == ("active", 456)
    with store.worker_db().read() as s:
        assert s.get(models.PoolEarlyPoints, "A9") is None  # the entry holds it now


def test_an_older_points_change_arriving_after_a_newer_one_changes_nothing(store):
    one, two = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    _apply(store, lambda uow: pool.add_approved(uow, NOW, approved("A9", 100, 2)),
           lambda uow: pool.change_points(uow, two, two, 3, [_change("A9", 300)]),
           lambda uow: pool.change_points(uow, two, one, 2, [_change("A9", 200, ["hardship"])]))
    assert _points(store, "A9") == (300, "[]", 3)
    # and a change older than the approval (cannot be published, but a stale copy) does not win either
    _apply(store, lambda uow: pool.change_points(uow, two, NOW - timedelta(days=1), 9, [_change("A9", 999)]))
    assert _points(store, "A9") == (300, "[]", 3)


def test_early_changes_of_an_unapproved_application_keep_the_newest(store):
    one, two = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    _apply(store, lambda uow: pool.change_points(uow, two, two, 3, [_change("A9", 300)]),
           lambda uow: pool.change_points(uow, two, one, 2, [_change("A9", 200)]),
           lambda uow: pool.add_approved(uow, two, approved("A9", 100, 2)))
    assert _points(store, "A9") == (300, "[]", 3)


def test_a_change_stated_at_the_approvals_instant_is_the_later_statement(store):
    _apply(store, lambda uow: pool.change_points(uow, NOW, NOW, 1, [_change("A9", 50)]),
           lambda uow: pool.add_approved(uow, NOW, approved("A9", 900, 2)))
    assert _points(store, "A9")[0] == 50
