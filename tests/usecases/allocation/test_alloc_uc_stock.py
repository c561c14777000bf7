"""Stock (房源) use cases: units added, CSV import, maintenance."""

from datetime import date, timedelta

import pytest
from allocation_usecase_helpers import NOW, ON, PROJECT, UNITS, row

from services.allocation import errors, models, stock
from services.allocation.domain.csv_import import CsvFormatError
from services.allocation.domain.stock import StatusTransitionError
from services.common.errors import BadRequest, Conflict, NotFound, field_errors, status_for

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
    assert [u.unit_id for u in units] == ["P1-B-101"]  # issue 11 item 3: the id a JSON unit gets
    assert [(e.line, e.column) for e in bad] == [(3, "area_m2")]
    assert row(project, models.Unit, "P1-B-101").vacant_since == NOW
    assert outbox("stock.units_added")[0]["unit_ids"] == ["P1-B-101"]

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


def test_json_and_csv_units_get_one_id_form_and_duplicates_name_the_stored_id(project):
    """Issue 11 item 3: CSV gave P1/A栋/101 and JSON P1-A栋-101; now both give the second, and a
    unit repeated by either path is named by the id it has (also an id in the old form)."""
    with project.uow() as uow:
        stock.add_units(uow, NOW, "P1", [{**UNITS[0], "building": "A栋", "number": "101"}])
        uow.session.add(models.Unit(id="P1/B/7", project_id="P1", building="B", number="7", floor=1, rooms=1,
                                    area_tenths=400, beds=0, rent_fen=1, category="public_rental",
                                    accessible=False, status="vacant", vacant_since=NOW))  # imported long ago
        uow.commit()
    csv_text = HEADER + "P1,A栋,102,1,1,40.5,0,60000,public_rental,0\nP1,A栋,101,1,1,40,0,1,public_rental,0\n"
    with project.uow() as uow:
        units, bad = stock.import_units_csv(uow, NOW, "P1", (csv_text + "P1,B,7,1,1,40,0,1,public_rental,0\n").encode())
        uow.commit()
    assert [u.unit_id for u in units] == ["P1-A栋-102"]
    assert [(e.line, e.message) for e in bad] == [
        (3, "duplicate unit P1-A栋-101: it already exists (building 'A栋' number '101')"),
        (4, "duplicate unit P1/B/7: it already exists (building 'B' number '7')")]
    for repeat, message in (([{**UNITS[0], "building": "B", "number": "7"}],
                             "unit P1/B/7 already exists (building B, number 7)"),
                            ([UNITS[1], UNITS[1]], "unit P1-A-302 is listed twice (units 0 and 1)")):
        with project.uow() as uow, pytest.raises(Conflict) as dup:
            stock.add_units(uow, NOW, "P1", repeat)
        assert str(dup.value) == message and list(dup.value.errors["units"]) == [str(len(repeat) - 1)]
    with project.uow() as uow, pytest.raises(BadRequest, match="longer than 40 characters") as long:
        stock.add_units(uow, NOW, "P1", [{**UNITS[0], "building": "B" * 30, "number": "9" * 10}])
    assert long.value.errors == {"units": {"0": {"number": [f"unit id P1-{'B' * 30}-{'9' * 10} is longer than "
                                                            "40 characters"]}}}


