"""Request schemas, reply schemas (for the OpenAPI document), the events finance reads (…In) and
the contracts of the events it publishes (@contract). Every amount is integer fen with bounds."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.common import paging
from services.common.events.contracts import contract, iso_utc
from services.common.fields import Bool, Day, Int, PublicText, QueryInt, Text, no_personal_data

from .domain.funds import PROJECT_ID, DisbursementStatus, FundSource
from .domain.ledger import ACCOUNT_CODE, ENTRY_KINDS, AccountType
from .domain.loans import PARTS, LoanStatus
from .domain.money import MAX_AMOUNT_FEN, MAX_LINES
from .domain.relief import ReliefKind, ReliefStatus
from .domain.rent import MAX_PAYMENT_BATCH, MAX_RENT_FEN
from .domain.schedule import MAX_TERM_MONTHS, Method, PrepaymentOption

MONTH_PATTERN = r"[0-9]{4}-(0[1-9]|1[0-2])\Z"

SOURCES = [s.value for s in FundSource]
AMOUNT = (1, MAX_AMOUNT_FEN)


def Amount(**kwargs):  # noqa: N802 - a field factory
    """A positive amount in fen (分): a JSON integer, 1 … 10^14 (one trillion yuan)."""
    kwargs.setdefault("metadata", {"description": "integer fen (分), 1 … 10^14"})
    return Int(*AMOUNT, **kwargs)


def ProjectId(**kwargs):  # noqa: N802
    return fields.String(validate=validate.Regexp(PROJECT_ID.pattern + r"\Z", error="not a project id "
                                                  "(letters, digits, _ . -; up to 40)"), **kwargs)


def AccountCode(**kwargs):  # noqa: N802
    kwargs.setdefault("metadata", {"description": "account code, e.g. 1001, 1002:donation, 5101:P1"})
    return fields.String(validate=validate.Regexp(ACCOUNT_CODE.pattern + r"\Z", error="not an account code"),
                         **kwargs)


class Instant(fields.AwareDateTime):
    """An instant in an event: RFC 3339 in UTC with "Z", the platform's one timestamp format
    (iso_utc, as the envelope's occurred_at); marshmallow's iso format would write "+00:00"."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_utc(value)


# The one paging shape (services/common/paging.py), with finance's published bounds.
PageQuery = paging.page_query(max_page=1_000_000, max_page_size=500)


# -- ledger ---------------------------------------------------------------------------------------

class LineIn(Schema):
    account = AccountCode(required=True)
    side = fields.String(required=True, validate=validate.OneOf(["debit", "credit"]))
    amount_fen = Amount(required=True)


class JournalEntryIn(Schema):
    """An accountant's balanced entry: debits = credits, 2 … 100 lines."""

    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(min=2, max=MAX_LINES))
    memo = Text(max_length=500, load_default="")
    posted_on = Day(load_default=None, metadata={"description": "default: today (district calendar)"})
    idempotency_id = Text(min_length=1, max_length=200, load_default=None,
                          metadata={"description": "the same id and content again returns the original "
                                                   "entry; the same id with other content is a 409"})


class ReverseIn(Schema):
    reason = Text(min_length=1, max_length=500, required=True)
    posted_on = Day(load_default=None, metadata={"description": "default: today (the open period)"})
    idempotency_id = Text(min_length=1, max_length=200, load_default=None)


class EntryQuery(PageQuery):
    cause_type = Text(min_length=1, max_length=40, load_default=None)
    cause_id = Text(min_length=1, max_length=200, load_default=None)
    event_id = Text(min_length=1, max_length=36, load_default=None)
    request_id = Text(min_length=1, max_length=64, load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(sorted(ENTRY_KINDS)))
    account = AccountCode(load_default=None)
    posted_from = Day(load_default=None)
    posted_to = Day(load_default=None)


class AsOfQuery(Schema):
    as_of = Day(load_default=None, metadata={"description": "accounting date; default: every entry"})


class StatementQuery(PageQuery):
    date_from = Day(data_key="from", load_default=None, metadata={"description": "default: 1 January"})
    date_to = Day(data_key="to", load_default=None, metadata={"description": "default: today"})


