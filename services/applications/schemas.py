"""Request schemas, what applications reads from other services, and its event contracts."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from services.common import paging
from services.common.events.contracts import contract, iso_utc
from services.common.fields import (
    INT32,
    Bool,
    Day,
    Int,
    MobilePhone,
    PersonName,
    PublicText,
    QueryInt,
    ResidentIdNumber,
    Text,
)

from .domain.lifecycle import Action, Decision, ReviewLevel, State
from .domain.policy import HardshipCategory, HonourLevel, HousingKind, Programme
from .domain.survey import INCOME_BANDS as INCOME_BAND_TABLE

PROGRAMMES = [p.value for p in Programme]
HOUSING_KINDS = [h.value for h in HousingKind]
HONOURS = [h.value for h in HonourLevel]
HARDSHIP = [h.value for h in HardshipCategory]
LEVELS = [lv.value for lv in ReviewLevel]
DECISIONS = [d.value for d in Decision]
STATES = [s.value for s in State]
PRIORITY_GROUPS = ["frontline", "model_worker", "hardship"]
RELATIONS = ["spouse", "child", "parent", "sibling", "other"]
# Free text that ends up in events must not carry raw ID numbers or phones.
_ReasonText = PublicText(min_length=1)


# -- requests --------------------------------------------------------------------------------

INCOME_MAX_FEN = 10_000_000_000  # 1 亿元 a month: beyond any household, well inside the BIGINT columns
VERSION = (1, INT32[1])  # the optimistic lock's Integer column
MAX_PAGE = 100_000  # with page_size ≤ 200: 20 million rows, more than a district ever holds
AREA_PATTERN = r"^(?:[0-9]{1,4}(?:\.[0-9]{1,2})?|10000(?:\.00?)?)$"
_AREA = re.compile(AREA_PATTERN.strip("^$"))
AREA_DOC = ("m², a decimal string with at most two decimals, 0 to 10000 (e.g. \"18.50\"): the one form of an "
            "area in applications' requests, replies and policies")


def _area(value: str) -> None:
    if not _AREA.fullmatch(value):
        raise ValidationError("square metres as a decimal string with at most 2 decimals, 0 to 10000 (e.g. \"18.50\")")


def SquareMetres(**kwargs) -> fields.String:  # noqa: N802 - a field factory, named like a field
    """An area in m² as a decimal string (see AREA_DOC); the schema's post_load makes it a Decimal."""
    return fields.String(validate=[validate.Length(max=8), _area],
                         metadata={"pattern": AREA_PATTERN, "description": AREA_DOC}, **kwargs)


class ApplicantIn(Schema):
    name = PersonName(required=True)
    id_number = ResidentIdNumber(required=True)
    phone = MobilePhone(load_default=None)
    email = fields.Email(load_default=None, validate=validate.Length(max=120))
    enterprise = Text(min_length=1, max_length=80, load_default=None, metadata={
        "description": "the enterprise union's code; an enterprise officer may leave it out (theirs is used)"})
    hire_date = Day(load_default=None)
    union_member = Bool(load_default=None)
    honour = fields.String(load_default=None, validate=validate.OneOf(HONOURS), metadata={
        "description": "model-worker honour (劳模): national, provincial or city. Points by level, and the "
                       "priority group model_worker in allocation"})
    frontline = Bool(load_default=False, metadata={
        "description": "a frontline worker (一线职工): points, and the priority group frontline in allocation"})
    needs_accessible = Bool(load_default=False, metadata={"description": "needs an accessible unit"})


class MemberIn(Schema):
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    name = PersonName(required=True)
    id_number = ResidentIdNumber(required=True)
    monthly_income_fen = Int(0, INCOME_MAX_FEN, load_default=0)


class HousingIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(HOUSING_KINDS))
    area_m2 = SquareMetres(load_default="0")

    @validates_schema
    def _none_has_no_area(self, data, **_):
        if data.get("kind") == "none" and Decimal(data.get("area_m2", "0")) != 0:
            raise ValidationError("must be 0 when kind is none", "area_m2")

    @post_load
    def _exact(self, data, **_):
        return {**data, "area_m2": Decimal(data["area_m2"])}


PREFERENCES_DOC = ("what the applicant would like, best first, at most 5: a project id as allocation lists it "
                   "(e.g. P1) or a unit category (staff_apartment, public_rental, shared_ownership, "
                   "talent_apartment, relocation); allocation offers the best available choice the household fits")


