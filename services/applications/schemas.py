"""Request schemas, what applications reads from other services, and its event contracts."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from services.common.events.contracts import contract
from services.common.fields import MobilePhone, PublicText, ResidentIdNumber

from .domain.lifecycle import Decision, ReviewLevel, State
from .domain.policy import HardshipCategory, HonourLevel, HousingKind, Programme

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

class ApplicantIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id_number = ResidentIdNumber(required=True)
    phone = MobilePhone(load_default=None)
    email = fields.Email(load_default=None)
    enterprise = fields.String(load_default=None, validate=validate.Length(min=1, max=80))
    hire_date = fields.Date(load_default=None)
    union_member = fields.Boolean(load_default=None)
    honour = fields.String(load_default=None, validate=validate.OneOf(HONOURS))
    frontline = fields.Boolean(load_default=False)
    needs_accessible = fields.Boolean(load_default=False)


class MemberIn(Schema):
    relation = fields.String(required=True, validate=validate.OneOf(RELATIONS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id_number = ResidentIdNumber(required=True)
    monthly_income_fen = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0))


class HousingIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(HOUSING_KINDS))
    area_m2 = fields.Decimal(load_default=Decimal(0), places=None, as_string=True,
                             validate=validate.Range(min=0, max=10000),
                             metadata={"description": "m², at most 2 decimals; 0 when kind is none"})

    @validates("area_m2")
    def _two_places(self, value, **_):
        if value.as_tuple().exponent < -2:
            raise ValidationError("at most 2 decimal places")

    @validates_schema
    def _none_has_no_area(self, data, **_):
        if data.get("kind") == "none" and data.get("area_m2", 0) != 0:
            raise ValidationError("must be 0 when kind is none", "area_m2")


class ApplicationIn(Schema):
    """A draft: applicant identity and programme are needed; the rest may follow before submit."""

    applicant = fields.Nested(ApplicantIn, required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    members = fields.List(fields.Nested(MemberIn), load_default=list, validate=validate.Length(max=15))
    monthly_household_income_fen = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=0))
    housing = fields.Nested(HousingIn, load_default=None)
    preferences = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                              validate=validate.Length(max=5, error="at most 5 preferences"))
    version = fields.Integer(strict=True, load_default=None,
                             metadata={"description": "PUT: the version you edited (optimistic lock)"})
    submit = fields.Boolean(load_default=False, metadata={
        "description": "POST only: submit at once instead of saving a draft (the same pre-check as "
                       "POST …/submit; if it fails, 422 and nothing is saved). PUT ignores it."})


class VersionIn(Schema):
    version = fields.Integer(strict=True, load_default=None)
    reasons = fields.List(_ReasonText, load_default=list)


class ReviewIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reasons = fields.List(_ReasonText, load_default=list, validate=validate.Length(max=20))
    version = fields.Integer(strict=True, required=True,
                             metadata={"description": "the application version you reviewed"})


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class QueueQuery(PageQuery):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    programme = fields.String(load_default=None, validate=validate.OneOf(PROGRAMMES))
    enterprise = fields.String(load_default=None)


class ObjectionIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=2000))


class ResolveIn(Schema):
    upheld = fields.Boolean(required=True)
    note = PublicText(load_default="")


class PolicyDocumentIn(Schema):
    """Any JSON object; the domain's `from_dict` checks every field (422 naming it)."""

    class Meta:
        unknown = "include"


class RecheckUpdateIn(Schema):
    application_id = fields.String(required=True)
    monthly_household_income_fen = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=0))
    housing = fields.Nested(HousingIn, load_default=None)
    household_size = fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=20))
    union_member = fields.Boolean(load_default=None)


class RecheckIn(Schema):
    as_of = fields.Date(required=True)
    updates = fields.List(fields.Nested(RecheckUpdateIn), required=True, validate=validate.Length(min=1, max=5000))


class SurveyQuery(Schema):
    suppress_below = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100))


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

_DT = {"format": "iso"}


@contract("application.submitted", producer="applications",
          description="An application was submitted (or resubmitted after correction) and awaits enterprise review.")
class ApplicationSubmitted(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    enterprise = fields.String(required=True)
    policy_version = fields.Integer(required=True)
    resubmission = fields.Boolean(required=True)
    submitted_at = fields.AwareDateTime(required=True, **_DT)


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
    reviewed_at = fields.AwareDateTime(required=True, **_DT)


@contract("application.notice_started", producer="applications",
          description="The application passed its last review and is on public notice (公示) until notice_ends_at.")
class NoticeStarted(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    name_masked = fields.String(required=True)
    enterprise = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    points = fields.String(required=True)
    notice_started_at = fields.AwareDateTime(required=True, **_DT)
    notice_ends_at = fields.AwareDateTime(required=True, **_DT)


@contract("application.objection_filed", producer="applications",
          description="An objection (异议) was filed during the notice; the application waits for its resolution.")
class ObjectionFiled(Schema):
    application_id = fields.String(required=True)
    objection_id = fields.String(required=True)
    filed_at = fields.AwareDateTime(required=True, **_DT)


@contract("application.objection_resolved", producer="applications",
          description="A district officer resolved an objection: upheld rejects the application, dismissed continues.")
class ObjectionResolved(Schema):
    application_id = fields.String(required=True)
    objection_id = fields.String(required=True)
    upheld = fields.Boolean(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    resolved_at = fields.AwareDateTime(required=True, **_DT)


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
    approved_at = fields.AwareDateTime(required=True, **_DT)


@contract("application.rejected", producer="applications",
          description="The application was rejected by a review level or by an upheld objection.")
class ApplicationRejected(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    stage = fields.String(required=True, validate=validate.OneOf(["review", "objection"]))
    reasons = fields.List(fields.String(), required=True)
    rejected_at = fields.AwareDateTime(required=True, **_DT)


@contract("application.withdrawn", producer="applications",
          description="The applicant withdrew the application (撤回); approved ones leave the pool.")
class ApplicationWithdrawn(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    withdrawn_at = fields.AwareDateTime(required=True, **_DT)


@contract("eligibility.revoked", producer="applications",
          description="The annual re-check (年审) failed and a district officer confirmed it: eligibility revoked.")
class EligibilityRevoked(Schema):
    application_id = fields.String(required=True)
    person_ref = fields.String(required=True)
    programme = fields.String(required=True, validate=validate.OneOf(PROGRAMMES))
    reasons = fields.List(fields.String(), required=True)
    revoked_at = fields.AwareDateTime(required=True, **_DT)


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
