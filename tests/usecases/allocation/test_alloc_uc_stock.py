"""Stock (房源) use cases: units added, CSV import, maintenance."""

from datetime import timedelta

import pytest
from allocation_usecase_helpers import NOW, PROJECT, UNITS, row

from services.allocation import errors, models, stock
from services.allocation.domain.csv_import import CsvFormatError
from services.allocation.domain.stock import StatusTransitionError
from services.common.errors import Conflict, NotFound, field_errors, status_for

HEADER = "project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible\n"


@pytest.fixture
def project(store):
    with store.uow() as uow:
        stock.create_project(uow, NOW, PROJECT)
        uow.commit()
    return store


def test_units_added_are_vacant_since_now_and_announced(project, outbox):
    with project.uow() as uow:
        added = stock.add_units(uow, NOW, "P1", UNITS)
        uow.commit()
    assert [u.id for u in added] == ["P1-A-301", "P1-A-302", "P1-A-303"]
    with project.worker_db().read() as s:
        units = stock.units_of(s, "P1", "vacant")
        assert [(u.id, u.rooms, u.area_tenths, u.status, u.vacant_since) for u in units] == [
            ("P1-A-301", 2, 700, "vacant", NOW), ("P1-A-302", 1, 400, "vacant", NOW),
            ("P1-A-303", 1, 420, "vacant", NOW)]
        assert stock.units_of(s, "P1", "offered") == []
    assert outbox("stock.units_added") == [{"project_id": "P1", "programme": "public_rental", "count": 3,
                                            "unit_ids": ["P1-A-301", "P1-A-302", "P1-A-303"]}]


def test_a_project_is_registered_once_and_units_need_one(project):
    with project.uow() as uow, pytest.raises(Conflict, match="already exists"):
        stock.create_project(uow, NOW, PROJECT)
    with project.uow() as uow, pytest.raises(NotFound, match="create it with POST /projects"):
        stock.add_units(uow, NOW, "P9", UNITS)


def test_csv_import_keeps_the_good_rows_and_a_malformed_file_names_the_file(project, outbox):
    csv_text = (HEADER + "P1,B,101,1,1,18.5,1,60000,public_rental,否\n"
                + "P1,B,102,1,1,abc,1,60000,public_rental,0\n")
    with project.uow() as uow:
        units, bad = stock.import_units_csv(uow, NOW, "P1", csv_text.encode())
        uow.commit()
    assert [u.unit_id for u in units] == ["P1/B/101"]
    assert [(e.line, e.column) for e in bad] == [(3, "area_m2")]
    assert row(project, models.Unit, "P1/B/101").vacant_since == NOW
    assert outbox("stock.units_added")[0]["unit_ids"] == ["P1/B/101"]

    with project.uow() as uow, pytest.raises(CsvFormatError) as malformed:
        stock.import_units_csv(uow, NOW, "P1", b"project,building\nP1,B\n")
    assert str(malformed.value).startswith("malformed CSV, nothing imported: line 1: wrong header")
    assert status_for(malformed.value, errors.STATUS) == 400 == errors.STATUS[CsvFormatError]
    assert list(field_errors(malformed.value)) == ["file"]
    assert field_errors(malformed.value)["file"][0].startswith("line 1: wrong header")


def test_a_vacant_unit_goes_into_maintenance_and_back(project):
    later = NOW + timedelta(days=3)
    with project.uow() as uow:
        stock.add_units(uow, NOW, "P1", UNITS[:1])
        stock.set_unit_status(uow, NOW, "P1-A-301", "maintenance")
        uow.commit()
    unit = row(project, models.Unit, "P1-A-301")
    assert (unit.status, unit.vacant_since) == ("maintenance", None)
    with project.uow() as uow, pytest.raises(StatusTransitionError) as twice:
        stock.set_unit_status(uow, NOW, "P1-A-301", "maintenance")
    assert status_for(twice.value, errors.STATUS) == 409 and field_errors(twice.value) is None
    assert "cannot go from maintenance to maintenance" in str(twice.value)
    with project.uow() as uow:
        stock.set_unit_status(uow, later, "P1-A-301", "vacant")
        uow.commit()
    unit = row(project, models.Unit, "P1-A-301")
    assert (unit.status, unit.vacant_since) == ("vacant", later)