class ApplicationIn(Schema):
    """A draft: applicant identity and programme are needed; the rest may follow before submit."""

    applicant = fields.Nested(ApplicantIn, required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    members = fields.List(fields.Nested(MemberIn), load_default=list, validate=validate.Length(max=15), metadata={
        "description": "the household other than the applicant (at most 15); each person may belong to one "
                       "active application per programme"})
    monthly_household_income_fen = Int(0, INCOME_MAX_FEN, load_default=None)
    housing = fields.Nested(HousingIn, load_default=None)
    preferences = fields.List(Text(min_length=1, max_length=40), load_default=list,
                              validate=validate.Length(max=5, error="at most 5 preferences"),
                              metadata={"description": PREFERENCES_DOC})
    version = Int(*VERSION, load_default=None,
                  metadata={"description": "PUT: the version you edited (optimistic lock)"})
    submit = Bool(load_default=False, metadata={
        "description": "POST only: submit at once instead of saving a draft (the same pre-check as "
                       "POST …/submit; if it fails, 422 and nothing is saved). PUT ignores it."})


class VersionIn(Schema):
    version = Int(*VERSION, load_default=None)
    reasons = fields.List(_ReasonText, load_default=list, validate=validate.Length(max=20))


class ReviewIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reasons = fields.List(_ReasonText, load_default=list, validate=validate.Length(max=20))
    version = Int(*VERSION, required=True, metadata={"description": "the application version you reviewed"})


# The one paging shape (services/common/paging.py), with applications' published bounds.
PageQuery = paging.page_query(max_page=MAX_PAGE, max_page_size=200, default_page_size=20)


class QueueQuery(PageQuery):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    programme = fields.String(load_default=None, validate=validate.OneOf(PROGRAMMES))
    enterprise = Text(min_length=1, max_length=80, load_default=None)


class ApplicationCountQuery(Schema):
    """Filters of the application list and counts; every one is optional and they combine."""

    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS),
                          metadata={"description": "waiting for this review level"})
    programme = fields.String(load_default=None, validate=validate.OneOf(PROGRAMMES))
    enterprise = Text(min_length=1, max_length=80, load_default=None,
                      metadata={"description": "an enterprise officer sees only their own (another is 403)"})
    submitted_from = Day(load_default=None, metadata={
        "description": "first submitted on or after this date (the district's calendar, Asia/Shanghai)"})
    submitted_to = Day(load_default=None, metadata={"description": "first submitted on or before this date"})
    name_masked = Text(min_length=1, max_length=40, load_default=None,
                       metadata={"description": "the masked name as lists and notices show it, e.g. 张*三"})
    person_ref = Text(min_length=1, max_length=40, load_default=None)


class ApplicationListQuery(PageQuery, ApplicationCountQuery):
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))


class ObjectionIn(Schema):
    # Stored and shown only to the staff who see the application's personal data; never
    # published or put in an event, so it may name people and numbers (it often must).
    reason = Text(min_length=5, max_length=2000, multiline=True, required=True, metadata={
        "description": "why (5 to 2000 characters); seen only by the district office, never published"})


class MergeObjectionsIn(Schema):
    into = Text(min_length=1, max_length=36, required=True,
                metadata={"description": "the open objection that stays open and decides for the duplicates"})
    duplicates = fields.List(Text(min_length=1, max_length=36), required=True,
                             validate=validate.Length(min=1, max=100), metadata={
                                 "description": "open objections of the same application saying the same thing; "
                                                "they are closed as duplicates of `into`"})


class ResolveIn(Schema):
    upheld = Bool(required=True)
    note = PublicText(load_default="")


class PolicyDocumentIn(Schema):
    """Any JSON object; the domain's `from_dict` checks every field (422 naming it)."""

    class Meta:
        unknown = "include"


class RecheckUpdateIn(Schema):
    application_id = Text(min_length=1, max_length=36, required=True)
    monthly_household_income_fen = Int(0, INCOME_MAX_FEN, load_default=None)
    housing = fields.Nested(HousingIn, load_default=None)
    household_size = Int(1, 20, load_default=None)
    union_member = Bool(load_default=None)


class RecheckIn(Schema):
    as_of = Day(required=True)
    updates = fields.List(fields.Nested(RecheckUpdateIn), required=True, validate=validate.Length(min=1, max=5000))


class SurveyQuery(Schema):
    suppress_below = QueryInt(0, 100, load_default=0)


# -- read from other services ------------------------------------------------------------------

