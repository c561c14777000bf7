"""Fund receipts over HTTP."""

from __future__ import annotations

from services.common.http import api

from .. import funds, roles, schemas


class FundsEntrypoints:
    @api("POST", "/fund-receipts", body=schemas.FundReceiptIn, roles=roles.RECORD_RECEIPTS, status=201,
         summary="Record money received from a fund source (资金到账)")
    def record_receipt(self, req):
        body = req.body
        with self.db.unit_of_work() as uow:
            receipt = funds.record_receipt(uow, self.clock.now(), body["source"], body["amount_fen"],
                                           body["reference"], body["received_on"], req.principal.ref)
            uow.commit()
        return {"receipt_id": receipt.id, "amount_fen": receipt.amount_fen}
