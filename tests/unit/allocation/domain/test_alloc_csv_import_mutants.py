"""房源 CSV import: the rules `make mutate` showed no test stated (issue 20).

A file refused as a whole says exactly why (each header problem listed, the expected header,
the undecodable byte and what to do), a BOM is dropped from text as from bytes, a header's
cells may carry spaces, and what a source may be; each bad row's errors word for word.

Equivalent mutants (scripts/mutate.py excludes them from the score):

- x__parse_row__mutmut_25: ``zip(..., strict=None)``: rows with too few or too many fields
  were answered just before, so the lengths are equal here.
- x__parse_row__mutmut_28: ``zip`` without ``strict``: the same.
- x__parse_row__mutmut_29: ``strict=False``: the same.
- x__parse_row__mutmut_59: a cell that is not a whole number reads as 1 instead of 0: its
  error is recorded, so no unit is built from the value.
- x__parse_row__mutmut_91: an unknown project becomes ``None`` instead of ``""``: both are
  falsy where it is tested, and the row's error is recorded, so no unit is built.
- x__parse_row__mutmut_117: ``area_tenths = None`` before the area is read: every path that does
  not set it records an error, so no unit is built from the start value.
- x__parse_row__mutmut_118: ``area_tenths = 1``: the same.
"""
import io

import pytest

from services.allocation.domain.csv_import import COLUMNS, CsvFormatError, RowError, parse_units_csv

HEADER = ",".join(COLUMNS)
ROW = "P01,3,1502,15,2,65.5,0,120000,public_rental,0"
PROJECTS = {"P01"}


def refusal(data, **kw) -> str:
    with pytest.raises(CsvFormatError) as e:
        parse_units_csv(data, PROJECTS, **kw)
    assert e.value.field == "file"
    assert str(e.value) == "malformed CSV, nothing imported: " + e.value.message
    return e.value.message


def test_header_refusals_list_every_problem():
    expected = "; expected " + HEADER
    assert refusal("") == "file is empty; expected header " + HEADER
    assert refusal("project_id,building,number\n") == (
        "line 1: wrong header (missing floor,rooms,area_m2,beds,rent_fen,category,accessible)" + expected)
    assert refusal(HEADER + ",colour,size\n") == "line 1: wrong header (unknown colour,size)" + expected
    assert refusal(HEADER + ",floor,beds\n") == "line 1: wrong header (repeated beds,floor)" + expected
    assert refusal(HEADER.replace("floor", "storey") + ",rooms\n") == (
        "line 1: wrong header (missing floor; unknown storey; repeated rooms)" + expected)


def test_undecodable_bytes_name_the_byte_and_the_way_out():
    data = (HEADER + "\n").encode() + b"P01,\xff"
    assert refusal(data) == (f"file is not valid utf-8-sig (byte {len(HEADER) + 5}); save it as UTF-8 CSV or "
                             "import it with encoding='gb18030'")
    assert refusal(b"\xff", encoding="ascii").startswith("file is not valid ascii (byte 0)")


def test_sources_text_bytes_files_and_bom():
    for source in (HEADER + "\n" + ROW + "\n", "\ufeff" + HEADER + "\n" + ROW + "\n",
                   ("\ufeff" + HEADER + "\n" + ROW + "\n").encode(), bytearray((HEADER + "\n" + ROW + "\n").encode()),
                   io.StringIO(HEADER + "\n" + ROW + "\n")):
        units, errors = parse_units_csv(source, PROJECTS)
        assert errors == [] and [u.unit_id for u in units] == ["P01-3-1502"]
    spaced = " , ".join(COLUMNS)
    units, errors = parse_units_csv(spaced + "\n" + ROW + "\n", PROJECTS)
    assert errors == [] and len(units) == 1
    with pytest.raises(TypeError) as e:
        parse_units_csv(7, PROJECTS)
    assert str(e.value) == "source must be str, bytes or an open file"


