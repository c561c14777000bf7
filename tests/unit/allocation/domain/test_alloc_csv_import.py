import io

import pytest

from services.allocation.domain.csv_import import CsvFormatError, RowError, parse_units_csv

HEADER = "project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible\n"
PROJECTS = {"P01", "P02"}


def test_good_rows_with_bom_and_chinese_booleans():
    data = ("\ufeff" + HEADER +
            "P01,3,1502,15,2,65.5,0,120000,public_rental,否\n"
            "P02,A,101,1,1,18,1,45000,staff_apartment,是\n").encode("utf-8")
    units, errors = parse_units_csv(io.BytesIO(data), PROJECTS)
    assert errors == []
    assert [u.unit_id for u in units] == ["P01-3-1502", "P02-A-101"]
    u = units[0]
    assert (u.area_tenths, u.rooms, u.rent_fen, u.accessible) == (655, 2, 120000, False)
    assert units[1].accessible and units[1].beds == 1 and units[1].area_tenths == 180


def test_each_error_names_line_column_and_problem():
    text = (HEADER +
            "P01,3,1502,15,2,65.5,0,120000,public_rental,0\n"    # line 2 ok
            "P09,3,1503,15,2,65.5,0,120000,public_rental,0\n"    # line 3 unknown project
            "P01,3,1502,15,2,65.5,0,120000,public_rental,0\n"    # line 4 duplicate of line 2
            "P01,3,1504,15,2,65.55,0,1200.50,public_rental,0\n"  # line 5 two bad numbers
            "P01,3,1505,15,2\n"                                  # line 6 missing columns
            "\n"                                                 # line 7 blank: skipped
            "P01,3,1506,x,2,70,0,1,villa,maybe\n")               # line 8 three bad cells
    units, errors = parse_units_csv(text, PROJECTS)
    assert [u.unit_id for u in units] == ["P01-3-1502"]
    got = {(e.line, e.column) for e in errors}
    assert got == {
        (3, "project_id"), (4, "number"), (5, "area_m2"), (5, "rent_fen"),
        (6, "area_m2"), (6, "beds"), (6, "rent_fen"), (6, "category"), (6, "accessible"),
        (8, "floor"), (8, "category"), (8, "accessible"),
    }
    msgs = {(e.line, e.column): e.message for e in errors}
    assert "unknown project 'P09'" in msgs[(3, "project_id")]
    assert msgs[(4, "number")] == "duplicate unit P01-3-1502: line 2 has building '3' number '1502'"
    assert "more than one decimal place" in msgs[(5, "area_m2")]
    assert "not a whole number" in msgs[(5, "rent_fen")]
    assert "missing column" in msgs[(6, "beds")]
    assert str(RowError(3, "project_id", "x")) == "line 3, column project_id: x"


def test_existing_units_count_as_duplicates_and_odd_numbers_refused():
    text = HEADER + "P01,3,1502,15,2,65,0,1,public_rental,1\nP01,3,1503,15,2,1e2,0,1_000,public_rental,1\n"
    units, errors = parse_units_csv(text, PROJECTS, existing_unit_ids={"P01-3-1502"})
    assert units == []
    assert {(e.line, e.column) for e in errors} == {(2, "number"), (3, "area_m2"), (3, "rent_fen")}


def test_column_order_is_free():
    cols = HEADER.strip().split(",")[::-1]
    row = "1,public_rental,0,0,40,1,1,101,B,P01".split(",")
    units, errors = parse_units_csv(",".join(cols) + "\n" + ",".join(row) + "\n", PROJECTS)
    assert errors == [] and units[0].unit_id == "P01-B-101" and units[0].accessible


@pytest.mark.parametrize("data,match", [
    (b"project_id,building,number\nP01,1,1\n", "missing floor"),
    ((HEADER.strip() + ",colour\n").encode(), "unknown colour"),
    (b"", "empty"),
    ((HEADER + "P01,\xb9\xc4\xc2\xa5,1,1,1,40,0,1,public_rental,0\n").encode("latin-1"), "not valid utf-8"),
])
def test_malformed_file_raises_and_imports_nothing(data, match):
    with pytest.raises(CsvFormatError, match=match):
        parse_units_csv(data, PROJECTS)


