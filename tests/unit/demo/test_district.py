"""The demo district's generator: the same seed gives the same district; every resident ID is
valid and unique; the sizes follow the brief's proportions; every unit of a programme fits
every household that programme takes (so matched counts follow from the counts alone)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from services.allocation.domain.fit import FitPolicy
from services.allocation.domain.stock import Unit
from services.common.identity import check_digit
from services.demo.district import generate

START = date(2026, 3, 1)


def test_the_same_seed_gives_the_same_district_and_another_seed_another():
    assert generate(300, 7, START) == generate(300, 7, START)
    assert generate(300, 7, START).workers != generate(300, 8, START).workers


def test_resident_ids_are_valid_unique_and_adults_are_of_working_age():
    d = generate(1000, 3, START)
    ids = [w.id_number for w in d.workers] + [m.id_number for w in d.workers for m in w.members]
    assert len(ids) == len(set(ids))
    for number in ids:
        assert len(number) == 18 and number[:17].isdigit() and number[17] == check_digit(number[:17])
    for w in d.workers:
        born = date(int(w.id_number[6:10]), int(w.id_number[10:12]), int(w.id_number[12:14]))
        assert 22 <= (START - born).days // 365 <= 58
        assert w.hire_date < START


def test_sizes_follow_the_programme_proportions():
    d = generate(5000, 7, START)
    assert len(d.enterprises) == 30 and len(d.workers) == 5000
    assert len(d.projects) == 6 and len({p.programme for p in d.projects}) == 5
    assert len({p.supply_mode for p in d.projects}) == 3
    assert 1450 <= d.unit_count <= 1550  # 1,500 units for 5,000 workers
    hardship = sum(1 for w in d.workers if w.hardship)
    assert 0.02 * 5000 <= hardship <= 0.04 * 5000
    sizes = Counter(w.household_size for w in d.workers)
    assert set(sizes) == {1, 2, 3, 4} and all(sizes[n] > 300 for n in sizes)
    assert len({r.source for r in d.receipts}) >= 4 and any(r.for_relief for r in d.receipts)
    assert len({w.enterprise for w in d.workers}) == 30


def test_every_unit_of_a_programme_fits_every_household_it_takes():
    d = generate(2000, 11, START)
    fit = FitPolicy()
    for project in d.projects:
        takers = {w.household_size for w in d.workers if w.programme == project.programme}
        for u in project.units:
            unit = Unit(unit_id=f"{project.id}/{u['building']}/{u['number']}", project_id=project.id,
                        building=u["building"], number=u["number"], floor=u["floor"], rooms=u["rooms"],
                        area_tenths=round(float(u["area_m2"]) * 10), beds=u["beds"], rent_fen=u["rent_fen"],
                        category=u["category"], accessible=u["accessible"])
            assert all(fit.fits(unit, n, project.programme, False) for n in takers), (project.id, u)


def test_too_small_a_district_is_refused():
    with pytest.raises(ValueError, match="at least 10"):
        generate(5, 1, START)
