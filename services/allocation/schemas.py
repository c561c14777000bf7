"""Request schemas and queries, the replies as the OpenAPI document shows them (…Out), the
events consumed (…In) and the contracts of the events allocation publishes.

Every number and date a request carries is bounded (services.common.fields): a unit's numbers
by ``domain.stock.LIMITS``, the same bounds the CSV import applies; dates by ``Day`` (the
programme's outer bounds, narrowed by the use cases: nothing dated after today where the
thing must already have happened)."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import INCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from services.common import paging
from services.common.events.contracts import contract
from services.common.fields import INT32, Bool, Day, Int, Text

from .domain.stock import CATEGORIES, LIMITS, id_part_problem

PROGRAMMES = sorted(CATEGORIES)
SUPPLY_MODES = ["stock_conversion", "government_enterprise", "new_build"]  # 存量盘活/政企合作/新建
UNIT_STATUSES = ["vacant", "offered", "reserved", "occupied", "maintenance"]
GROUPS = ["frontline", "model_worker", "hardship"]
GROUPS_DOC = ("priority groups (优先群体): frontline (一线职工), model_worker (劳模), hardship "
              "(困难职工, from the hardship registry)")
PREFERENCES_DOC = ("the applicant's ranked wishes, best first (at most 5): each a project id (e.g. "
                   "'P1') or a housing category (e.g. 'public_rental'); a unit satisfies a wish when "
                   "it is in that project or of that category")
POINTS_DOC = "points (积分) as an exact decimal with one place"
AREA_DOC = "floor area in m², as text with two decimals (e.g. \"65.50\"); recorded to 0.1 m²"


def _id_part(value: str) -> None:
    problem = id_part_problem(value)
    if problem:
        raise ValidationError(problem)


def _ref(length: int, **kwargs) -> Text:
    """An id of something stored (project, round, tenancy...): 1..length characters."""
    return Text(min_length=1, max_length=length, **kwargs)


class AreaM2(fields.String):
    """Area in m² as text (like applications' area_m2) with at most two decimals, recorded to
    0.1 m² (``tenths`` turns the loaded text into tenths of m²: "65.50" → 655). A JSON number
    is refused, as the document says: a float cannot carry an exact area."""

    PATTERN = r"^[0-9]{1,5}(\.[0-9]{1,2})?$"

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"description": AREA_DOC, "example": "65.50"})
        super().__init__(validate=validate.Regexp(self.PATTERN, error="m² with at most two decimals, e.g. 65.50"),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError('the area as text, e.g. "65.50"')
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(self.PATTERN, text):
            raise ValidationError("m² with at most two decimals, e.g. 65.50")
        tenths = Decimal(text) * 10
        low, high = LIMITS["area_tenths"]
        if tenths != tenths.to_integral_value():
            raise ValidationError("areas are recorded to 0.1 m² (e.g. 65.5 or 65.50)")
        if not low <= tenths <= high:
            raise ValidationError(f"must be between {low / 10:.1f} and {high // 10} m²")
        return text

    @staticmethod
    def tenths(text: str) -> int:
        return int(Decimal(text) * 10)


# -- stock ------------------------------------------------------------------------------------

class ProjectIn(Schema):
    id = fields.String(required=True, validate=[
        validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$"),
        # a preference names a project or a category: a project named like a category would make
        # it ambiguous (and the draw refuses such a pool)
        validate.NoneOf(PROGRAMMES, error="must not be the name of a housing category")])
    name = Text(required=True, min_length=1, max_length=200)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    supply_mode = fields.String(required=True, validate=validate.OneOf(SUPPLY_MODES))
    address = Text(required=True, min_length=1, max_length=300)


class UnitIn(Schema):
    """One unit. Its id is ``<project>-<building>-<number>`` (as for the CSV import), so
    building and number may not contain / \\ ? # %."""

    building = Text(required=True, min_length=1, max_length=40, validate=_id_part)
    number = Text(required=True, min_length=1, max_length=40, validate=_id_part)
    floor = Int(*LIMITS["floor"], required=True)
    rooms = Int(*LIMITS["rooms"], required=True)
    area_m2 = AreaM2()
    area_tenths = Int(*LIMITS["area_tenths"], metadata={
        "description": "deprecated, still accepted: the area in tenths of m² (65.5 m² → 655); "
                       "give area_m2 or this, not both", "deprecated": True})
    beds = Int(*LIMITS["beds"], load_default=0,
               metadata={"description": "0 for a flat; beds of a dormitory room (床位)"})
    rent_fen = Int(*LIMITS["rent_fen"], required=True, metadata={"description": "monthly rent in fen"})
    category = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    accessible = Bool(load_default=False)

    @validates_schema
    def _one_area(self, data, **_):
        if ("area_m2" in data) == ("area_tenths" in data):
            raise ValidationError("give the area as area_m2 (m², e.g. \"65.50\"), or the older area_tenths; "
                                  "exactly one", "area_m2")

    @post_load
    def _area_in_tenths(self, data, **_):  # stored, and handed to the use case, as tenths of m²
        if "area_m2" in data:
            data["area_tenths"] = AreaM2.tenths(data.pop("area_m2"))
        return data


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
                           metadata={"description": "maintenance (维修) for a vacant unit, or vacant again "
                                                    "after repairs; every other status follows offers, "
                                                    "answers, move-in and move-out"})