def test_the_unit_schema_refuses_ids_unsafe_in_a_url_and_takes_the_area_in_m2():
    """Issue 11 item 3 and 'one unit for areas': area_m2 (m², two decimals, as applications writes
    it) is the field; area_tenths is still accepted (deprecated); a '/' in building or number is
    refused, as the CSV refuses it."""
    from marshmallow import ValidationError

    from services.allocation.schemas import UnitIn

    base = {k: v for k, v in UNITS[0].items() if k != "area_tenths"}
    assert UnitIn().load({**base, "area_m2": "70.50"})["area_tenths"] == 705
    assert UnitIn().load({**base, "area_tenths": 705})["area_tenths"] == 705
    refusals = [({"area_m2": "70.55"}, {"area_m2": ["areas are recorded to 0.1 m² (e.g. 65.5 or 65.50)"]}),
                ({"area_m2": 70.5}, {"area_m2": ['the area as text, e.g. "65.50"']}),
                ({}, {"area_m2": ["give the area as area_m2 (m², e.g. \"65.50\"), or the older area_tenths; "
                                  "exactly one"]}),
                ({"area_m2": "70", "building": "A/1"},
                 {"building": ["must not contain '/' (the unit id must be safe in a URL)"]}),
                ({"area_m2": "70", "number": "1#2"},
                 {"number": ["must not contain '#' (the unit id must be safe in a URL)"]})]
    for bad, messages in refusals:
        with pytest.raises(ValidationError) as refused:
            UnitIn().load({**base, **bad})
        assert refused.value.messages == messages


def test_the_unit_view_shows_the_area_in_m2_with_two_decimals(project):
    from services.allocation import views

    with project.uow() as uow:
        [unit] = stock.add_units(uow, NOW, "P1", UNITS[:1])
        uow.commit()
    shown = views.unit_view(row(project, models.Unit, unit.id))
    assert shown["area_m2"] == "70.00" and "area_tenths" not in shown


def test_staff_set_only_repairs_an_occupied_offered_or_reserved_unit_keeps_its_status(stocked, drawn):
    """Issue 12 item 1: PUT /units/<id>/status took a let unit to maintenance and back to vacant
    (200 both times), and a new round then offered it. Now only vacant ↔ maintenance, never a
    unit with an active tenancy (even one whose status was wrongly changed before)."""
    from services.allocation import offers

    a1, a2 = drawn[0]["A1"], drawn[0]["A2"]
    with stocked.uow() as uow:
        offers.accept_offer(uow, ON, a1.id)
        offers.accept_offer(uow, ON, a2.id)
        tenancy = offers.move_in(uow, NOW, ON, a1.id, ON, date(2029, 11, 30))
        uow.commit()
    cases = {"P1-A-301": ("occupied", f"tenancy {tenancy.id} is active on it: it becomes vacant when that "
                                      "tenancy ends (move-out)"),
             "P1-A-302": ("reserved", "it is reserved for the applicant who accepted it: it is let at move-in"),
             "P1-A-303": ("offered", "it is on offer: it becomes vacant when the offer is declined or expires")}
    for unit_id, (status, reason) in cases.items():
        for wanted in ("maintenance", "vacant"):
            with stocked.uow() as uow, pytest.raises(StatusTransitionError) as refused:
                stock.set_unit_status(uow, NOW, unit_id, wanted)
            assert status_for(refused.value, errors.STATUS) == 409
            assert str(refused.value) == f"unit {unit_id}: cannot go from {status} to {wanted} ({reason})"
        assert row(stocked, models.Unit, unit_id).status == status
    # a unit left in maintenance by the old rule, with its tenancy still active, is not freed by hand
    with stocked.uow() as uow:
        uow.session.get(models.Unit, "P1-A-301").status = "maintenance"
        uow.commit()
    with stocked.uow() as uow, pytest.raises(StatusTransitionError, match=f"tenancy {tenancy.id} is active on it"):
        stock.set_unit_status(uow, NOW, "P1-A-301", "vacant")


def test_a_unit_frozen_in_a_round_to_be_drawn_stays_out_of_maintenance(stocked):
    """Issue 12 item 1 (how the status endpoint and a round interact): taking a unit of an open
    round into maintenance made its draw fail; now the endpoint refuses, naming the round."""
    from allocation_usecase_helpers import open_round

    round_ = open_round(stocked)
    with stocked.uow() as uow, pytest.raises(Conflict) as busy:
        stock.set_unit_status(uow, NOW, "P1-A-302", "maintenance")
    assert str(busy.value) == (f"unit P1-A-302 is on offer in round {round_.id}, to be drawn on 2026-12-01; it can "
                               "go into maintenance once the round is drawn and the unit is free again")
    assert row(stocked, models.Unit, "P1-A-302").status == "vacant"
