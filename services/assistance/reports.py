"""Reports (统计报表) of a year, aggregates only (no names, no person_refs, no household ids):
relief totals by category, kind and month; households helped; the median time from request to
approval; follow-up completion; budgets used and remaining. A relief counts in the year it was
approved (the district's calendar); a cancelled one does not count (its value went back to
the budget)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select

from services.common.clock import Calendar
from services.common.errors import NotFound

from . import models, relief
from .domain import reports as rules
from .domain.relief import CaseStatus

C, H, F = models.ReliefCase, models.HardshipHousehold, models.FollowUp


def year_report(session, year: int, calendar: Calendar) -> dict:
    if not 2000 <= year <= 2100:  # a path, not an input field: a year the programme cannot have is not found
        raise NotFound(f"there is no report for year {year}: years 2000 … 2100")
    start, end = calendar.midnight_utc(date(year, 1, 1)), calendar.midnight_utc(date(year + 1, 1, 1))
    cases = session.execute(
        select(H.category, C.kind, C.decided_at, C.requested_at, C.total_fen, C.household_id)
        .join(H, H.id == C.household_id)
        .where(C.status.in_([CaseStatus.APPROVED, CaseStatus.DELIVERED]), C.decided_at >= start, C.decided_at < end)
    ).all()
    lines = rules.totals((c.category, c.kind, calendar.date_of(c.decided_at).strftime("%Y-%m"), c.total_fen)
                         for c in cases)
    due = and_(F.due_on >= date(year, 1, 1), F.due_on < date(year + 1, 1, 1))
    visits = session.execute(select(F.due_on, F.done_at).where(due)).all()
    done = [v for v in visits if v.done_at is not None]
    on_time = [v for v in done if calendar.date_of(v.done_at) <= v.due_on]
    return {
        "year": year,
        "relief": lines,
        "cases_approved": len(cases),
        "amount_fen": sum(c.total_fen for c in cases),
        "households_helped": len({c.household_id for c in cases}),
        "median_approval_seconds": rules.median_seconds(
            int((c.decided_at - c.requested_at).total_seconds()) for c in cases),
        "follow_ups": {"due": len(visits), "done": len(done), "done_on_time": len(on_time),
                       "completion_permille": rules.completion_permille(len(done), len(visits))},
        "budgets": [{"kind": b.kind, "total_fen": b.total_fen, "used_fen": b.used_fen,
                     "remaining_fen": b.total_fen - b.used_fen} for b in relief.budgets(session, year)],
    }