class AccountQuery(Schema):
    type = fields.String(load_default=None, validate=validate.OneOf([t.value for t in AccountType]))
    prefix = Text(min_length=1, max_length=80, load_default=None)
    include_closed = fields.Boolean(load_default=True)


class AccountIn(Schema):
    code = AccountCode(required=True)


# -- funds ----------------------------------------------------------------------------------------

class FundReceiptIn(Schema):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = Amount(required=True)
    reference = Text(min_length=1, max_length=100, required=True,
                     metadata={"description": "bank or voucher reference, unique"})
    received_on = Day(required=True, metadata={"description": "not after today (district calendar)"})
    earmark_project_id = ProjectId(load_default=None, allow_none=True,
                                   metadata={"description": "earmark the money for one housing project"})
    for_relief = Bool(load_default=False, metadata={"description": "money for the relief fund (帮扶救助)"})
    posted_on = Day(load_default=None, metadata={
        "description": "accounting date, default received_on; use the open period when received_on's month "
                       "is closed"})
    memo = PublicText(max_length=200, load_default="")

    @validates_schema
    def _one_earmark(self, data, **kwargs):
        if data.get("earmark_project_id") and data.get("for_relief"):
            raise ValidationError("money is earmarked for a project or for relief, not both", "for_relief")


class ReceiptQuery(PageQuery):
    source = fields.String(load_default=None, validate=validate.OneOf(SOURCES))
    earmark = fields.String(load_default=None, validate=validate.OneOf(["general", "project", "relief"]))
    earmark_project_id = ProjectId(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(["recorded", "reversed"]))
    received_from = Day(load_default=None)
    received_to = Day(load_default=None)
    reference = Text(min_length=1, max_length=100, load_default=None)


class ReasonIn(Schema):
    reason = Text(min_length=1, max_length=500, required=True)


class BudgetIn(Schema):
    amount_fen = Int(0, MAX_AMOUNT_FEN, required=True, metadata={"description": "integer fen (分)"})


class DisbursementRequestIn(Schema):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    earmark_project_id = ProjectId(load_default=None, allow_none=True,
                                   metadata={"description": "draw on money earmarked for this project "
                                                            "(default: the source's general fund)"})
    project_id = ProjectId(load_default=None, metadata={"description": "the project paid; default the earmark"})
    amount_fen = Amount(required=True)
    purpose = PublicText(min_length=1, max_length=200, required=True,
                         metadata={"description": "published with fund.disbursed: no personal data"})
    idempotency_id = Text(min_length=1, max_length=200, load_default=None)


class RequestQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in DisbursementStatus]))
    project_id = ProjectId(load_default=None)
    source = fields.String(load_default=None, validate=validate.OneOf(SOURCES))
    requested_by = Text(min_length=1, max_length=200, load_default=None)


class DisbursementQuery(PageQuery):
    project_id = ProjectId(load_default=None)
    source = fields.String(load_default=None, validate=validate.OneOf(SOURCES))
    approved_from = Day(load_default=None)
    approved_to = Day(load_default=None)


# -- relief ---------------------------------------------------------------------------------------

class ReliefQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in ReliefStatus]))
    year = QueryInt(2000, 2100, load_default=None)
    category = Text(min_length=1, max_length=40, load_default=None)


class ReliefApprovedIn(Schema):
    """What finance reads of assistance's relief.approved (other fields are ignored); a rent
    reduction also carries from_month and months."""

    relief_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    household_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    kind = fields.String(required=True)
    category = fields.String(required=True, validate=validate.Regexp(r"[a-z][a-z_]{0,39}\Z"))
    amount_fen = Int(0, MAX_AMOUNT_FEN, required=True)
    year = Int(2000, 2100, required=True)
    approved_at = fields.AwareDateTime(required=True)
    from_month = fields.String(load_default=None, validate=validate.Regexp(MONTH_PATTERN))
    months = Int(1, 36, load_default=None)

    @validates_schema
    def _cash_has_an_amount(self, data, **kwargs):
        if data.get("kind") in (ReliefKind.CASH, ReliefKind.RENT_REDUCTION) and data.get("amount_fen", 0) < 1:
            raise ValidationError(f"{data['kind']} relief needs an amount of at least 1 fen", "amount_fen")


