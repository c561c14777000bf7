"""Who may do what in applications: each capability → the groups of services.common.roles that
may use it, and the scope rules that come with a role (an enterprise officer acts only for their
own enterprise; each review level has its one reviewing role).

The city rule (services/common/roles.py): a city officer reads everything but writes only the
city-level capabilities — the policies (SET_POLICY) and the city-level review (REVIEW at the
city level). Intake, objections, notices and re-checks are the district's day-to-day work."""

from __future__ import annotations

from services.common import roles as common
from services.common.errors import Forbidden
from services.common.roles import CITY_OFFICER, DISTRICT_OFFICER, ENTERPRISE_OFFICER

from .domain.lifecycle import ReviewLevel

READ = common.STAFF  # applications, points, the review queue, policies, re-checks, the survey
INTAKE = common.INTAKE  # create, edit, submit, withdraw
REVIEW = (ENTERPRISE_OFFICER, DISTRICT_OFFICER, CITY_OFFICER)  # each at its own level: REVIEWER
RESOLVE_OBJECTION = common.DISTRICT_OPS  # resolving and merging duplicates
CLOSE_NOTICES = common.DISTRICT_OPS
SET_POLICY = (CITY_OFFICER,)
RUN_RECHECK = common.DISTRICT_OPS
CONFIRM_RECHECK = common.DISTRICT_OPS

#: The roles as people name them (for messages).
ROLE_WORDS = {ENTERPRISE_OFFICER: "an enterprise officer", DISTRICT_OFFICER: "a district officer",
              CITY_OFFICER: "a city officer", common.AUDITOR: "an auditor", common.FINANCE_OFFICER: "a finance officer"}

#: The one role that reviews at each level.
REVIEWER = {ReviewLevel.ENTERPRISE: ENTERPRISE_OFFICER, ReviewLevel.DISTRICT: DISTRICT_OFFICER,
            ReviewLevel.CITY: CITY_OFFICER}
#: Who sees what, decided here once. District officers (their district's work) and city officers
#: (the city-level review needs the facts; the city reads everything) see every application's
#: personal data, an enterprise officer their own enterprise's applications'. Everyone else who
#: may read - auditors, other enterprises' officers - gets the masked view: masked names and ID
#: numbers, no contact data, no birth or hire date, no exact incomes or areas (the income band
#: per person instead), eligibility as pass/fail per rule without its inputs, points without
#: their inputs, objections without their reasons. Re-check runs (a district operation) are shown
#: in full to district and city officers only.
FULL_VIEW = frozenset(common.OFFICERS)
WHO_SEES_PERSONAL_DATA = ("personal data shown to district and city officers and to the application's own "
                          "enterprise officer; masked for auditors and other enterprises' officers")


def sees_personal_data(principal, enterprise: str | None) -> bool:
    """Does `principal` see the personal data of an application of `enterprise`?"""
    if principal is None:
        return False
    if principal.role in FULL_VIEW:
        return True
    return principal.role == ENTERPRISE_OFFICER and enterprise is not None and enterprise == principal.enterprise


#: Who may correct any applicant's name and contact data. An enterprise officer corrects only a
#: person who has no active application of another enterprise (intake never changes an
#: applicant outside the caller's scope): else the district office does.
CORRECT_ANY_APPLICANT = common.DISTRICT_OPS


def corrects_any_applicant(principal) -> bool:
    return principal.role in CORRECT_ANY_APPLICANT


def outside_scope(what_remains: str) -> Forbidden:
    """The refusal when an enterprise officer would change a person another enterprise files for."""
    return Forbidden("this person has an active application with another enterprise: only the district office "
                     f"may {what_remains}", errors={"applicant.id_number": ["has an active application with another "
                                                                            "enterprise"]})


def check_intake_scope(principal, enterprise: str | None) -> None:
    """Enterprise officers act only for their own enterprise: not for another's, and not on an
    application that has none (a district officer's draft)."""
    if principal.role == ENTERPRISE_OFFICER and enterprise != principal.enterprise:
        raise Forbidden(f"enterprise officers act only for their own enterprise ({principal.enterprise}), "
                        f"not {enterprise}", errors={"applicant.enterprise": ["not your enterprise"]})
