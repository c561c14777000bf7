"""Relief payments: assistance's relief.approved in, relief budgets, the payments and their queue."""

from __future__ import annotations

from services.common import paging
from services.common.errors import BadRequest
from services.common.events.inbox import inbox_handler
from services.common.http import api

from .. import reliefs, roles, schemas, settings, views


class ReliefsEntrypoints:
    @inbox_handler("assistance", "relief.approved", schema=schemas.ReliefApprovedIn)
    def on_relief_approved(self, event):
        with self.db.unit_of_work() as uow:
            reliefs.receive_approved_relief(uow, self.clock.now(), self.clock.today(), event.event_id, event.data,
                                            settings.relief_source_order(self.config))
            uow.commit()

    @api("PUT", "/relief-budgets/<int:year>", body=schemas.BudgetIn, roles=roles.SET_BUDGETS,
         summary="Set a year's cash relief budget (年度救助预算); pending reliefs it covers are paid")
    def set_relief_budget(self, req):
        year = req.path["year"]
        if not 2000 <= year <= 2100:
            raise BadRequest("year must be 2000 … 2100", errors={"year": ["2000 … 2100"]})
        with self.db.unit_of_work() as uow:
            budget, paid = reliefs.set_relief_budget(uow, self.clock.now(), self.clock.today(), year,
                                                     req.body["amount_fen"], req.principal.ref,
                                                     settings.relief_source_order(self.config))
            uow.commit()
        return {"year": budget.year, "amount_fen": budget.amount_fen, "paid_now": [r.relief_id for r in paid]}

    @api("GET", "/relief-budgets", roles=roles.READ_BOOKS, summary="Relief budgets per year: amount, paid, left")
    def list_relief_budgets(self, req):
        with self.db.read() as s:
            return {"budgets": reliefs.relief_budgets(s)}

    @api("GET", "/relief-payments", query=schemas.ReliefQuery, roles=roles.READ_BOOKS, response=schemas.ReliefPage,
         summary="Cash reliefs: issued vs paid, pending ones with the reason, oldest first")
    def list_relief_payments(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: reliefs.relief_payments(s, **q), views.relief_view, key="reliefs")

    @api("GET", "/relief-payments/<relief_id>", roles=roles.READ_BOOKS, response=schemas.ReliefOut,
         summary="One cash relief")
    def read_relief_payment(self, req):
        relief_id = req.path["relief_id"]
        with self.db.read() as s:
            return views.relief_view(reliefs.relief_payment(s, relief_id))

    @api("POST", "/admin/relief-payments/pay-pending", roles=roles.KEEP_BOOKS,
         summary="Pay the pending reliefs the budgets and the relief fund now allow (oldest first)")
    def pay_pending_reliefs(self, req):
        with self.db.unit_of_work() as uow:
            paid = reliefs.pay_pending(uow, self.clock.now(), self.clock.today(),
                                       settings.relief_source_order(self.config))
            uow.commit()
        return {"paid": [r.relief_id for r in paid]}