class HardshipRegisteredIn(Schema):
    """What applications reads of assistance's hardship.registered."""

    household_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    category = fields.String(required=True)


class HardshipClosedIn(Schema):
    """What applications reads of assistance's hardship.closed (lenient: only person_ref is needed)."""

    class Meta:
        unknown = EXCLUDE

    household_id = fields.String(load_default=None)
    person_ref = fields.String(required=True)
    category = fields.String(load_default=None)
    closed_on = fields.String(load_default=None)


# -- published -------------------------------------------------------------------------------

class Instant(fields.AwareDateTime):
    """An instant in an event: RFC 3339 in UTC with "Z", as the envelope's occurred_at and every
    reply show it (marshmallow's iso format would write "+00:00")."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_utc(value)




@contract("application.submitted", producer="applications",
          description="An application was submitted (or resubmitted after correction) and awaits enterprise review.")
class ApplicationSubmitted(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    enterprise = fields.String(required=True)
    policy_version = fields.Integer(required=True)
    resubmission = fields.Boolean(required=True)
    submitted_at = Instant(required=True)


@contract("application.reviewed", producer="applications",
          description="A review level decided (pass / return for correction / reject); `state` is the result.")
class ApplicationReviewed(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reasons = fields.List(fields.String(), required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    reviewed_at = Instant(required=True)


@contract("application.notice_started", producer="applications",
          description="The application passed its last review and is on public notice (公示) until notice_ends_at.")
class NoticeStarted(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    name_masked = fields.String(required=True)
    id_number_masked = fields.String(required=True, metadata={
        "description": "the ID number masked, e.g. 350102********1234, for the public notice; added in schema 1"})
    enterprise = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    points = fields.String(required=True)
    notice_started_at = Instant(required=True)
    notice_ends_at = Instant(required=True)


@contract("application.objection_filed", producer="applications",
          description="An objection (异议) was filed during the notice; the application waits for its resolution.")
class ObjectionFiled(Schema):
    application_id = fields.String(required=True)
    objection_id = fields.String(required=True)
    filed_at = Instant(required=True)


@contract("application.objections_merged", producer="applications",
          description="Staff closed duplicate objections into one open objection of the same application, which "
                      "stays open and decides for them all (each duplicate counts as resolved with it).")
class ObjectionsMerged(Schema):
    application_id = fields.String(required=True)
    objection_id = fields.String(required=True, metadata={"description": "the objection kept open"})
    duplicates = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    merged_at = Instant(required=True)


@contract("application.objection_resolved", producer="applications",
          description="A district officer resolved an objection: upheld rejects the application, dismissed continues.")
class ObjectionResolved(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True, metadata={
        "description": "the applicant, so the result (异议处理结果) can be told to them; added in schema 1"})
    objection_id = fields.String(required=True)
    upheld = fields.Boolean(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    resolved_at = Instant(required=True)


class PointsLineOut(Schema):
    rule = fields.String(required=True)
    input = fields.Raw(required=True, allow_none=True)
    points = fields.String(required=True)
    uncapped = fields.String(required=True)
    cap = fields.String(required=True, allow_none=True)
    capped = fields.Boolean(required=True)


class BreakdownOut(Schema):
    policy_version = fields.Integer(required=True)
    total = fields.String(required=True)
    lines = fields.List(fields.Nested(PointsLineOut), required=True)


@contract("application.approved", producer="applications",
          description="Notice ended without an upheld objection: the application is approved and enters the "
                      "allocation pool with its points and full breakdown.")
class ApplicationApproved(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    district = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    household_size = fields.Integer(required=True, validate=validate.Range(min=1))
    points = fields.String(required=True, metadata={"description": "exact decimal, one place, e.g. 87.5"})
    points_tenths = fields.Integer(required=True)
    breakdown = fields.Nested(BreakdownOut, required=True)
    preferences = fields.List(fields.String(), required=True, validate=validate.Length(max=5))
    priority_groups = fields.List(fields.String(validate=validate.OneOf(PRIORITY_GROUPS)), required=True)
    needs_accessible = fields.Boolean(required=True)
    enterprise = fields.String(required=True)
    name_masked = fields.String(required=True, metadata={"description": "e.g. 张*三; added in schema 1"})
    id_number_masked = fields.String(required=True, metadata={
        "description": "the ID number masked, e.g. 350102********1234; added in schema 1"})
    approved_at = Instant(required=True)


@contract("application.rejected", producer="applications",
          description="The application was rejected by a review level or by an upheld objection.")
class ApplicationRejected(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    stage = fields.String(required=True, validate=validate.OneOf(["review", "objection"]))
    reasons = fields.List(fields.String(), required=True)
    rejected_at = Instant(required=True)


@contract("application.withdrawn", producer="applications",
          description="The applicant withdrew the application (撤回); approved ones leave the pool.")
class ApplicationWithdrawn(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    withdrawn_at = Instant(required=True)


@contract("eligibility.revoked", producer="applications",
          description="The annual re-check (年审) failed and a district officer confirmed it: eligibility revoked.")
class EligibilityRevoked(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    reasons = fields.List(fields.String(), required=True)
    revoked_at = Instant(required=True)


_CHANGE_ITEM_SCHEMA = {
    "type": "object",
    "required": ["application_id", "person_ref", "points", "points_tenths", "priority_groups"],
    "additionalProperties": False,
    "properties": {
        "application_id": {"type": "string"},
        "person_ref": {"type": "string"},
        "points": {"type": "string", "description": "exact decimal, one place"},
        "points_tenths": {"type": "integer"},
        "priority_groups": {"type": "array", "items": {"type": "string", "enum": PRIORITY_GROUPS}},
    },
}
_CHANGE_KEYS = frozenset(_CHANGE_ITEM_SCHEMA["properties"])
_GROUPS = frozenset(PRIORITY_GROUPS)


class PointsChangeList(fields.Field):
    """`changes` of application.points_changed: up to 200,000 items go through this per policy
    change, so each item is checked in plain Python (same rules as a nested schema, ~10x faster)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not 1 <= len(value) <= 1000:
            raise ValidationError("must be a list of 1..1000 changes")
        for i, item in enumerate(value):
            if not isinstance(item, dict) or item.keys() != _CHANGE_KEYS:
                raise ValidationError(f"[{i}]: must have exactly the keys {sorted(_CHANGE_KEYS)}")
            tenths = item["points_tenths"]
            if (not isinstance(item["application_id"], str) or not isinstance(item["person_ref"], str)
                    or isinstance(tenths, bool) or not isinstance(tenths, int)
                    or item["points"] != f"{tenths // 10}.{tenths % 10}"
                    or not isinstance(item["priority_groups"], list)
                    or not _GROUPS.issuperset(item["priority_groups"])):
                raise ValidationError(f"[{i}]: invalid change {item!r}")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


