"""Needs survey (调查摸底): counts of the applications made (not drafts, not withdrawn) by
enterprise, programme, household size, housing and income band (domain/survey.py)."""

from __future__ import annotations

from sqlalchemy import select

from . import models
from .domain import survey
from .domain.lifecycle import State


def needs_survey(session, suppress_below: int) -> dict:
    a = models.Application
    rows = session.execute(select(a.enterprise, a.programme, a.household_size, a.housing_kind,
                                  a.monthly_household_income_fen)
                           .where(a.state.notin_([State.DRAFT.value, State.WITHDRAWN.value]))).all()
    records = [{"enterprise": r.enterprise, "programme": r.programme, "household_size": r.household_size,
                "housing_kind": r.housing_kind,
                "monthly_income_per_capita_fen": -(-r.monthly_household_income_fen // r.household_size)}
               for r in rows]
    return survey.aggregate(records, suppress_below=suppress_below).to_dict()
