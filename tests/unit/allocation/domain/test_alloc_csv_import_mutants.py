"""房源 CSV import: the rules `make mutate` showed no test stated (issue 20).

A file refused as a whole says exactly why (each header problem listed, the expected header,
the undecodable byte and what to do), a BOM is dropped from text as from bytes, a header's
cells may carry spaces, and what a source may be.
"""
import io

import pytest

from services.allocation.domain.csv_import import COLUMNS, CsvFormatError, parse_units_csv

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