@contract("application.points_changed", producer="applications",
          description="Points of approved applications changed (policy change or hardship status); 1..1000 "
                      "changes per event.")
class PointsChanged(Schema):
    policy_version = fields.Integer(required=True)
    reason = fields.String(required=True,
                           validate=validate.OneOf(["policy_change", "hardship_registered", "hardship_closed"]))
    changes = PointsChangeList(required=True, metadata={
        "type": "array", "minItems": 1, "maxItems": 1000, "items": _CHANGE_ITEM_SCHEMA})


# -- replies (the OpenAPI document's response bodies) -----------------------------------------

INCOME_BANDS = [label for label, _lo, _hi in INCOME_BAND_TABLE]
ACTIONS = [a.value for a in Action]
_At = {"format": "iso"}  # an instant in a reply: RFC 3339, UTC ("…Z")


def _nullable(field_cls, **kwargs):
    return field_cls(required=True, allow_none=True, **kwargs)


class ApplicantOut(Schema):
    name = fields.String(required=True, metadata={"description": "masked (张*三) in the masked view"})
    id_number = fields.String(required=True, metadata={"description": "masked (110105********1234) in the masked "
                                                                      "view"})
    phone = _nullable(fields.String, metadata={"description": "masked (138****1234) in the masked view"})
    email = _nullable(fields.String, metadata={"description": "not in the masked view"})
    birth_date = _nullable(fields.Date, metadata={"description": "not in the masked view"})
    enterprise = _nullable(fields.String)
    hire_date = _nullable(fields.Date, metadata={"description": "not in the masked view"})
    union_member = _nullable(fields.Boolean)
    honour = _nullable(fields.String, validate=validate.OneOf(HONOURS))
    frontline = fields.Boolean(required=True)
    needs_accessible = fields.Boolean(required=True)


class MemberOut(Schema):
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    monthly_income_fen = _nullable(fields.Integer, metadata={"description": "not in the masked view"})


class HousingOut(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(HOUSING_KINDS))
    area_m2 = _nullable(fields.String, metadata={"description": AREA_DOC + "; not in the masked view"})


