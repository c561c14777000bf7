"""Request schemas and the contracts of the events assistance publishes."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from services.common import paging
from services.common.events.contracts import contract
from services.common.fields import Bool, Day, Int, PersonName, QueryInt, ResidentIdNumber, Text

from .domain.hardship import CLOSE_REASONS, HardshipCategory
from .domain.relief import ITEMS
from .domain.support import GOALS, OUTCOMES

CATEGORIES = [c.value for c in HardshipCategory]


class HardshipHouseholdIn(Schema):
    id_number = ResidentIdNumber(required=True)
    name = PersonName(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class HardshipQuery(paging.PageQuery):
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "closed", "merged"]))
    person_ref = Text(max_length=40, load_default=None)


class HouseholdOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)
    status = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "masked unless you are a district officer"})
    id_number = fields.String(required=True, metadata={"description": "masked unless you are a district officer"})
    masked = fields.Boolean(required=True)
    registered_at = fields.DateTime(required=True)
    next_review_on = fields.Date(allow_none=True, metadata={"description": "the yearly re-verification's due day"})
    review_officer = fields.String(allow_none=True, metadata={"description": "whose review queue it is in"})
    verified_by = fields.String(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    evidence = fields.List(fields.String(), allow_none=True)
    housing_stage = fields.String(allow_none=True, metadata={"description": "offered, accepted or moved_in"})


class VerificationIn(Schema):
    evidence = fields.List(Text(min_length=1, max_length=200), required=True,
                           validate=validate.Length(min=1, max=20),
                           metadata={"description": "what was checked (户口簿, 低保证, 病历, 收入证明...)"})
    next_review_on = Day(load_default=None, metadata={"description": "default: a year from today; after today, "
                                                                     "within two years"})


class ReviewQueueQuery(Schema):
    officer = Text(max_length=200, load_default=None, metadata={"description": "one officer's queue (their ref)"})
    due_by = Day(load_default=None, metadata={"description": "due on or before (default: today)"})
    limit = QueryInt(1, 500, load_default=100)


class ReviewDueOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    name_masked = fields.String(required=True)
    category = fields.String(required=True)
    next_review_on = fields.Date(required=True)
    review_officer = fields.String(allow_none=True)
    overdue = fields.Boolean(required=True, metadata={"description": "due before today"})


class ReviewQueue(Schema):
    items = fields.List(fields.Nested(ReviewDueOut), required=True)


class NotMovedInReasonIn(Schema):
    reason = Text(min_length=1, max_length=500, multiline=True, required=True)


class NotMovedInOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    name_masked = fields.String(required=True)
    category = fields.String(required=True)
    housing_stage = fields.String(required=True, metadata={"description": "offered or accepted"})
    unit_id = fields.String(allow_none=True)
    since = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "why not moved in, recorded by staff"})
    reason_by = fields.String(allow_none=True)


NotMovedInPage = paging.page_of(NotMovedInOut, name="NotMovedInPage")


HouseholdPage = paging.page_of(HouseholdOut, name="HouseholdPage")


RELIEF_KINDS = ["cash", "in_kind", "rent_reduction"]
CASE_STATUSES = ["requested", "approved", "rejected", "delivered", "cancelled"]
MONTH = r"[0-9]{4}-(0[1-9]|1[0-2])\Z"
MAX_FEN = 10**10  # 100 million yuan: far beyond any relief


class CloseHouseholdIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(CLOSE_REASONS))
    note = Text(max_length=500, load_default="")


class ClosedOut(Schema):
    household_id = fields.String(required=True)
    status = fields.String(required=True)
    closed_reason = fields.String(required=True)
    closed_at = fields.DateTime(required=True)


class ItemIn(Schema):
    item = fields.String(required=True, validate=validate.OneOf(ITEMS))
    quantity = Int(1, 1000, required=True)


class ReliefCaseIn(Schema):
    household_id = Text(min_length=1, max_length=36, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RELIEF_KINDS))
    reason = Text(min_length=1, max_length=500, multiline=True, required=True)
    amount_fen = Int(-MAX_FEN, MAX_FEN, required=True,
                     metadata={"description": "integer fen: cash paid, goods' value (in kind), reduction per month"})
    from_month = fields.String(load_default=None, validate=validate.Regexp(MONTH))
    months = Int(1, 36, load_default=None)
    items = fields.List(fields.Nested(ItemIn), load_default=list, validate=validate.Length(max=20))


class DecisionIn(Schema):
    note = Text(max_length=500, multiline=True, load_default="")


class RejectIn(Schema):
    reason = Text(min_length=1, max_length=500, multiline=True, required=True)


class CorrectionIn(Schema):
    """A returned case corrected by its requester: what changed (at least the reason saying so)."""

    reason = Text(min_length=1, max_length=500, multiline=True, required=True,
                  metadata={"description": "what was corrected, answering the return's reason"})
    amount_fen = Int(-MAX_FEN, MAX_FEN, load_default=None)
    months = Int(1, 36, load_default=None)
    items = fields.List(fields.Nested(ItemIn), load_default=None, validate=validate.Length(max=20))


class ReviewOut(Schema):
    level = fields.Integer(required=True)
    decision = fields.String(required=True, metadata={"description": "pass, return or reject"})
    reviewer = fields.String(required=True)
    reason = fields.String(allow_none=True)
    at = fields.String(required=True, metadata={"description": "RFC 3339"})


class DeliveryIn(Schema):
    recipient_confirmed = Bool(required=True, metadata={"description": "the recipient signed for the goods (签收)"})
    note = Text(max_length=500, multiline=True, load_default="")


class StockReceiptIn(Schema):
    item = fields.String(required=True, validate=validate.OneOf(ITEMS))
    quantity = Int(1, 100_000, required=True)
    note = Text(max_length=500, multiline=True, load_default="")


class StockOut(Schema):
    item = fields.String(required=True)
    quantity = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    available = fields.Integer(required=True)


class StockList(Schema):
    items = fields.List(fields.Nested(StockOut), required=True)


class BudgetIn(Schema):
    total_fen = Int(0, MAX_FEN * 100, required=True)


class BudgetOut(Schema):
    year = fields.Integer(required=True)
    kind = fields.String(required=True)
    total_fen = fields.Integer(required=True)
    used_fen = fields.Integer(required=True)
    remaining_fen = fields.Integer(required=True)


class BudgetList(Schema):
    items = fields.List(fields.Nested(BudgetOut), required=True)


class ItemOut(Schema):
    item = fields.String(required=True)
    quantity = fields.Integer(required=True)


class ReliefCaseOut(Schema):
    relief_id = fields.String(required=True)
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    kind = fields.String(required=True)
    origin = fields.String(required=True)
    reason = fields.String(required=True)
    amount_fen = fields.Integer(required=True)
    total_fen = fields.Integer(required=True)
    from_month = fields.String(allow_none=True)
    months = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(ItemOut), required=True)
    year = fields.Integer(required=True)
    period = fields.String(required=True)
    status = fields.String(required=True)
    approvals_needed = fields.Integer(required=True, metadata={"description": "levels the total needs"})
    level = fields.Integer(required=True, metadata={"description": "the level under review now (while requested)"})
    policy_version = fields.String(required=True, metadata={"description": "the approval policy the levels "
                                                                           "were assessed under"})
    approvers = fields.List(fields.String(), required=True)
    reviews = fields.List(fields.Nested(ReviewOut), required=True)
    requested_by = fields.String(required=True)
    requested_at = fields.DateTime(required=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class ReliefQuery(paging.PageQuery):
    household_id = Text(max_length=36, load_default=None)
    person_ref = Text(max_length=40, load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(RELIEF_KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(CASE_STATUSES))
    origin = fields.String(load_default=None, validate=validate.OneOf(["request", "relocation"]))


ReliefPage = paging.page_of(ReliefCaseOut, name="ReliefPage")


class ReferralOut(Schema):
    referral_id = fields.String(required=True)
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    tenancy_id = fields.String(required=True)
    period = fields.String(required=True)
    days_overdue = fields.Integer(required=True)
    status = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    opened_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)


class ReferralQuery(paging.PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "closed"]))
    household_id = Text(max_length=36, load_default=None)


ReferralPage = paging.page_of(ReferralOut, name="ReferralPage")


# -- the audit trail (审计留痕) ----------------------------------------------------------------------


class AuditQuery(paging.PageQuery):
    entity = fields.String(load_default=None, validate=validate.OneOf(["household", "relief_case"]))
    entity_id = Text(max_length=36, load_default=None)
    actor = Text(max_length=200, load_default=None)


class AuditEntryOut(Schema):
    seq = fields.Integer(required=True, metadata={"description": "the entry's place in the trail (ascending)"})
    entity = fields.String(required=True, metadata={"description": "household or relief_case"})
    entity_id = fields.String(required=True)
    action = fields.String(required=True, metadata={"description": "registered, closed, verified, requested, "
                                                                   "passed_level, approved, returned, corrected, "
                                                                   "rejected, delivered, cancelled, ..."})
    actor = fields.String(required=True, metadata={"description": "<role>:<subject>, or system:<event type>"})
    role = fields.String(required=True)
    at = fields.DateTime(required=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                          metadata={"description": "field → {from, to}, only the fields that changed"})
    reason = fields.String(allow_none=True)


AuditPage = paging.page_of(AuditEntryOut, name="AuditPage")


# -- reports (统计报表), aggregates only -------------------------------------------------------------


class ReliefLineOut(Schema):
    category = fields.String(required=True)
    kind = fields.String(required=True)
    month = fields.String(required=True, metadata={"description": "YYYY-MM of approval (district calendar)"})
    cases = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)


class FollowUpCompletionOut(Schema):
    due = fields.Integer(required=True, metadata={"description": "follow-ups due in the year"})
    done = fields.Integer(required=True)
    done_on_time = fields.Integer(required=True)
    completion_permille = fields.Integer(allow_none=True, metadata={"description": "done per mille of due, "
                                                                                   "rounded down; null if none due"})


class BudgetUseOut(Schema):
    kind = fields.String(required=True)
    total_fen = fields.Integer(required=True)
    used_fen = fields.Integer(required=True)
    remaining_fen = fields.Integer(required=True)


class YearReportOut(Schema):
    year = fields.Integer(required=True)
    relief = fields.List(fields.Nested(ReliefLineOut), required=True,
                         metadata={"description": "approved relief by category, kind and month"})
    cases_approved = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True)
    households_helped = fields.Integer(required=True)
    median_approval_seconds = fields.Integer(allow_none=True, metadata={
        "description": "request to last approval; even counts: the two middle ones' mean, rounded down"})
    follow_ups = fields.Nested(FollowUpCompletionOut, required=True)
    budgets = fields.List(fields.Nested(BudgetUseOut), required=True)


REFERRAL_OUTCOMES = ["rent_reduction", "cash_relief", "visited", "resolved", "no_action"]


class ReferralCloseIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(REFERRAL_OUTCOMES))
    note = Text(max_length=500, multiline=True, load_default="")


# -- long-term support plans (长期帮扶) ---------------------------------------------------------

class SupportPlanIn(Schema):
    household_id = Text(min_length=1, max_length=36, required=True)
    goal = fields.String(required=True, validate=validate.OneOf(GOALS))
    note = Text(max_length=500, multiline=True, load_default="")


class FollowUpIn(Schema):
    due_on = Day(required=True)
    note = Text(max_length=500, multiline=True, load_default="")


class OutcomeIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = Text(max_length=500, multiline=True, load_default="")
    close_plan = Bool(load_default=False)


class FollowUpOut(Schema):
    follow_up_id = fields.String(required=True)
    plan_id = fields.String(required=True)
    household_id = fields.String(required=True)
    due_on = fields.Date(required=True)
    officer = fields.String(required=True)
    note = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    outcome_note = fields.String(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(required=True)


class SupportPlanOut(Schema):
    plan_id = fields.String(required=True)
    household_id = fields.String(required=True)
    goal = fields.String(required=True)
    note = fields.String(required=True)
    status = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    opened_by = fields.String(required=True)
    opened_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    follow_ups = fields.List(fields.Nested(FollowUpOut), required=True)


class SupportPlanQuery(paging.PageQuery):
    household_id = Text(max_length=36, load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "closed"]))


SupportPlanPage = paging.page_of(SupportPlanOut, name="SupportPlanPage")


class OverdueQuery(Schema):
    officer = Text(max_length=200, load_default=None, metadata={"description": "one officer's (their ref)"})
    limit = QueryInt(1, 500, load_default=100)


class FollowUpList(Schema):
    items = fields.List(fields.Nested(FollowUpOut), required=True)


class PlanCount(Schema):
    goal = fields.String(required=True)
    status = fields.String(required=True)
    count = fields.Integer(required=True)


class SupportStatistics(Schema):
    plans = fields.List(fields.Nested(PlanCount), required=True)
    follow_ups_done = fields.Integer(required=True)
    follow_ups_pending = fields.Integer(required=True)


# -- inbound events -------------------------------------------------------------------------

class TenancyStartedIn(Schema):
    """What assistance reads of allocation's tenancy.started (other fields are ignored)."""

    class Meta:
        unknown = EXCLUDE

    tenancy_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    unit_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    start = fields.Date(load_default=None)