# -- rent -----------------------------------------------------------------------------------------

class TenancyStartedIn(Schema):
    """What finance reads of allocation's tenancy.started."""

    tenancy_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=64))
    unit_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    project_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    rent_fen = Int(0, MAX_RENT_FEN, required=True)

    @validates_schema
    def _ends_after_it_starts(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("the tenancy ends before it starts", "end")


class TenancyEndedIn(Schema):
    tenancy_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    ended_on = fields.Date(required=True)


class RentPaymentIn(Schema):
    amount_fen = Amount(required=True)
    paid_on = Day(load_default=None, metadata={"description": "the day paid; default today"})
    reference = Text(min_length=1, max_length=100, required=True,
                     metadata={"description": "the bank or counter voucher; the same again is the same payment"})


class RentPaymentLineIn(RentPaymentIn):
    tenancy_id = Text(min_length=1, max_length=64, required=True)


class RentPaymentBatchIn(Schema):
    payments = fields.List(fields.Nested(RentPaymentLineIn), required=True,
                           validate=validate.Length(min=1, max=MAX_PAYMENT_BATCH),
                           metadata={"description": f"1 … {MAX_PAYMENT_BATCH} payments, recorded together or "
                                                    "not at all"})


class ArrearsQuery(PageQuery):
    bucket = fields.String(load_default=None, validate=validate.OneOf(["1-30", "31-60", "61-90", "90+"]))


class RentAccountOut(Schema):
    tenancy_id = fields.String()
    person_ref = fields.String()
    unit_id = fields.String()
    project_id = fields.String()
    start = fields.Date()
    end = fields.Date()
    ended_on = fields.Date(allow_none=True)
    rent_fen = fields.Integer()
    status = fields.String(metadata={"enum": ["active", "ended"]})
    invoiced_fen = fields.Integer()
    paid_fen = fields.Integer()
    owed_fen = fields.Integer()
    credit_fen = fields.Integer()


class RentInvoiceOut(Schema):
    invoice_id = fields.String()
    month = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    days = fields.Integer()
    gross_fen = fields.Integer()
    reduction_fen = fields.Integer()
    amount_fen = fields.Integer()
    paid_fen = fields.Integer()
    paid_off_on = fields.Date(allow_none=True)
    due_on = fields.Date()


class RentInvoiceLineOut(RentInvoiceOut):
    """An invoice in the list of every tenancy's invoices: which tenancy it bills."""

    tenancy_id = fields.String()


class RentAccountQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(["active", "ended"]))


class RentInvoiceQuery(PageQuery):
    month = fields.String(load_default=None, validate=validate.Regexp(MONTH_PATTERN, error="not a month (YYYY-MM)"))
    tenancy_id = Text(min_length=1, max_length=64, load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(["unpaid", "paid"]),
                           metadata={"description": "unpaid: not yet paid off; paid: paid off"})
    due_to = Day(load_default=None, metadata={"description": "due on or before this day"})


RentAccountPage = paging.page_of(RentAccountOut, key="accounts")
RentInvoicePage = paging.page_of(RentInvoiceLineOut, key="invoices")


class RentPaymentOut(Schema):
    payment_id = fields.String()
    tenancy_id = fields.String()
    reference = fields.String()
    paid_on = fields.Date()
    amount_fen = fields.Integer()
    status = fields.String(metadata={"enum": ["recorded", "reversed"]})
    entry_id = fields.String()
    reversal_reason = fields.String(allow_none=True)
    replayed = fields.Boolean()


class ArrearsOut(Schema):
    owed_fen = fields.Integer()
    overdue_fen = fields.Integer()
    days_overdue = fields.Integer()
    oldest_month = fields.String(allow_none=True)
    bucket = fields.String()
    buckets = fields.Dict(keys=fields.String(), values=fields.Integer())