class ReviewOut(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reviewer = fields.String(required=True)
    at = fields.AwareDateTime(required=True, **_At)
    reasons = fields.List(fields.String(), required=True)


class RuleOut(Schema):
    rule = fields.String(required=True)
    passed = fields.Boolean(required=True)
    actual = fields.Raw(allow_none=True, metadata={"description": "the applicant's value (fen, m², years, bool, "
                                                                  "age); not in the masked view"})
    limit = fields.Raw(allow_none=True, metadata={"description": "the policy's limit; not in the masked view"})
    reasons = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "{zh, en}; not in the masked view"})


class EligibilityOut(Schema):
    policy_version = fields.Integer(required=True)
    checked_on = fields.Date(required=True, metadata={"description": "the district's date of the check"})
    eligible = fields.Boolean(required=True)
    rules = fields.List(fields.Nested(RuleOut), required=True)


class ApplicationOut(Schema):
    application_id = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "send it back with a change (optimistic lock)"})
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    district = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    person_ref = fields.String(required=True)
    masked = fields.Boolean(required=True, metadata={"description": "the masked view (see the summary: who sees "
                                                                    "what)"})
    applicant = fields.Nested(ApplicantOut, required=True)
    members = fields.List(fields.Nested(MemberOut), required=True)
    household_size = fields.Integer(required=True)
    monthly_household_income_fen = _nullable(fields.Integer, metadata={"description": "not in the masked view"})
    income_band = _nullable(fields.String, validate=validate.OneOf(INCOME_BANDS), metadata={
        "description": "monthly household income per person, as the needs survey bands it (fen: lt_1500 is "
                       "below 1,500 元)"})
    housing = fields.Nested(HousingOut, required=True, allow_none=True)
    preferences = fields.List(fields.String(), required=True, metadata={"description": PREFERENCES_DOC})
    reviews = fields.List(fields.Nested(ReviewOut), required=True)
    eligibility = fields.Nested(EligibilityOut, required=True, allow_none=True, metadata={
        "description": "the last pre-check: every rule with the value, limit and reasons; in the masked view only "
                       "whether each rule passed"})
    needs_city_review = fields.Boolean(required=True)
    notice_started_at = _nullable(fields.AwareDateTime, **_At)
    notice_ends_at = _nullable(fields.AwareDateTime, **_At)
    open_objections = fields.Integer(required=True)
    points = _nullable(fields.String, metadata={"description": "exact decimal, one place (from the notice on)"})
    approved_at = _nullable(fields.AwareDateTime, **_At)
    allowed_actions = fields.List(fields.String(validate=validate.OneOf(ACTIONS)), required=True, metadata={
        "description": "what the endpoints accept for this application now (its state and the time; the "
                       "caller's role and scope are judged by each endpoint): submit, edit, review, "
                       "file_objection, resolve_objection, merge_objections, close_notice, withdraw, revoke"})


class StatusOut(Schema):
    application_id = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    version = fields.Integer(required=True)


class PointsOut(Schema):
    application_id = fields.String(required=True)
    preview = fields.Boolean(required=True, metadata={"description": "true: computed now, nothing stored yet"})
    as_of = fields.Date(required=True)
    points = fields.String(required=True)
    points_tenths = fields.Integer(required=True)
    breakdown = fields.Nested(BreakdownOut, required=True, metadata={
        "description": "one line per rule; each line's input is not in the masked view"})


class QueueItemOut(Schema):
    application_id = fields.String(required=True)
    version = fields.Integer(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    enterprise = _nullable(fields.String)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    name_masked = fields.String(required=True)
    first_submitted_at = _nullable(fields.AwareDateTime, **_At)
    waiting_since = fields.AwareDateTime(required=True, **_At)


class ListItemOut(Schema):
    application_id = fields.String(required=True)
    version = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    enterprise = _nullable(fields.String)
    name_masked = fields.String(required=True)
    person_ref = fields.String(required=True)
    household_size = fields.Integer(required=True)
    points = _nullable(fields.String)
    first_submitted_at = _nullable(fields.AwareDateTime, **_At)
    updated_at = fields.AwareDateTime(required=True, **_At)
    created_at = fields.AwareDateTime(required=True, **_At)


class NoticeItemOut(Schema):
    application_id = fields.String(required=True)
    name_masked = fields.String(required=True)
    enterprise = _nullable(fields.String)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    points = _nullable(fields.String)
    notice_ends_at = fields.AwareDateTime(required=True, **_At)
    objection_pending = fields.Boolean(required=True)


QueueOut = paging.page_of(QueueItemOut, name="QueueOut", description="oldest first")
ApplicationListOut = paging.page_of(ListItemOut, name="ApplicationListOut",
                                    description="newest first; names masked for every reader")


class NoticeBoardOut(paging.page_of(NoticeItemOut, name="NoticeBoardPage", description="the soonest to end first")):
    notices = fields.List(fields.Nested(NoticeItemOut), required=True,
                          metadata={"description": "the same list as items (its earlier name)", "deprecated": True})


class CountsOut(Schema):
    total = fields.Integer(required=True)
    by_state = fields.Dict(keys=fields.String(validate=validate.OneOf(STATES)), values=fields.Integer(),
                           required=True, metadata={"description": "every state, zeros included"})


class ObjectionFiledOut(Schema):
    objection_id = fields.String(required=True)
    application_id = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))