class OfferEventIn(Schema):
    """What assistance reads of allocation's allocation.offered and allocation.accepted."""

    class Meta:
        unknown = EXCLUDE

    offer_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RentOverdueIn(Schema):
    """What assistance reads of finance's rent.overdue; person_ref when finance sends it,
    otherwise the tenancy is matched to a relocation case that knows it."""

    class Meta:
        unknown = EXCLUDE

    tenancy_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))
    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100_000))
    person_ref = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


class RegisteredOut(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)


@contract("hardship.registered", producer="assistance",
          description="A hardship household was registered (困难职工家庭建档).")
class HardshipRegistered(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    name_masked = fields.String(required=True)



@contract("relief.approved", producer="assistance",
          description="A relief case was approved (救助审批通过): cash (finance pays it from the relief fund), "
                      "in kind (assistance delivers the goods) or a rent reduction (finance applies it to the "
                      "tenancy's rent for the granted months). The household is known by person_ref only.")
class ReliefApproved(Schema):
    relief_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RELIEF_KINDS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES),
                             metadata={"description": "the household's hardship category"})
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**14),
                                metadata={"description": "integer fen: the cash paid (cash), the goods' value "
                                                         "(in kind, may be 0), the reduction per month (rent)"})
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "the budget year the relief is charged to"})
    from_month = fields.String(validate=validate.Regexp(r"[0-9]{4}-(0[1-9]|1[0-2])\Z"),
                               metadata={"description": "rent reduction: the first month (YYYY-MM)"})
    months = fields.Integer(strict=True, validate=validate.Range(min=1, max=36),
                            metadata={"description": "rent reduction: how many months"})
    approved_at = fields.AwareDateTime(required=True, format="iso")


@contract("relief.rejected", producer="assistance",
          description="A relief case was rejected (救助审批不通过); the reason stays in assistance.")
class ReliefRejected(Schema):
    relief_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(RELIEF_KINDS))
    rejected_at = fields.AwareDateTime(required=True, format="iso")


@contract("relief.delivered", producer="assistance",
          description="The goods of an approved in-kind relief were handed over (实物发放).")
class ReliefDelivered(Schema):
    relief_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True)
    items = fields.List(fields.Nested(ItemOut), required=True)
    delivered_at = fields.AwareDateTime(required=True, format="iso")


@contract("hardship.closed", producer="assistance",
          description="A hardship household was closed (销档): applications drops its hardship points.")
class HardshipClosed(Schema):
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    reason = fields.String(required=True, validate=validate.OneOf(CLOSE_REASONS))
    closed_at = fields.AwareDateTime(required=True, format="iso")
