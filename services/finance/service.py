"""The finance nameko service (skeleton: fund receipts; the ledger comes with its issue)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from services.common.db import Database
from services.common.errors import Conflict
from services.common.events.contracts import utc_now
from services.common.http import api
from services.common.service import PlatformService

from . import models, schemas

FINANCE = ("finance_officer",)


class FinanceService(PlatformService):
    name = "finance"
    db = Database(models.metadata)

    @api("POST", "/fund-receipts", body=schemas.FundReceiptIn, roles=FINANCE, status=201,
         summary="Record money received from a fund source (资金到账)")
    def record_receipt(self, req):
        body = req.body
        receipt = models.FundReceipt(
            id=str(uuid.uuid4()), source=body["source"], amount_fen=body["amount_fen"],
            reference=body["reference"], received_on=body["received_on"].isoformat(),
            recorded_by=req.principal.ref, recorded_at=utc_now())
        with self.db.unit_of_work() as uow:
            if uow.session.scalar(select(models.FundReceipt.id).where(
                    models.FundReceipt.reference == receipt.reference)):
                raise Conflict(f"a receipt with reference {receipt.reference!r} is already recorded")
            uow.session.add(receipt)
            uow.publish("fund.received", {
                "receipt_id": receipt.id, "source": receipt.source,
                "amount_fen": receipt.amount_fen, "received_on": receipt.received_on})
            uow.commit()
        return {"receipt_id": receipt.id, "amount_fen": receipt.amount_fen}