class RentStatementOut(Schema):
    account = fields.Nested(RentAccountOut)
    invoices = fields.List(fields.Nested(RentInvoiceOut))
    payments = fields.List(fields.Nested(RentPaymentOut))
    arrears = fields.Nested(ArrearsOut)


class ArrearsLineOut(Schema):
    account = fields.Nested(RentAccountOut)
    arrears = fields.Nested(ArrearsOut)


class RentPaymentBatchOut(Schema):
    recorded = fields.Integer(metadata={"description": "payments new in this batch"})
    replayed = fields.Integer(metadata={"description": "payments already recorded (the same reference)"})
    payments = fields.List(fields.Nested(RentPaymentOut))


class ArrearsPage(Schema):
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "overdue fen per bucket over every account listed"})
    accounts = fields.List(fields.Nested(ArrearsLineOut))


class BillingRunOut(Schema):
    month = fields.String()
    invoices = fields.Integer(metadata={"description": "issued by this run (0 when the month was billed)"})
    overdue_notices = fields.Integer()


# -- the public report ----------------------------------------------------------------------------

class ReportQuery(Schema):
    date_from = Day(data_key="from", load_default=None, metadata={"description": "default: 1 January"})
    date_to = Day(data_key="to", load_default=None, metadata={"description": "default: today"})


# -- replies (documentation of the JSON the endpoints answer) -------------------------------------

class LineOut(Schema):
    line_no = fields.Integer()
    account = fields.String()
    side = fields.String(metadata={"enum": ["debit", "credit"]})
    amount_fen = fields.Integer()


class EntryOut(Schema):
    entry_id = fields.String()
    seq = fields.Integer(metadata={"description": "position in the district's hash chain"})
    posted_on = fields.Date()
    kind = fields.String(metadata={"enum": sorted(ENTRY_KINDS)})
    memo = fields.String()
    idempotency_id = fields.String()
    cause = fields.Dict(metadata={"description": "type, id, event_id, request_id"})
    recorded_by = fields.String()
    recorded_at = fields.String(metadata={"format": "date-time"})
    reverses = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineOut))
    debit_total_fen = fields.Integer()
    prev_hash = fields.String()
    hash = fields.String()
    replayed = fields.Boolean(metadata={"description": "true when an idempotent replay returned the original"})


EntryPage = paging.page_of(EntryOut, key="entries")


class TrialBalanceLineOut(Schema):
    account = fields.String()
    name = fields.String()
    type = fields.String()
    debit_fen = fields.Integer()
    credit_fen = fields.Integer()
    balance_fen = fields.Integer(metadata={"description": "debits − credits"})
    natural_balance_fen = fields.Integer(metadata={"description": "the balance on the account's normal side"})


class TrialBalanceOut(Schema):
    as_of = fields.Date(allow_none=True)
    accounts = fields.List(fields.Nested(TrialBalanceLineOut))
    debit_total_fen = fields.Integer()
    credit_total_fen = fields.Integer()
    balanced = fields.Boolean()


class StatementOut(Schema):
    account = fields.String()
    name = fields.String()
    type = fields.String()
    opening_balance_fen = fields.Integer()
    closing_balance_fen = fields.Integer()
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    lines = fields.List(fields.Dict(), metadata={"description": "entry, date, side, amount and running balance"})


class AccountOut(Schema):
    code = fields.String()
    name = fields.String()
    type = fields.String()
    no_overdraft = fields.Boolean()
    postable = fields.Boolean()
    closed = fields.Boolean()
    parent = fields.String(allow_none=True)
    fund_source = fields.String(allow_none=True, metadata={"description": "the fund a bank sub-account holds"})
    earmark = fields.String(allow_none=True)
    project_id = fields.String(allow_none=True)
    category = fields.String(allow_none=True, metadata={"description": "relief category of a relief account"})
    balance_fen = fields.Integer(metadata={"description": "natural balance (the account's normal side)"})


class AccountPage(Schema):
    accounts = fields.List(fields.Nested(AccountOut))


