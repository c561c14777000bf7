"""In-kind stock (物资): goods received (donations, purchases) and handed over. An in-kind case
reserves its items at its last approval (refused, with what is available, when they are not
there) and its delivery takes them out; on hand never goes below zero and never below what is
reserved — guarded in each UPDATE and by the table's CHECK constraints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from . import models
from .domain import relief as rules

S = models.StockItem


def receive(uow, now: datetime, item: str, quantity: int, note: str, by: str) -> models.StockItem:
    row = uow.session.get(S, item, with_for_update=True)
    if row is None:
        row = S(item=item, quantity=0, reserved=0)
        uow.session.add(row)
    row.quantity += quantity
    uow.session.add(models.StockMovement(item=item, delta=quantity, note=note, by=by, at=now))
    uow.session.flush()
    return row


def reserve(session, items: list[dict]) -> None:
    """Hold the case's items (all or none: a refusal raises, and the unit of work rolls back)."""
    for item, wanted in rules.items_needed(items).items():
        done = session.execute(update(S).where(S.item == item, S.quantity - S.reserved >= wanted)
                               .values(reserved=S.reserved + wanted)).rowcount
        if done != 1:
            row = session.get(S, item)
            rules.check_stock(item, 0 if row is None else row.quantity - row.reserved, wanted)
            raise rules.OutOfStock(f"{item}: not enough in stock for {wanted}", "items")


def release(session, items: list[dict]) -> None:
    """Give back a cancelled case's reservation."""
    for item, quantity in rules.items_needed(items).items():
        session.execute(update(S).where(S.item == item, S.reserved >= quantity)
                        .values(reserved=S.reserved - quantity))


def hand_over(session, now: datetime, relief_id: str, items: list[dict], by: str) -> None:
    """Take a delivered case's reserved items out of stock."""
    for item, quantity in rules.items_needed(items).items():
        done = session.execute(update(S).where(S.item == item, S.reserved >= quantity, S.quantity >= quantity)
                               .values(quantity=S.quantity - quantity, reserved=S.reserved - quantity)).rowcount
        if done != 1:
            raise rules.OutOfStock(f"{item}: {quantity} are not reserved for case {relief_id}", "items")
        session.add(models.StockMovement(item=item, delta=-quantity, relief_id=relief_id, note="delivered",
                                         by=by, at=now))


def levels(session) -> list[models.StockItem]:
    return session.scalars(select(S).order_by(S.item)).all()