def test_gbk_file_imports_when_encoding_given():
    data = (HEADER + "P01,鼓楼,101,1,1,40,0,1,public_rental,否\n").encode("gbk")
    units, errors = parse_units_csv(data, PROJECTS, encoding="gb18030")
    assert errors == [] and units[0].building == "鼓楼"


def test_unit_id_longer_than_storage_is_reported_and_other_rows_import():
    from services.allocation.domain.csv_import import parse_units_csv as parse

    text = ("project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible\n"
            "P1,A,101,1,2,60.5,0,90000,public_rental,0\n"
            f"P1,A,{'9' * 40},1,2,60.5,0,90000,public_rental,0\n")
    units, errors = parse(text, {"P1"}, max_unit_id_length=40)
    assert [u.unit_id for u in units] == ["P1-A-101"]
    assert [(e.line, e.column) for e in errors] == [(3, "number")]


def test_one_id_form_safe_in_a_url_and_duplicates_named_by_the_id_the_unit_has():
    """Issue 11 item 3: a CSV unit gets the id a JSON unit gets (project-building-number);
    a building or number that would make it unsafe in a URL path is refused; a row repeating
    a unit already stored names that unit by its stored id (an old P1/A/101 as well)."""
    text = (HEADER + "P01,A栋,101,1,1,40,0,1,public_rental,0\n"
            "P01,A/B,102,1,1,40,0,1,public_rental,0\n"
            "P01,A,1?3,1,1,40,0,1,public_rental,0\n"
            "P01,A,104,1,1,40,0,1,public_rental,0\n"
            "P01,A-1,05,1,1,40,0,1,public_rental,0\n")
    units, errors = parse_units_csv(text, PROJECTS, existing_unit_ids={"P01/A/104", "P01-A-1-05"},
                                    existing_numbers={("P01", "A", "104"): "P01/A/104"})
    assert [u.unit_id for u in units] == ["P01-A栋-101"]
    msgs = {(e.line, e.column): e.message for e in errors}
    assert msgs == {
        (3, "building"): "must not contain '/' (the unit id must be safe in a URL): 'A/B'",
        (4, "number"): "must not contain '?' (the unit id must be safe in a URL): '1?3'",
        (5, "number"): "duplicate unit P01/A/104: it already exists (building 'A' number '104')",
        (6, "number"): "unit id P01-A-1-05 is already taken by another unit; change the building or number"}


def test_a_number_out_of_bounds_is_a_bad_cell_not_a_failed_file():
    """Issue 12 item 7: every number has the JSON endpoint's bounds (domain.stock.LIMITS); a cell
    beyond them, or a text longer than its column, is reported by line and column and the other
    rows still import."""
    big = "9" * 30
    text = (HEADER + f"P01,A,101,{big},1,40,0,1,public_rental,0\n"
            f"P01,A,102,1,99,40,0,{big},public_rental,0\n"
            "P01,A,103,1,1,123456.7,21,1,public_rental,0\n"
            f"P01,{'楼' * 41},104,1,1,40,0,1,public_rental,0\n"
            "P01,A,105,200,20,10000,20,100000000,public_rental,0\n")
    units, errors = parse_units_csv(text, PROJECTS)
    assert [u.unit_id for u in units] == ["P01-A-105"]
    assert [(e.line, e.column) for e in errors] == [(2, "floor"), (3, "rooms"), (3, "rent_fen"), (4, "beds"),
                                                    (4, "area_m2"), (5, "building")]
    msgs = {(e.line, e.column): e.message for e in errors}
    assert msgs[(2, "floor")] == f"must be between -10 and 200: '{big}'"
    assert msgs[(4, "area_m2")] == "must be at most 10000 m²: '123456.7'"
    assert msgs[(5, "building")].startswith("at most 40 characters")