class VerificationOut(Schema):
    status = fields.String(metadata={"enum": ["OK", "MISMATCH"]})
    ok = fields.Boolean()
    entries_verified = fields.Integer()
    head = fields.Dict(allow_none=True)
    first_mismatch = fields.Dict(allow_none=True)
    balance_mismatches = fields.List(fields.Dict())
    message = fields.String()
    trial_balance = fields.Dict()


class ReceiptOut(Schema):
    receipt_id = fields.String()
    source = fields.String()
    amount_fen = fields.Integer()
    reference = fields.String()
    received_on = fields.Date()
    earmark = fields.String()
    earmark_project_id = fields.String(allow_none=True)
    status = fields.String()
    entry_id = fields.String()
    reversal_entry_id = fields.String(allow_none=True)
    recorded_by = fields.String()
    recorded_at = fields.String(metadata={"format": "date-time"})


class ReceiptCreatedOut(Schema):
    receipt_id = fields.String()
    amount_fen = fields.Integer()
    earmark = fields.String(metadata={"enum": ["general", "project", "relief"]})
    earmark_project_id = fields.String(allow_none=True)
    entry_id = fields.String()


ReceiptPage = paging.page_of(ReceiptOut, key="receipts")


class RequestOut(Schema):
    request_id = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in DisbursementStatus]})
    source = fields.String()
    earmark_project_id = fields.String(allow_none=True)
    project_id = fields.String()
    amount_fen = fields.Integer()
    purpose = fields.String()
    fund_account = fields.String()
    requested_by = fields.String()
    requested_at = fields.String(metadata={"format": "date-time"})
    hold_entry_id = fields.String()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    decision_reason = fields.String(allow_none=True)
    decision_entry_id = fields.String(allow_none=True)


RequestPage = paging.page_of(RequestOut, key="requests", name="RequestPage")


DisbursementPage = paging.page_of(RequestOut, key="disbursements", name="DisbursementPage")


class FundOut(Schema):
    source = fields.String()
    earmark = fields.String()
    project_id = fields.String(allow_none=True)
    account = fields.String()
    available_fen = fields.Integer()
    held_fen = fields.Integer()
    balance_fen = fields.Integer()


class FundList(Schema):
    funds = fields.List(fields.Nested(FundOut))


class BudgetOut(Schema):
    project_id = fields.String()
    budget_fen = fields.Integer(allow_none=True)
    approved_fen = fields.Integer()
    held_fen = fields.Integer()
    set_by = fields.String(allow_none=True)
    set_at = fields.DateTime(allow_none=True)


class ReliefOut(Schema):
    relief_id = fields.String()
    household_id = fields.String()
    person_ref = fields.String()
    category = fields.String()
    year = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in ReliefStatus]})
    amount_issued_fen = fields.Integer()
    amount_paid_fen = fields.Integer()
    pending_reason = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    entry_id = fields.String(allow_none=True)


ReliefPage = paging.page_of(ReliefOut, key="reliefs")


class ReliefBudgetOut(Schema):
    year = fields.Integer()
    amount_fen = fields.Integer()
    paid_fen = fields.Integer()
    left_fen = fields.Integer()


class ReportOut(Schema):
    title = fields.String()
    district = fields.String()
    period = fields.Dict(metadata={"description": "from, to (ISO dates)"})
    currency = fields.String()
    sources = fields.List(fields.Dict(), metadata={
        "description": "per source: opening/received/disbursed/adjustments/closing (fen and exact yuan text), "
                       "its funds (general, project, relief) and uses (per project; relief per category)"})
    totals = fields.Dict()
    relief = fields.Dict(metadata={"description": "relief paid and pending, totals by category only"})
    ledger_head = fields.Dict(metadata={"description": "seq and hash of the newest journal entry: keep it "
                                                       "to check a later export against"})


# -- contracts of the events finance publishes -----------------------------------------------------

@contract("fund.received", producer="finance",
          description="Money arrived in the programme from a named source (资金到账), into a fund: the "
                      "source's general fund, a project's earmarked money, or the relief fund.")