class UnitsQuery(Schema):
    status = fields.String(validate=validate.OneOf(UNIT_STATUSES))


class CsvImportQuery(Schema):
    encoding = fields.String(load_default="utf-8", validate=validate.OneOf(["utf-8", "gb18030"]),
                             metadata={"description": "the file's encoding: utf-8 (with or without BOM), "
                                                      "or gb18030 for a sheet saved by Excel as GBK"})


# The one paging shape (services/common/paging.py), with allocation's published bounds.
PageQuery = paging.page_query(max_page=100_000, max_page_size=500)


class ProjectsQuery(PageQuery):
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))
    supply_mode = fields.String(validate=validate.OneOf(SUPPLY_MODES))
    name = Text(max_length=100, metadata={"description": "part of the project's name or address"})


class UnitSearchQuery(PageQuery):
    unit_id = _ref(40, metadata={"description": "one unit, by its id in any form (also <project>/<building>/"
                                                "<number>, which a URL path cannot hold)"})
    project_id = _ref(40)
    status = fields.String(validate=validate.OneOf(UNIT_STATUSES))
    category = fields.String(validate=validate.OneOf(PROGRAMMES))
    kind = fields.String(validate=validate.OneOf(["flat", "bed"]),
                         metadata={"description": "flat (beds = 0) or dormitory bed (beds > 0)"})
    building = _ref(40)


class PoolQuery(PageQuery):
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))
    status = fields.String(validate=validate.OneOf(["active", "revoked", "withdrawn", "housed"]))


# -- events consumed (lenient readers: only the fields used; unknown fields ignored) ---------

class ApplicationApprovedIn(Schema):
    application_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    person_ref = fields.String(required=True, validate=validate.Length(min=1, max=128))
    district = fields.String(required=True, validate=validate.Length(max=40))
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    household_size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=30))
    points_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=INT32[1]))
    breakdown = fields.Dict(required=True)
    preferences = fields.List(fields.String(validate=validate.Regexp(r"^[^\x00-\x1f]{1,40}$")), required=True,
                              validate=validate.Length(max=5))
    priority_groups = fields.List(fields.String(validate=validate.OneOf(GROUPS)), required=True)
    needs_accessible = fields.Boolean(required=True)
    approved_at = fields.AwareDateTime(required=True)


class PointsChangeIn(Schema):
    application_id = fields.String(required=True, validate=validate.Length(max=64))
    points_tenths = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=INT32[1]))
    priority_groups = fields.List(fields.String(validate=validate.OneOf(GROUPS)), required=True)


class PointsChangedIn(Schema):
    policy_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=INT32[1]))
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
    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=INT32[1]))


