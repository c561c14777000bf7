"""Fund receipts (资金到账): money arriving in the programme from a named source."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from services.common.errors import Conflict

from . import models


def record_receipt(uow, now: datetime, source: str, amount_fen: int, reference: str, received_on: date,
                   recorded_by: str) -> models.FundReceipt:
    """Record a receipt once per bank/voucher reference and publish ``fund.received``."""
    if uow.session.scalar(select(models.FundReceipt.id).where(models.FundReceipt.reference == reference)):
        raise Conflict(f"a receipt with reference {reference!r} is already recorded")
    receipt = models.FundReceipt(id=str(uuid.uuid4()), source=source, amount_fen=amount_fen, reference=reference,
                                 received_on=received_on.isoformat(), recorded_by=recorded_by, recorded_at=now)
    uow.session.add(receipt)
    uow.publish("fund.received", {"receipt_id": receipt.id, "source": receipt.source,
                                  "amount_fen": receipt.amount_fen, "received_on": receipt.received_on})
    return receipt