class FundReceived(Schema):
    receipt_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = fields.Integer(required=True, strict=True)
    received_on = fields.Date(required=True)
    earmark = fields.String(validate=validate.OneOf(["general", "project", "relief"]),
                            metadata={"description": "added in 1.1 (optional)"})
    earmark_project_id = fields.String(metadata={"description": "added in 1.1 (optional)"})
    entry_id = fields.String(metadata={"description": "the journal entry (added in 1.1, optional)"})
    posted_on = fields.Date(metadata={"description": "the accounting date (added in 1.1, optional)"})


@contract("fund.receipt_reversed", producer="finance",
          description="A receipt recorded by mistake was reversed (冲销) by a journal entry with a reason.")
class FundReceiptReversed(Schema):
    receipt_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = fields.Integer(required=True, strict=True)
    earmark = fields.String(required=True, validate=validate.OneOf(["general", "project", "relief"]))
    entry_id = fields.String(required=True)
    reversed_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=no_personal_data)


@contract("fund.disbursed", producer="finance",
          description="An approved disbursement paid money from a fund to a housing project (资金拨付): "
                      "requested by one finance officer, approved by another.")
class FundDisbursed(Schema):
    disbursement_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    earmark_project_id = fields.String(metadata={"description": "present when earmarked money was used"})
    project_id = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    purpose = fields.String(required=True, validate=no_personal_data)
    approved_on = fields.Date(required=True)
    entry_id = fields.String(required=True)


class ReliefSource(Schema):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = fields.Integer(required=True, strict=True)


@contract("relief.paid", producer="finance",
          description="Cash relief approved by assistance was paid from the relief fund (救助金发放); "
                      "amount issued and amount paid. The household is known by person_ref only.")
class ReliefPaid(Schema):
    relief_id = fields.String(required=True)
    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)
    year = fields.Integer(required=True, strict=True)
    amount_issued_fen = fields.Integer(required=True, strict=True)
    amount_paid_fen = fields.Integer(required=True, strict=True)
    paid_at = Instant(required=True)
    paid_on = fields.Date(required=True)
    entry_id = fields.String(required=True)
    sources = fields.List(fields.Nested(ReliefSource), required=True,
                          metadata={"description": "the relief funds drawn on, per source"})


@contract("rent.invoiced", producer="finance",
          description="A month's rent of a tenancy was billed (租金账单): the first and last months prorated "
                      "by days, less any rent reduction granted by assistance. One per tenancy and month.")
class RentInvoiced(Schema):
    invoice_id = fields.String(required=True)
    tenancy_id = fields.String(required=True)
    person_ref = fields.String(required=True,
                               metadata={"description": "the tenant (keyed hash): notify sends the bill"})
    month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    amount_fen = fields.Integer(required=True, strict=True,
                                metadata={"description": "billed, integer fen: the prorated rent less reductions"})
    reduction_fen = fields.Integer(required=True, strict=True)
    due_on = fields.Date(required=True)
    entry_id = fields.String(required=True, allow_none=True,
                             metadata={"description": "the journal entry; null when nothing is billed (0 fen)"})


@contract("rent.paid", producer="finance",
          description="Rent was received for a tenancy (租金缴纳) and applied to its invoices oldest first; "
                      "what is paid beyond them is kept as credit.")
class RentPaid(Schema):
    payment_id = fields.String(required=True)
    tenancy_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    paid_on = fields.Date(required=True)
    entry_id = fields.String(required=True)
    owed_fen = fields.Integer(required=True, strict=True, metadata={"description": "still owed after it"})
    credit_fen = fields.Integer(required=True, strict=True, metadata={"description": "credit kept after it"})
    recorded_at = Instant(required=True)


@contract("rent.overdue", producer="finance",
          description="A tenancy's oldest unpaid rent crossed an overdue threshold (1, 31, 61 or 91 days past "
                      "its due date); sent once per tenancy, arrears and threshold.")
