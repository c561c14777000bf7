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
    assert [u.unit_id for u in units] == ["P01/3/1502", "P02/A/101"]
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
    assert [u.unit_id for u in units] == ["P01/3/1502"]
    got = {(e.line, e.column) for e in errors}
    assert got == {
        (3, "project_id"), (4, "number"), (5, "area_m2"), (5, "rent_fen"),
        (6, "area_m2"), (6, "beds"), (6, "rent_fen"), (6, "category"), (6, "accessible"),
        (8, "floor"), (8, "category"), (8, "accessible"),
    }
    msgs = {(e.line, e.column): e.message for e in errors}
    assert "unknown project 'P09'" in msgs[(3, "project_id")]
    assert "duplicate unit P01/3/1502" in msgs[(4, "number")]
    assert "more than one decimal place" in msgs[(5, "area_m2")]
    assert "not a whole number" in msgs[(5, "rent_fen")]
    assert "missing column" in msgs[(6, "beds")]
    assert str(RowError(3, "project_id", "x")) == "line 3, column project_id: x"


def test_existing_units_count_as_duplicates_and_odd_numbers_refused():
    text = HEADER + "P01,3,1502,15,2,65,0,1,public_rental,1\nP01,3,1503,15,2,1e2,0,1_000,public_rental,1\n"
    units, errors = parse_units_csv(text, PROJECTS, existing_unit_ids={"P01/3/1502"})
    assert units == []
    assert {(e.line, e.column) for e in errors} == {(2, "number"), (3, "area_m2"), (3, "rent_fen")}


def test_column_order_is_free():
    cols = HEADER.strip().split(",")[::-1]
    row = "1,public_rental,0,0,40,1,1,101,B,P01".split(",")
    units, errors = parse_units_csv(",".join(cols) + "\n" + ",".join(row) + "\n", PROJECTS)
    assert errors == [] and units[0].unit_id == "P01/B/101" and units[0].accessible


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
    assert [u.unit_id for u in units] == ["P1/A/101"]
    assert [(e.line, e.column) for e in errors] == [(3, "number")]
