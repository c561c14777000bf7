"""Relief cases, their approval by amount and the yearly budgets over HTTP."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import relief, roles, schemas, settings, stock, views


class ReliefEntrypoints:
    @api("POST", "/relief-cases", body=schemas.ReliefCaseIn, roles=roles.REQUEST_RELIEF, status=201,
         response=schemas.ReliefCaseOut,
         summary="Request relief (救助申请) for an active hardship household: cash, goods or a rent reduction; "
                 "one per household, kind and period")
    def request_relief(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            case = relief.request_relief(uow, self.clock.now(), self.clock.today(), b["household_id"], b["kind"],
                                         b["reason"], b["amount_fen"], req.principal.ref,
                                         settings.approval_policy(self.config), from_month=b["from_month"],
                                         months=b["months"], items=b["items"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/approvals", body=schemas.DecisionIn, roles=roles.DECIDE_RELIEF,
         response=schemas.ReliefCaseOut,
         summary="Approve a relief case (one level); the last approval its amount needs charges the budget "
                 "and publishes relief.approved")
    def approve_relief(self, req):
        with self.db.unit_of_work() as uow:
            case = relief.approve(uow, self.clock.now(), req.path["relief_id"], req.principal.ref, req.body["note"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/return", body=schemas.RejectIn, roles=roles.DECIDE_RELIEF,
         response=schemas.ReliefCaseOut,
         summary="Return a relief case for correction (退回补正) at its current level, with a reason; corrected, "
                 "it is reviewed again from level 1")
    def return_relief(self, req):
        with self.db.unit_of_work() as uow:
            case = relief.return_for_correction(uow, self.clock.now(), req.path["relief_id"], req.principal.ref,
                                                req.body["reason"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/correction", body=schemas.CorrectionIn, roles=roles.REQUEST_RELIEF,
         response=schemas.ReliefCaseOut,
         summary="Correct a returned relief case (its requester): amount, goods or months; back to level 1 "
                 "under the approval policy in force")
    def correct_relief(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            case = relief.correct(uow, self.clock.now(), req.path["relief_id"], req.principal.ref,
                                  settings.approval_policy(self.config), b["reason"], amount_fen=b["amount_fen"],
                                  items=b["items"], months=b["months"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/rejection", body=schemas.RejectIn, roles=roles.DECIDE_RELIEF,
         response=schemas.ReliefCaseOut, summary="Reject a requested relief case with a reason (relief.rejected)")
    def reject_relief(self, req):
        with self.db.unit_of_work() as uow:
            case = relief.reject(uow, self.clock.now(), req.path["relief_id"], req.principal.ref, req.body["reason"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/delivery", body=schemas.DeliveryIn, roles=roles.DECIDE_RELIEF,
         response=schemas.ReliefCaseOut,
         summary="Record the handover of an approved in-kind relief, confirmed by the recipient: its reserved "
                 "items leave the stock (relief.delivered); once")
    def deliver_relief(self, req):
        with self.db.unit_of_work() as uow:
            case = relief.deliver(uow, self.clock.now(), req.path["relief_id"], req.principal.ref,
                                  req.body["recipient_confirmed"], req.body["note"])
            uow.commit()
            return views.case_view(case)

    @api("POST", "/relief-cases/<relief_id>/cancellation", body=schemas.RejectIn, roles=roles.DECIDE_RELIEF,
         response=schemas.ReliefCaseOut,
         summary="Cancel an approved in-kind case that was not delivered: its goods and value are released")
    def cancel_relief(self, req):
        with self.db.unit_of_work() as uow:
            case = relief.cancel(uow, self.clock.now(), req.path["relief_id"], req.principal.ref, req.body["reason"])
            uow.commit()
            return views.case_view(case)

    @api("GET", "/relief-cases", query=schemas.ReliefQuery, roles=roles.READ_RELIEF, response=schemas.ReliefPage,
         summary="Relief cases, newest first, by household, person_ref, kind, status or origin")
    def list_relief(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: relief.find_cases(s, **q), views.case_view)

    @api("GET", "/relief-cases/<relief_id>", roles=roles.READ_RELIEF, response=schemas.ReliefCaseOut,
         summary="One relief case")
    def read_relief(self, req):
        with self.db.read() as s:
            return views.case_view(relief.get_case(s, req.path["relief_id"]))

    @api("PUT", "/relief-budgets/<int:year>/<kind>", body=schemas.BudgetIn, roles=roles.SET_BUDGET,
         response=schemas.BudgetOut, summary="Set the district's yearly relief budget of a kind (never below "
                                            "what is used)")
    def set_relief_budget(self, req):
        year, kind = req.path["year"], req.path["kind"]
        with self.db.unit_of_work() as uow:
            budget = relief.set_budget(uow, year, kind, req.body["total_fen"])
            uow.commit()
            return views.budget_view(budget)

    @api("GET", "/relief-budgets/<int:year>", roles=roles.READ_RELIEF, response=schemas.BudgetList,
         summary="The district's relief budgets of a year: total, used, remaining")
    def list_relief_budgets(self, req):
        with self.db.read() as s:
            return {"items": [views.budget_view(b) for b in relief.budgets(s, req.path["year"])]}

    @api("POST", "/stock/receipts", body=schemas.StockReceiptIn, roles=roles.MANAGE_STOCK, status=201,
         response=schemas.StockOut, summary="Goods received into the in-kind stock (物资入库: donation, purchase)")
    def receive_stock(self, req):
        b = req.body
        with self.db.unit_of_work() as uow:
            row = stock.receive(uow, self.clock.now(), b["item"], b["quantity"], b["note"], req.principal.ref)
            uow.commit()
            return views.stock_view(row)

    @api("GET", "/stock", roles=roles.READ_RELIEF, response=schemas.StockList,
         summary="In-kind stock levels: on hand, reserved for approved cases, available")
    def list_stock(self, req):
        with self.db.read() as s:
            return {"items": [views.stock_view(r) for r in stock.levels(s)]}