class RentOverdue(Schema):
    tenancy_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "YYYY-MM of the oldest unpaid invoice"})
    days_overdue = fields.Integer(required=True, strict=True)
    threshold_days = fields.Integer(required=True, strict=True, validate=validate.OneOf([1, 31, 61, 91]))
    bucket = fields.String(required=True, validate=validate.OneOf(["1-30", "31-60", "61-90", "90+"]))
    overdue_fen = fields.Integer(required=True, strict=True)
    owed_fen = fields.Integer(required=True, strict=True)


# -- loans ------------------------------------------------------------------------------------------

def Rate(**kwargs):  # noqa: N802
    """An exact decimal rate as text (never a float): "0.0325"."""
    kwargs.setdefault("metadata", {"description": "exact decimal text, e.g. 0.0325 for 3.25 %"})
    return fields.String(validate=validate.Regexp(r"(0|1)(\.[0-9]{1,8})?\Z", error="a decimal such as 0.0325"),
                         **kwargs)


class LoanProductIn(Schema):
    name = Text(min_length=1, max_length=200, required=True)
    annual_rate = Rate(required=True)
    subsidy_share = Rate(required=True, metadata={"description": "the union's share of the interest (贴息), 0 … 1"})
    max_amount_fen = Amount(required=True)
    terms = fields.List(Int(1, MAX_TERM_MONTHS), required=True, validate=validate.Length(min=1, max=40))
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in Method]))
    penalty_rate = Rate(required=True)
    grace_days = Int(0, 90, required=True)
    allocation_order = fields.List(fields.String(validate=validate.OneOf(PARTS)), load_default=list(PARTS),
                                   validate=validate.Length(equal=3))


class LoanProductOut(Schema):
    code = fields.String()
    name = fields.String()
    annual_rate = fields.String()
    subsidy_share = fields.String()
    max_amount_fen = fields.Integer()
    terms = fields.List(fields.Integer())
    method = fields.String()
    penalty_rate = fields.String()
    grace_days = fields.Integer()
    allocation_order = fields.List(fields.String())


class LoanProductList(Schema):
    products = fields.List(fields.Nested(LoanProductOut))


class LoanApplicationIn(Schema):
    product_code = fields.String(required=True, validate=validate.Regexp(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z"))
    person_ref = fields.String(required=True, validate=[validate.Length(min=1, max=64), no_personal_data])
    amount_fen = Amount(required=True)
    term_months = Int(1, MAX_TERM_MONTHS, required=True)


class LoanDecisionIn(Schema):
    approve = Bool(required=True)
    reason = Text(max_length=500, load_default=None)


class LoanPaymentIn(Schema):
    amount_fen = Amount(required=True)
    paid_on = Day(load_default=None, metadata={"description": "default today"})
    reference = Text(min_length=1, max_length=100, required=True)


class PrepaymentIn(LoanPaymentIn):
    option = fields.String(required=True, validate=validate.OneOf([o.value for o in PrepaymentOption]))


class QuoteQuery(Schema):
    on = Day(load_default=None, metadata={"description": "default today"})


class InstalmentOut(Schema):
    number = fields.Integer()
    due_on = fields.Date()
    principal_fen = fields.Integer()
    interest_fen = fields.Integer()
    subsidy_fen = fields.Integer()
    borrower_interest_fen = fields.Integer()
    borrower_due_fen = fields.Integer()
    remaining_fen = fields.Integer()
    penalty_fen = fields.Integer(allow_none=True)
    paid_fen = fields.Integer(allow_none=True)


class LoanOut(Schema):
    loan_id = fields.String()
    product_code = fields.String()
    person_ref = fields.String()
    amount_fen = fields.Integer()
    term_months = fields.Integer()
    method = fields.String()
    annual_rate = fields.String()
    subsidy_share = fields.String()
    status = fields.String()
    applied_by = fields.String()
    decided_by = fields.String(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    settled_on = fields.Date(allow_none=True)
    principal_left_fen = fields.Integer(allow_none=True)
    arrears_fen = fields.Integer(allow_none=True)
    credit_fen = fields.Integer(allow_none=True)
    days_overdue = fields.Integer(allow_none=True)
    bucket = fields.String(allow_none=True)
    schedule = fields.List(fields.Nested(InstalmentOut))


class LoanQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in LoanStatus]))
    person_ref = Text(min_length=1, max_length=64, load_default=None)