class ObjectionItemOut(Schema):
    objection_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["open", "upheld", "dismissed", "merged"]))
    reason = _nullable(fields.String, metadata={"description": "not in the masked view"})
    filed_at = fields.AwareDateTime(required=True, **_At)
    resolved_at = _nullable(fields.AwareDateTime, **_At)
    resolved_by = _nullable(fields.String)
    duplicate_of = _nullable(fields.String, metadata={"description": "the objection a merged duplicate went into"})
    note = _nullable(fields.String)


class ObjectionListOut(Schema):
    application_id = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    open_objections = fields.Integer(required=True)
    items = fields.List(fields.Nested(ObjectionItemOut), required=True, metadata={"description": "oldest first"})


class MergedOut(Schema):
    objection_id = fields.String(required=True, metadata={"description": "the objection kept open"})
    application_id = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    open_objections = fields.Integer(required=True)


class ClosedNoticesOut(Schema):
    closed = fields.List(fields.String(), required=True, metadata={"description": "the applications approved"})
    count = fields.Integer(required=True)
    remaining = fields.Integer(required=True, metadata={
        "description": "notices still due after this call (every due notice is closed in one call, in batches; "
                       "one that changed meanwhile stays, e.g. a race with an objection): 0 when all are closed"})


class PolicyOut(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["eligibility", "points"]))
    version = fields.Integer(required=True)
    document = fields.Dict(required=True, metadata={"description": "the policy document (areas in m² as decimal "
                                                                   "strings, money in fen, points in tenths)"})
    recomputed = fields.Integer(metadata={"description": "a new points policy: approved applications recomputed"})
    changed = fields.Integer(metadata={"description": "a new points policy: totals that changed"})


class PolicyVersionOut(Schema):
    version = fields.Integer(required=True)
    document = fields.Dict(required=True)
    created_by = fields.String(required=True)
    created_at = _nullable(fields.AwareDateTime, **_At, metadata={"description": "none for the built-in version 1"})


class PolicyHistoryOut(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["eligibility", "points"]))
    versions = fields.List(fields.Nested(PolicyVersionOut), required=True)


class RecheckRunItemOut(Schema):
    application_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["keep", "pending"]))
    reasons = fields.List(fields.String(), required=True)


class RecheckRunOut(Schema):
    recheck_id = fields.String(required=True)
    as_of = fields.Date(required=True)
    items = fields.List(fields.Nested(RecheckRunItemOut), required=True)
    pending = fields.Integer(required=True, metadata={"description": "failed, waiting for a district officer"})


class RecheckItemOut(Schema):
    application_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["keep", "pending", "revoked"]))
    reasons = fields.List(fields.String(), required=True, metadata={
        "description": "the failing rules' reasons; masked: only their names"})
    result = fields.Nested(EligibilityOut, required=True)
    confirmed_by = _nullable(fields.String)
    confirmed_at = _nullable(fields.AwareDateTime, **_At)


class RecheckOut(Schema):
    recheck_id = fields.String(required=True)
    as_of = fields.Date(required=True)
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True, **_At)
    items = fields.List(fields.Nested(RecheckItemOut), required=True)


class RevokedOut(Schema):
    application_id = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    reasons = fields.List(fields.String(), required=True)


def _counts():
    return fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), required=True,
                       metadata={"description": "null: a cell suppressed (suppress_below)"})


class SurveyOut(Schema):
    total = fields.Integer(required=True)
    by_enterprise = _counts()
    by_programme = _counts()
    by_household_size = _counts()
    by_housing_kind = _counts()
    by_income_band = _counts()
    suppress_below = fields.Integer(required=True)
