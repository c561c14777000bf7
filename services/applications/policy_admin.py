"""Policy administration (资格/积分政策): the eligibility and points policies as versioned,
audited documents. A new version is numbered by the server and checked by the domain
(domain/policy.py); a new points policy recomputes the approved applications' points."""

from __future__ import annotations

from datetime import datetime

from services.common.errors import NotFound

from . import models, points, repository

KINDS = ("eligibility", "points")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"no policy kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def read_policy(session, kind: str, notice_days: int) -> dict:
    policy = repository.current_policy(session, _kind(kind), notice_days)
    return {"kind": kind, "version": policy.version, "document": policy.to_dict()}


def policy_history(session, kind: str, notice_days: int) -> dict:
    """Every version, who set it and when; version 1 is the built-in default."""
    _kind(kind)
    versions = [{"version": 1, "document": repository.default_document(kind, notice_days), "created_by": "built-in",
                 "created_at": None}]
    versions += [{"version": r.version, "document": r.document, "created_by": r.created_by,
                  "created_at": r.created_at} for r in repository.policy_rows(session, kind)]
    return {"kind": kind, "versions": versions}


def set_policy(uow, now: datetime, calendar, kind: str, document: dict, set_by: str, notice_days: int) -> dict:
    """Store `document` as the next version of the policy (a PolicyError names a bad field); a
    points policy then recomputes every approved application's points."""
    _kind(kind)
    document = dict(document)
    current = repository.current_policy(uow.session, kind, notice_days)
    document["version"] = current.version + 1
    policy = repository.parse_policy(kind, document, notice_days)
    uow.session.add(models.Policy(kind=kind, version=policy.version, document=document, created_by=set_by,
                                  created_at=now))
    uow.session.flush()
    reply = {"kind": kind, "version": policy.version, "document": policy.to_dict()}
    if kind == "points":
        outcome = points.recompute_points(uow, policy, calendar.date_of(now), now, "policy_change", calendar)
        reply.update(recomputed=outcome["recomputed"], changed=outcome["changed"])
    return reply