# -- rounds, offers, tenancies -------------------------------------------------------------

class RoundIn(Schema):
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    unit_ids = fields.List(_ref(40), validate=validate.Length(min=1, max=100_000),
                           metadata={"description": "the units on offer (give this or project_ids)"})
    project_ids = fields.List(_ref(40), validate=validate.Length(min=1, max=1000),
                              metadata={"description": "every vacant unit of these projects (or unit_ids)"})
    quotas = fields.Dict(keys=fields.String(validate=validate.OneOf(GROUPS)), values=Int(0, 100),
                         load_default=dict,
                         metadata={"description": "reserved share of the round's units per priority group, "
                                                  "in whole percent (e.g. {\"frontline\": 10}); the seats "
                                                  "are rounded down and drawn first among that group, "
                                                  "the rest are general seats. " + GROUPS_DOC})
    public_value_source = Text(
        required=True, min_length=5, max_length=500,
        metadata={"description": "the public value to be combined at the draw, e.g. "
                                 "'福彩3D 2026-12-01 draw' (must not exist yet)"})
    draw_date = Day(required=True, metadata={"description": "the day of the draw: today or later"})
    respond_days = Int(1, 90, load_default=14)


class DrawIn(Schema):
    public_values = fields.List(fields.String(validate=validate.Length(min=1, max=500)), required=True,
                                validate=validate.Length(min=1, max=50),
                                metadata={"description": "exactly as published, in order (not trimmed)"})
    secret_hex = fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{32,128}$"),
                               metadata={"description": "optional: the sealed secret as read out at "
                                                        "the meeting; refused unless it matches the commitment"})


class RoundsQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["opened", "drawn"]))
    programme = fields.String(validate=validate.OneOf(PROGRAMMES))


OFFER_STATUSES = ["open", "accepted", "declined", "expired", "withdrawn", "moved_in"]


class OffersQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(OFFER_STATUSES))
    round_id = _ref(36)
    application_id = _ref(64)
    unit_id = _ref(40)
    source = fields.String(validate=validate.OneOf(["draw", "waitlist"]))
    respond_by_from = Day(metadata={"description": "respond-by on or after this day"})
    respond_by_to = Day(metadata={"description": "respond-by on or before this day"})


class AnswerIn(Schema):
    on = Day(metadata={"description": "answer date (default: today, Asia/Shanghai)"})


class ExpireIn(Schema):
    on = Day(metadata={"description": "expire offers whose respond-by day is before this day "
                                      "(default and latest: today, Asia/Shanghai)"})


class MoveInIn(Schema):
    start = Day(required=True, metadata={"description": "first day of the tenancy: not before the "
                                                        "acceptance, at most a year ahead"})
    end = Day(required=True, metadata={"description": "last day: after start, at most 10 years on"})

    @validates_schema
    def _end_after_start(self, data, **_):
        if data["end"] <= data["start"]:
            raise ValidationError("must be after start", "end")


END_REASONS = ["voluntary", "revocation", "violations", "contract_end"]


class MoveOutIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(END_REASONS))
    on = Day(required=True, metadata={"description": "the day the tenancy ends: today or earlier, "
                                                     "not before it started"})


class TenanciesQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["active", "ended"]))
    project_id = _ref(40)
    unit_id = _ref(40)
    application_id = _ref(64)
    person_ref = _ref(128)


class OccupancyQuery(Schema):
    by = fields.String(load_default="project", validate=validate.OneOf(["project", "building", "category"]))


VIOLATION_KINDS = ["subletting", "idle", "rent_arrears", "damage", "safety"]


class ViolationIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(VIOLATION_KINDS))
    note = Text(load_default="", max_length=500, multiline=True)
    on = Day(required=True, metadata={"description": "the day it happened: during the tenancy, "
                                                     "not after today"})


class ViolationsQuery(PageQuery):
    tenancy_id = _ref(36)
    kind = fields.String(validate=validate.OneOf(VIOLATION_KINDS))


