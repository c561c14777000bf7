"""Request schemas and the contracts of the events allocation publishes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.common.events.contracts import contract

from .domain.stock import CATEGORIES

PROGRAMMES = sorted(CATEGORIES)
SUPPLY_MODES = ["stock_conversion", "government_enterprise", "new_build"]  # 存量盘活/政企合作/新建


class ProjectIn(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    supply_mode = fields.String(required=True, validate=validate.OneOf(SUPPLY_MODES))
    address = fields.String(required=True, validate=validate.Length(min=1, max=300))


class UnitIn(Schema):
    building = fields.String(required=True, validate=validate.Length(min=1, max=40))
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    floor = fields.Integer(required=True, strict=True, validate=validate.Range(min=-5, max=200))
    rooms = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=20))
    area_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                 metadata={"description": "area in tenths of m² (65.5 m² → 655)"})
    beds = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=20))
    rent_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    category = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    accessible = fields.Boolean(load_default=False)


class UnitsIn(Schema):
    units = fields.List(fields.Nested(UnitIn), required=True, validate=validate.Length(min=1, max=5000))


@contract("stock.units_added", producer="allocation",
          description="Units were added to a project's housing stock (房源入库).")
class UnitsAdded(Schema):
    project_id = fields.String(required=True)
    programme = fields.String(required=True)
    unit_ids = fields.List(fields.String(), required=True)
    count = fields.Integer(required=True, strict=True)


class UnitStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["vacant", "maintenance"]),
                           metadata={"description": "maintenance (维修) or back to vacant"})


class UnitsQuery(Schema):
    status = fields.String(validate=validate.OneOf(["vacant", "offered", "reserved", "occupied",
                                                    "maintenance"]))


class PoolQuery(Schema):
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))
    status = fields.String(validate=validate.OneOf(["active", "revoked", "withdrawn", "housed"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


# -- events consumed (lenient readers: only the fields used; unknown fields ignored) ---------

GROUPS = ["frontline", "model_worker", "hardship"]


class ApplicationApprovedIn(Schema):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=128))
    district = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    household_size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=30))
    points_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    breakdown = fields.Dict(required=True)
    preferences = fields.List(fields.String(validate=validate.Regexp(r"^[^\x00-\x1f]{1,40}$")), required=True,
                              validate=validate.Length(max=5))
    priority_groups = fields.List(fields.String(validate=validate.OneOf(GROUPS)), required=True)
    needs_accessible = fields.Boolean(required=True)
    approved_at = fields.AwareDateTime(required=True)


class PointsChangeIn(Schema):
    application_id = fields.String(required=True)
    points_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    priority_groups = fields.List(fields.String(validate=validate.OneOf(GROUPS)), required=True)


class PointsChangedIn(Schema):
    policy_version = fields.Integer(required=True, strict=True)
    reason = fields.String(required=True)
    changes = fields.List(fields.Nested(PointsChangeIn, unknown="exclude"), required=True,
                          validate=validate.Length(min=1, max=1000))


class EligibilityRevokedIn(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    revoked_at = fields.AwareDateTime(required=True)


class ApplicationWithdrawnIn(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    withdrawn_at = fields.AwareDateTime(required=True)


class RentOverdueIn(Schema):
    tenancy_id = fields.String(required=True)
    period = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"))
    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


# -- rounds, offers, tenancies -------------------------------------------------------------

class RoundIn(Schema):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    unit_ids = fields.List(fields.String(), validate=validate.Length(min=1, max=100_000))
    project_ids = fields.List(fields.String(), validate=validate.Length(min=1, max=1000))
    quotas = fields.Dict(keys=fields.String(validate=validate.OneOf(GROUPS)),
                         values=fields.Integer(strict=True, validate=validate.Range(min=0, max=100)),
                         load_default=dict,
                         metadata={"description": "reserved share per priority group, whole percent"})
    public_value_source = fields.String(
        required=True, validate=validate.Length(min=5, max=500),
        metadata={"description": "the public value to be combined at the draw, e.g. "
                                 "'福彩3D 2026-12-01 draw' (must not exist yet)"})
    draw_date = fields.Date(required=True)
    respond_days = fields.Integer(load_default=14, strict=True, validate=validate.Range(min=1, max=90))


class DrawIn(Schema):
    public_values = fields.List(fields.String(validate=validate.Length(min=1, max=500)), required=True,
                                validate=validate.Length(min=1, max=50))
    secret_hex = fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{32,128}$"),
                               metadata={"description": "optional: the sealed secret as read out at "
                                                        "the meeting; refused unless it matches the commitment"})


class AnswerIn(Schema):
    on = fields.Date(metadata={"description": "answer date (default: today, Asia/Shanghai)"})


class ExpireIn(Schema):
    on = fields.Date()


class MoveInIn(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


END_REASONS = ["voluntary", "revocation", "violations", "contract_end"]


class MoveOutIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    on = fields.Date(required=True)


class OccupancyQuery(Schema):
    by = fields.String(load_default="project", validate=validate.OneOf(["project", "building", "category"]))


VIOLATION_KINDS = ["subletting", "idle", "rent_arrears", "damage", "safety"]


class ViolationIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(VIOLATION_KINDS))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    on = fields.Date(required=True)


COMPLAINT_CATEGORIES = ["repairs", "property_management", "neighbours", "safety", "rent", "other"]


class ComplaintIn(Schema):
    project_id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(COMPLAINT_CATEGORIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResolveIn(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SatisfactionIn(Schema):
    project_id = fields.String(required=True)
    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))


class OnIn(Schema):
    on = fields.Date()


# -- event contracts published --------------------------------------------------------------

@contract("round.opened", producer="allocation",
          description="An allocation round opened: the pool is frozen and the lottery secret is "
                      "committed (sha256 hex). The secret itself stays sealed until the draw.")
class RoundOpened(Schema):
    round_id = fields.String(required=True)
    programme = fields.String(required=True)
    commitment = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    public_value_source = fields.String(required=True)
    draw_date = fields.Date(required=True)
    pool_size = fields.Integer(required=True, strict=True)
    unit_count = fields.Integer(required=True, strict=True)
    quotas = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    quota_seats = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    fit_policy = fields.Dict(required=True)
    snapshot_digest = fields.String(required=True)


@contract("round.drawn", producer="allocation",
          description="A round was drawn: the secret is revealed, the public values and the "
                      "combination rule are stated, and the results are fixed by their digest. "
                      "Per-offer allocation.offered events follow.")
class RoundDrawn(Schema):
    round_id = fields.String(required=True)
    programme = fields.String(required=True)
    commitment = fields.String(required=True)
    secret_hex = fields.String(required=True)
    public_values = fields.List(fields.String(), required=True)
    combination_rule = fields.String(required=True)
    seed_hex = fields.String(required=True)
    results_digest = fields.String(required=True)
    matched = fields.Integer(required=True, strict=True)
    waitlisted = fields.Integer(required=True, strict=True)


class _OfferEvent(Schema):
    offer_id = fields.String(required=True)
    round_id = fields.String(required=True)
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    unit_id = fields.String(required=True)
    project_id = fields.String(required=True)


@contract("allocation.offered", producer="allocation",
          description="A unit is offered to an applicant (配租通知), answerable until respond_by.")
class AllocationOffered(_OfferEvent):
    respond_by = fields.Date(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["draw", "waitlist"]))
    preference_index = fields.Integer(required=True, strict=True)
    seat = fields.String(required=True)


@contract("allocation.accepted", producer="allocation",
          description="The applicant accepted; the unit is reserved for them until move-in.")
class AllocationAccepted(_OfferEvent):
    accepted_on = fields.Date(required=True)


@contract("allocation.declined", producer="allocation",
          description="The applicant declined; declines counted, suspension if over the limit.")
class AllocationDeclined(_OfferEvent):
    declined_on = fields.Date(required=True)
    declines = fields.Integer(required=True, strict=True)
    suspended_until = fields.Date(required=True, allow_none=True)


@contract("allocation.expired", producer="allocation",
          description="The offer was not answered by respond_by and lapsed.")
class AllocationExpired(_OfferEvent):
    expired_on = fields.Date(required=True)
    declines = fields.Integer(required=True, strict=True)
    suspended_until = fields.Date(required=True, allow_none=True)


@contract("tenancy.started", producer="allocation",
          description="Move-in: a tenancy started (finance opens a rent account).")
class TenancyStarted(Schema):
    tenancy_id = fields.String(required=True)
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    unit_id = fields.String(required=True)
    project_id = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    rent_fen = fields.Integer(required=True, strict=True)


@contract("tenancy.ended", producer="allocation",
          description="Move-out: voluntary, on revocation, on violations, or at contract end.")
class TenancyEnded(Schema):
    tenancy_id = fields.String(required=True)
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    unit_id = fields.String(required=True)
    ended_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))


@contract("violation.recorded", producer="allocation",
          description="A tenancy violation with deduction points (违规扣分); threshold_crossed "
                      "opens termination.")
class ViolationRecorded(Schema):
    violation_id = fields.String(required=True)
    tenancy_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(VIOLATION_KINDS))
    points = fields.String(required=True, metadata={"description": "exact decimal, one place"})
    points_tenths = fields.Integer(required=True, strict=True)
    total_points = fields.String(required=True)
    total_points_tenths = fields.Integer(required=True, strict=True)
    threshold_crossed = fields.Boolean(required=True)
    termination_open = fields.Boolean(required=True)