def test_a_header_only_file_imports_nothing_without_error():
    assert parse_units_csv(HEADER + "\n", PROJECTS) == ([], [])
    assert parse_units_csv(HEADER + "\n\n , ,\n", PROJECTS) == ([], [])


def test_row_errors_word_for_word():
    from services.allocation.domain.csv_import import RowError, format_errors

    long_building = "楼" * 60
    text = (HEADER + "\n"
            "P01,3\n"                                            # line 2: too few fields
            + ROW + ",extra\n"                                   # line 3: too many
            + ",3,1502,15,2,65.5,0,120000,public_rental,0\n"     # line 4: no project
            + "P09,3,1502,15,2,65.5,0,120000,public_rental,0\n"  # line 5: unknown project
            + "P01,,1502,x,2,65.5,0,120000,public_rental,0\n"    # line 6: no building, floor not a number
            + f"P01,{long_building},1,1,1,40,0,1,public_rental,0\n")  # line 7: building too long
    units, errors = parse_units_csv(text, PROJECTS)
    assert units == []
    too_few = [RowError(2, c, "missing column (row has too few fields)") for c in COLUMNS[2:]]
    assert errors == too_few + [
        RowError(3, "-", "row has 11 fields, header has 10"),
        RowError(4, "project_id", "empty"),
        RowError(5, "project_id", "unknown project 'P09'"),
        RowError(6, "building", "empty"),
        RowError(6, "floor", "not a whole number: 'x'"),
        RowError(7, "building", "at most 40 characters: " + repr("楼" * 50 + "…")),
    ]
    assert format_errors(errors[-2:]) == ("line 6, column floor: not a whole number: 'x'\n"
                                          "line 7, column building: at most 40 characters: " + repr("楼" * 50 + "…"))
    assert format_errors([]) == ""


def test_a_cell_of_exactly_fifty_characters_is_quoted_whole():
    cell = "9" * 50
    _, errors = parse_units_csv(HEADER + "\n" + f"P01,3,1502,{cell},2,65.5,0,120000,public_rental,0\n", PROJECTS)
    assert errors[0].message == f"must be between -10 and 200: '{cell}'"


def test_a_cell_of_fifty_one_characters_is_cut_to_fifty():
    cell = "9" * 51
    _, errors = parse_units_csv(HEADER + "\n" + f"P01,3,1502,{cell},2,65.5,0,120000,public_rental,0\n", PROJECTS)
    assert errors[0].message == "must be between -10 and 200: " + repr("9" * 50 + "…")


def test_a_refused_project_or_building_builds_no_unit_id_to_check():
    # the id-length check needs project, building and number all good: a bad one adds no second error
    for row, first in (("P09,3,1502,15,2,65.5,0,120000,public_rental,0", ("project_id", "unknown project 'P09'")),
                       ("P01,A/1,1502,15,2,65.5,0,120000,public_rental,0",
                        ("building", "must not contain '/' (the unit id must be safe in a URL): 'A/1'"))):
        _, errors = parse_units_csv(HEADER + "\n" + row + "\n", PROJECTS, max_unit_id_length=5)
        assert [(e.column, e.message) for e in errors] == [first]


def test_area_errors_word_for_word_and_the_bounds():
    def area(cell):
        units, errors = parse_units_csv(HEADER + "\n" + ROW.replace("65.5", cell) + "\n", PROJECTS)
        return [u.area_tenths for u in units], [(e.column, e.message) for e in errors]

    assert area("0.1") == ([1], [])  # the smallest area there is: one tenth of a square metre
    assert area("10000") == ([100_000], [])
    assert area("0") == ([], [("area_m2", "must be > 0: '0'")])
    assert area("-1.5") == ([], [("area_m2", "must be > 0: '-1.5'")])
    assert area("10000.1") == ([], [("area_m2", "must be at most 10000 m²: '10000.1'")])
    assert area("sixty") == ([], [("area_m2", "not a number: 'sixty'")])