COMPLAINT_CATEGORIES = ["repairs", "property_management", "neighbours", "safety", "rent", "other"]


class ComplaintIn(Schema):
    project_id = _ref(40, required=True)
    category = fields.String(required=True, validate=validate.OneOf(COMPLAINT_CATEGORIES))
    description = Text(required=True, min_length=1, max_length=2000, multiline=True)


class ComplaintsQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["open", "resolved"]))
    project_id = _ref(40)
    category = fields.String(validate=validate.OneOf(COMPLAINT_CATEGORIES))


class ResolveIn(Schema):
    resolution = Text(required=True, min_length=1, max_length=2000, multiline=True)


class SatisfactionIn(Schema):
    project_id = _ref(40, required=True)
    score = Int(1, 5, required=True)


class OnIn(Schema):
    on = Day(metadata={"description": "end what is due on this day (default and latest: today)"})


# -- replies (the OpenAPI document's response schemas) ------------------------------------

class ProjectOut(Schema):
    project_id = fields.String(required=True)
    name = fields.String(required=True)
    programme = fields.String(required=True)
    supply_mode = fields.String(required=True)
    address = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    units = fields.Integer(required=True, metadata={"description": "units in the project's stock"})


class ProjectCreatedOut(Schema):
    project_id = fields.String(required=True)


class UnitOut(Schema):
    unit_id = fields.String(required=True, metadata={"description": "<project>-<building>-<number>; units "
                                                                    "imported before this form keep their "
                                                                    "<project>/<building>/<number> id"})
    project_id = fields.String(required=True)
    building = fields.String(required=True)
    number = fields.String(required=True)
    floor = fields.Integer(required=True)
    rooms = fields.Integer(required=True)
    area_m2 = fields.String(required=True, metadata={"description": AREA_DOC})
    beds = fields.Integer(required=True)
    rent_fen = fields.Integer(required=True)
    category = fields.String(required=True)
    accessible = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(UNIT_STATUSES))
    vacant_since = fields.DateTime(required=True, allow_none=True)


class UnitListOut(Schema):
    units = fields.List(fields.Nested(UnitOut), required=True)


class UnitsAddedOut(Schema):
    project_id = fields.String(required=True)
    added = fields.Integer(required=True)
    unit_ids = fields.List(fields.String(), required=True)


class RowErrorOut(Schema):
    line = fields.Integer(required=True, metadata={"description": "line in the file; the header is line 1"})
    column = fields.String(required=True, metadata={"description": "the column's name, or - for the row"})
    message = fields.String(required=True)


class CsvImportOut(UnitsAddedOut):
    rejected_rows = fields.Integer(required=True)
    errors = fields.List(fields.Nested(RowErrorOut), required=True)


class UnitStatusOut(Schema):
    unit_id = fields.String(required=True)
    status = fields.String(required=True)


class PoolEntryOut(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True)
    points = fields.String(required=True, metadata={"description": POINTS_DOC})
    points_tenths = fields.Integer(required=True)
    breakdown = fields.Dict(required=True, metadata={"description": "points per rule, as applications "
                                                                    "computed them at approval"})
    household_size = fields.Integer(required=True)
    preferences = fields.List(fields.String(), required=True, metadata={"description": PREFERENCES_DOC})
    priority_groups = fields.List(fields.String(), required=True, metadata={"description": GROUPS_DOC})
    needs_accessible = fields.Boolean(required=True)
    status = fields.String(required=True)
    declines = fields.Integer(required=True)
    suspended_until = fields.Date(required=True, allow_none=True)


class PoolPageOut(paging.page_of(PoolEntryOut, name="PoolPageBase")):
    """A page of the pool; ``entries`` is the same list as ``items`` (kept for compatibility)."""

    entries = fields.List(fields.Nested(PoolEntryOut), required=True,
                          metadata={"description": "deprecated: the same list as items"})


