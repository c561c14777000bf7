"""domain.tenancies: the dates a tenancy's move-in, move-out and violations may carry."""

from datetime import date

import pytest

from services.allocation.domain.tenancies import (
    TenancyDateError,
    check_move_out,
    check_run_date,
    check_terms,
    check_violation_date,
)

TODAY = date(2026, 12, 2)


def refused(fn, *args, **kw) -> tuple[str, str]:
    with pytest.raises(TenancyDateError) as err:
        fn(*args, **kw)
    return err.value.field, err.value.message


def test_terms():
    check_terms(TODAY, date(2029, 12, 1), accepted_on=TODAY, today=TODAY)
    check_terms(date(2028, 2, 29), date(2038, 2, 28), accepted_on=TODAY, today=date(2027, 12, 31))  # leap day
    assert refused(check_terms, date(2028, 2, 29), date(2038, 3, 1), accepted_on=TODAY, today=date(2027, 12, 31))[0] \
        == "end"
    assert refused(check_terms, TODAY, TODAY, accepted_on=TODAY, today=TODAY) == ("end", "must be after start")
    assert refused(check_terms, date(2026, 12, 1), date(2027, 12, 1), accepted_on=TODAY, today=TODAY)[0] == "start"
    assert refused(check_terms, date(2027, 12, 4), date(2028, 12, 1), accepted_on=TODAY, today=TODAY)[0] == "start"


def test_move_out_violation_and_run_dates():
    check_move_out(TODAY, start=date(2026, 1, 1), today=TODAY)
    check_move_out(TODAY, start=date(2027, 1, 1), today=TODAY)  # a move-in called off before it began
    assert refused(check_move_out, date(2026, 12, 3), start=date(2026, 1, 1), today=TODAY)[0] == "on"
    assert refused(check_move_out, date(2026, 12, 1), start=date(2027, 1, 1), today=TODAY)[0] == "on"
    check_violation_date(TODAY, start=TODAY, today=TODAY)
    assert refused(check_violation_date, date(2026, 12, 1), start=TODAY, today=TODAY)[0] == "on"
    assert refused(check_violation_date, date(2026, 12, 3), start=date(2026, 1, 1), today=TODAY)[0] == "on"
    check_run_date(TODAY, today=TODAY)
    assert refused(check_run_date, date(2026, 12, 3), today=TODAY)[0] == "on"