def test_category_and_accessible_errors_word_for_word():
    row = ROW.replace("public_rental,0", "villa,maybe")
    _, errors = parse_units_csv(HEADER + "\n" + row + "\n", PROJECTS, known_categories={"b_flat", "a_flat"})
    assert [(e.column, e.message) for e in errors] == [
        ("category", "unknown category 'villa' (known: a_flat, b_flat)"),
        ("accessible", "expected 1/0, true/false, yes/no or 是/否: 'maybe'"),
    ]


def test_a_unit_keeps_its_category_and_accessible_is_read_in_any_case():
    for cell, accessible in (("TRUE", True), ("Yes", True), ("Y", True), ("FALSE", False), ("No", False)):
        units, errors = parse_units_csv(HEADER + "\n" + ROW[:-1] + cell + "\n", PROJECTS)
        assert errors == [], cell
        assert (units[0].category, units[0].accessible) == ("public_rental", accessible)


def test_an_id_taken_by_another_row_names_its_line_and_one_taken_before_names_none():
    # building "3-1" number "502" and building "3" number "1-502" build the same id P01-3-1-502
    first = ROW.replace(",3,1502,", ",3-1,502,")
    second = ROW.replace(",3,1502,", ",3,1-502,")
    units, errors = parse_units_csv(HEADER + "\n" + first + "\n" + second + "\n", PROJECTS)
    assert [u.unit_id for u in units] == ["P01-3-1-502"]
    assert [(e.line, e.column, e.message) for e in errors] == [
        (3, "number", "unit id P01-3-1-502 is already taken by another unit (line 2); change the building or number")]
    _, errors = parse_units_csv(HEADER + "\n" + second + "\n", PROJECTS, existing_unit_ids={"P01-3-1-502"})
    assert [e.message for e in errors] == [
        "unit id P01-3-1-502 is already taken by another unit; change the building or number"]


def test_a_unit_id_of_exactly_the_longest_length_is_kept():
    unit_id = "P01-3-1502"
    units, errors = parse_units_csv(HEADER + "\n" + ROW + "\n", PROJECTS, max_unit_id_length=len(unit_id))
    assert errors == [] and [u.unit_id for u in units] == [unit_id]
    units, errors = parse_units_csv(HEADER + "\n" + ROW + "\n", PROJECTS, max_unit_id_length=len(unit_id) - 1)
    assert units == [] and [(e.column, e.message) for e in errors] == [
        ("number", f"unit id 'P01-3-1502' is longer than {len(unit_id) - 1} characters")]


def test_an_unreadable_row_is_reported_and_the_rows_after_it_still_import():
    import csv

    too_big = "9" * (csv.field_size_limit() + 1)  # the csv module refuses a field over its limit
    text = HEADER + "\n" + f"P01,3,{too_big}\n" + ROW + "\n"
    units, errors = parse_units_csv(text, PROJECTS)
    assert [u.unit_id for u in units] == ["P01-3-1502"]
    limit = csv.field_size_limit()
    assert errors == [RowError(2, "-", f"unreadable row: field larger than field limit ({limit})")]
    assert refusal(too_big + "\n") == f"line 1: field larger than field limit ({limit})"


def test_a_line_break_inside_a_quoted_cell_is_read_as_written():
    # newline="" as the csv module asks: a quoted CRLF is the cell's own text, not translated
    row = ROW.replace(",3,1502,", ',"3\r\n号",1502,')
    units, errors = parse_units_csv(HEADER + "\r\n" + row + "\r\n", PROJECTS)
    assert errors == [] and units[0].building == "3\r\n号"


def test_a_file_with_old_mac_line_endings_reads_line_by_line():
    units, errors = parse_units_csv(HEADER + "\r" + ROW + "\r" + ROW.replace("1502", "1503") + "\r", PROJECTS)
    assert errors == [] and [u.unit_id for u in units] == ["P01-3-1502", "P01-3-1503"]