class RoundOut(Schema):
    """A round; the secret and the results only once it is drawn."""

    round_id = fields.String(required=True)
    programme = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["opened", "drawn"]))
    commitment = fields.String(required=True)
    public_value_source = fields.String(required=True)
    draw_date = fields.Date(required=True)
    quotas = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "reserved share per priority group, whole percent"})
    quota_seats = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                              metadata={"description": "reserved seats per priority group"})
    fit_policy = fields.Dict(required=True, metadata={"description": "the fit rules frozen when the round "
                                                                     "opened (as round.opened published them)"})
    respond_days = fields.Integer(required=True)
    pool_size = fields.Integer(required=True)
    unit_count = fields.Integer(required=True)
    snapshot_digest = fields.String(required=True)
    inputs_digest = fields.String(required=True, metadata={"description": "binds the round id, commitment, "
                                                                          "policy and snapshot (anju verify-round)"})
    opened_at = fields.DateTime(required=True)
    secret_hex = fields.String()
    public_values = fields.List(fields.String())
    seed_hex = fields.String()
    combination_rule = fields.String()
    results_digest = fields.String()
    matched = fields.Integer()
    waitlisted = fields.Integer()
    drawn_at = fields.DateTime()
    public_export_path = fields.String(metadata={"description": "where anyone can fetch the round's "
                                                                "export without a token"})


class DrawOut(Schema):
    round_id = fields.String(required=True)
    programme = fields.String(required=True)
    commitment = fields.String(required=True)
    secret_hex = fields.String(required=True)
    public_values = fields.List(fields.String(), required=True)
    combination_rule = fields.String(required=True)
    seed_hex = fields.String(required=True)
    results_digest = fields.String(required=True)
    matched = fields.Integer(required=True)
    waitlisted = fields.Integer(required=True)
    public_export_path = fields.String(required=True)
    offers = fields.Integer(required=True)


class ExportSeedOut(Schema):
    commitment = fields.String(required=True)
    secret_hex = fields.String(required=True)
    public_values = fields.List(fields.String(), required=True)
    final_seed_hex = fields.String(required=True)


class ExportOut(Schema):
    """Everything needed to recompute a drawn round: the input of ``anju verify-round``
    (format anju.allocation.round/2). People appear as application_id and person_ref only."""

    format = fields.String(required=True)
    round_id = fields.String(required=True)
    programme = fields.String(required=True)
    public_value_source = fields.String(required=True)
    draw_date = fields.String(required=True)
    seed = fields.Nested(ExportSeedOut, required=True)
    policy = fields.Dict(required=True, metadata={"description": "fit rules and quota seats"})
    pool = fields.List(fields.Dict(), required=True)
    units = fields.List(fields.Dict(), required=True)
    results = fields.Dict(required=True)
    results_digest = fields.String(required=True)
    snapshot_digest = fields.String(required=True)
    inputs_digest = fields.String(required=True)


class OfferOut(Schema):
    offer_id = fields.String(required=True)
    round_id = fields.String(required=True)
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    unit_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(OFFER_STATUSES))
    source = fields.String(required=True)
    seat = fields.String(required=True)
    preference_index = fields.Integer(required=True, metadata={"description": "which preference the unit "
                                                                              "met (0: the first; -1: none)"})
    offered_on = fields.Date(required=True)
    respond_by = fields.Date(required=True)
    answered_on = fields.Date(required=True, allow_none=True)


class RoundOffersOut(Schema):
    offers = fields.List(fields.Nested(OfferOut), required=True)


class AcceptOut(Schema):
    offer_id = fields.String(required=True)
    status = fields.String(required=True)
    unit_id = fields.String(required=True)


class DeclineOut(Schema):
    offer_id = fields.String(required=True)
    status = fields.String(required=True)
    declines = fields.Integer(required=True)
    suspended_until = fields.Date(required=True, allow_none=True)
    next_offer_id = fields.String(required=True, allow_none=True)


class ExpiredOut(Schema):
    expired = fields.Integer(required=True)


class MovedInOut(Schema):
    tenancy_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    status = fields.String(required=True)


