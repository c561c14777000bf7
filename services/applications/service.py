"""The applications nameko service (申请与资格审核): one service class composed of its
entrypoint classes (entrypoints/), each calling the use cases of the module named like it:

- intake.py        drafts, edits, submission with the eligibility pre-check, withdrawal; the
                   one-active-application dedup of a person and of a household (household_claims)
                   and who may correct an applicant (roles.py)
- review.py        three-level review and the review queue
- notice.py        public notice, objections (limited per client and per application, duplicates
                   merged by staff), closing due notices, approval
- points.py        points stored with their inputs; recomputed after a points-policy change
                   or a hardship change (entrypoints/hardship.py: assistance's events)
- policy_admin.py  the versioned eligibility and points policy documents
- rechecks.py      annual re-check and revocation
- search.py        lists and search for staff: applications by their filters, counts per state
- survey.py        the needs survey
- queries.py       what other services ask over RPC

Use cases take the clock's reading from the entrypoint: `now` (UTC) and, where a business date
is needed, `today` (the district's calendar date) or the district `calendar` (points also turn
stored instants into dates). What may be done with an application (allowed_actions) and every
refusal come from domain/lifecycle.py's `refusal`.

Beside them: repository.py (rows, row ↔ domain, version guards, stored policies), views.py
(replies, masking), payloads.py (events several use cases publish), settings.py (config),
roles.py (who may do what), errors.py (domain exceptions → status), schemas.py, models.py and
domain/ (the rules in plain Python).
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, gauges, models
from .entrypoints.hardship import HardshipEntrypoints
from .entrypoints.intake import IntakeEntrypoints
from .entrypoints.notice import NoticeEntrypoints
from .entrypoints.policy_admin import PolicyAdminEntrypoints
from .entrypoints.queries import QueryEntrypoints
from .entrypoints.rechecks import RecheckEntrypoints
from .entrypoints.review import ReviewEntrypoints
from .entrypoints.search import SearchEntrypoints
from .entrypoints.survey import SurveyEntrypoints


class ApplicationsService(IntakeEntrypoints, ReviewEntrypoints, NoticeEntrypoints, PolicyAdminEntrypoints,
                          HardshipEntrypoints, RecheckEntrypoints, SearchEntrypoints, SurveyEntrypoints,
                          QueryEntrypoints,
                          PlatformService):
    name = "applications"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
    state_gauges = (gauges.refresh,)  # business gauges on /metrics (gauges.py)