LoanPage = paging.page_of(LoanOut, key="loans")


class LoanTxOut(Schema):
    transaction_id = fields.String()
    loan_id = fields.String()
    kind = fields.String()
    amount_fen = fields.Integer()
    paid_on = fields.Date()
    entry_id = fields.String()
    replayed = fields.Boolean()
    principal_left_fen = fields.Integer()
    arrears_fen = fields.Integer()
    credit_fen = fields.Integer()
    status = fields.String()


class QuoteOut(Schema):
    loan_id = fields.String()
    on = fields.Date()
    total_fen = fields.Integer()
    principal_fen = fields.Integer()
    interest_fen = fields.Integer()
    subsidy_fen = fields.Integer()
    borrower_interest_fen = fields.Integer()
    arrears_fen = fields.Integer()
    credit_fen = fields.Integer()


class LoanCheckOut(Schema):
    overdue_notices = fields.Integer()


class DelinquencyOut(Schema):
    buckets = fields.Dict(keys=fields.String(), values=fields.Dict(),
                          metadata={"description": "per bucket: loans, arrears_fen, principal_left_fen"})


@contract("loan.approved", producer="finance",
          description="A union housing loan (工会安居贷) was approved by a finance officer other than the one "
                      "who took the application. The borrower is known by person_ref only.")
class LoanApproved(Schema):
    loan_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    product_code = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    term_months = fields.Integer(required=True, strict=True)
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in Method]))
    annual_rate = fields.String(required=True, metadata={"description": "exact decimal text"})
    subsidy_share = fields.String(required=True, metadata={"description": "the union's share of the interest"})
    approved_at = Instant(required=True)


@contract("loan.disbursed", producer="finance",
          description="An approved loan was paid out of the union's fund; its schedule runs from that day.")
class LoanDisbursed(Schema):
    loan_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    disbursed_on = fields.Date(required=True)
    term_months = fields.Integer(required=True, strict=True)
    entry_id = fields.String(required=True)
    first_due_fen = fields.Integer(required=True, strict=True, metadata={"description": "the borrower's part"})
    total_interest_fen = fields.Integer(required=True, strict=True)
    total_subsidy_fen = fields.Integer(required=True, strict=True)


@contract("loan.instalment_paid", producer="finance",
          description="A borrower paid: a repayment, a partial prepayment or the settlement, applied by the "
                      "product's order (default penalty → interest → principal).")
class LoanInstalmentPaid(Schema):
    loan_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    transaction_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["repayment", "prepayment", "settlement"]))
    amount_fen = fields.Integer(required=True, strict=True)
    paid_on = fields.Date(required=True)
    entry_id = fields.String(required=True)
    principal_left_fen = fields.Integer(required=True, strict=True)
    arrears_fen = fields.Integer(required=True, strict=True)
    credit_fen = fields.Integer(required=True, strict=True)


@contract("loan.overdue", producer="finance",
          description="A loan's oldest late instalment crossed an overdue threshold (1, 31, 61 or 91 days); "
                      "once per loan, instalment and threshold. Penalty interest runs after the grace days.")
class LoanOverdue(Schema):
    loan_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    instalment = fields.Integer(required=True, strict=True)
    days_overdue = fields.Integer(required=True, strict=True)
    threshold_days = fields.Integer(required=True, strict=True, validate=validate.OneOf([1, 31, 61, 91]))
    bucket = fields.String(required=True, validate=validate.OneOf(["1-30", "31-60", "61-90", "90+"]))
    arrears_fen = fields.Integer(required=True, strict=True)


@contract("loan.settled", producer="finance", description="A loan was settled in full (结清).")
class LoanSettled(Schema):
    loan_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    settled_on = fields.Date(required=True)
    amount_fen = fields.Integer(required=True, strict=True)
    transaction_id = fields.String(required=True)