class TenancyOut(Schema):
    tenancy_id = fields.String(required=True)
    unit_id = fields.String(required=True)
    project_id = fields.String(required=True)
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    rent_fen = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["active", "ended"]))
    end_reason = fields.String(required=True, allow_none=True)
    ended_on = fields.Date(required=True, allow_none=True)
    notice_end_on = fields.Date(required=True, allow_none=True)
    violation_points = fields.String(required=True, metadata={"description": POINTS_DOC})
    termination_open = fields.Boolean(required=True)


class NoticesProcessedOut(Schema):
    ended = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ViolationRecordedOut(Schema):
    violation_id = fields.String(required=True)
    points = fields.String(required=True)
    total_points = fields.String(required=True)
    termination_open = fields.Boolean(required=True)


class ViolationOut(Schema):
    violation_id = fields.String(required=True)
    tenancy_id = fields.String(required=True)
    kind = fields.String(required=True)
    note = fields.String(required=True)
    on = fields.Date(required=True)
    period = fields.String(required=True, allow_none=True)
    points = fields.String(required=True)
    total_points = fields.String(required=True)
    recorded_at = fields.DateTime(required=True)


class OccupancyGroupOut(Schema):
    class Meta:
        unknown = INCLUDE  # the group's key is named after ``by`` (project, building or category)

    units = fields.Integer(required=True)
    occupied = fields.Integer(required=True, metadata={"description": "let, with a tenancy begun by today"})
    vacant = fields.Integer(required=True)
    offered = fields.Integer(required=True)
    reserved = fields.Integer(required=True, metadata={"description": "accepted, or let with a tenancy "
                                                                      "that has not begun yet"})
    maintenance = fields.Integer(required=True)
    occupancy_rate = fields.Float(required=True, allow_none=True)
    mean_vacancy_days = fields.Float(required=True, allow_none=True)
    max_vacancy_days = fields.Float(required=True, allow_none=True)


class OccupancyOut(Schema):
    by = fields.String(required=True)
    groups = fields.List(fields.Nested(OccupancyGroupOut), required=True)


class ComplaintOut(Schema):
    complaint_id = fields.String(required=True)
    project_id = fields.String(required=True)
    category = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True)
    opened_at = fields.DateTime(required=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)
    resolution = fields.String(required=True, allow_none=True)


class ComplaintFiledOut(Schema):
    complaint_id = fields.String(required=True)
    status = fields.String(required=True)


class ComplaintResolvedOut(Schema):
    complaint_id = fields.String(required=True)
    status = fields.String(required=True)
    resolution_hours = fields.Float(required=True)


class SatisfactionOut(Schema):
    project_id = fields.String(required=True)
    score = fields.Integer(required=True)


class ServiceReportOut(Schema):
    projects = fields.List(fields.Dict(), required=True, metadata={
        "description": "per project: complaints by category and status, mean resolution hours, "
                       "satisfaction responses and mean"})


ProjectsPageOut = paging.page_of(ProjectOut, name="ProjectsPageOut")
UnitsPageOut = paging.page_of(UnitOut, name="UnitsPageOut")
RoundsPageOut = paging.page_of(RoundOut, name="RoundsPageOut")
OffersPageOut = paging.page_of(OfferOut, name="OffersPageOut")
TenanciesPageOut = paging.page_of(TenancyOut, name="TenanciesPageOut")
ViolationsPageOut = paging.page_of(ViolationOut, name="ViolationsPageOut")
ComplaintsPageOut = paging.page_of(ComplaintOut, name="ComplaintsPageOut")


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
    inputs_digest = fields.String(metadata={"description": "SHA-256 binding the round id, programme, "
                                                           "commitment, public value source, draw date, "
                                                           "policy and snapshot digest (anju verify-round "
                                                           "checks it); absent in rounds opened before it"})


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
    public_export_path = fields.String(metadata={"description": "path (on the allocation service) of the "
                                                                "round's public export, for anyone to run "
                                                                "anju verify-round on; no token needed"})


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
