"""房源 CSV import: one row per unit, every bad cell reported with line and column.

Header (any column order, exactly these names)::

    project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible

A file that cannot be read as a whole (undecodable, wrong header) raises
:class:`CsvFormatError` and nothing is imported; bad rows are returned as errors and the
good rows still import, so staff can fix only what is wrong.

Conventions: ``area_m2`` in square metres, written with up to two decimals and recorded to
0.1 m² (65.5 or 65.50; 65.55 is refused); ``rent_fen`` integer fen a month; ``accessible`` one
of 1/0, true/false, yes/no, y/n, 是/否. Every number has the bounds of ``stock.LIMITS`` (the
JSON endpoint's): a cell out of them is reported like any other bad cell. The unit id is
``stock.unit_id`` (``project_id-building-number``, as for units added by JSON), so building
and number may not hold the characters of ``stock.UNSAFE_IN_ID`` and are at most
``stock.PART_MAX_LENGTH`` characters.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from . import stock
from .stock import Unit

COLUMNS = ("project_id", "building", "number", "floor", "rooms", "area_m2", "beds",
           "rent_fen", "category", "accessible")
_TRUE = {"1", "true", "yes", "y", "是"}
_FALSE = {"0", "false", "no", "n", "否"}
# int()/Decimal() also accept "1_000" and "1e3"; a housing register should not.
_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?\d+(?:\.\d+)?")


class CsvFormatError(ValueError):
    """The file as a whole is unusable; nothing was imported. ``message`` says why."""

    field = "file"

    def __init__(self, message: str):
        super().__init__(f"malformed CSV, nothing imported: {message}")
        self.message = message


class RowError(NamedTuple):
    line: int     # physical line number in the file, header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


def parse_units_csv(
    source,
    known_projects: Collection[str],
    *,
    existing_unit_ids: Collection[str] = frozenset(),
    existing_numbers: Mapping[tuple[str, str, str], str] | None = None,
    known_categories: Collection[str] = stock.CATEGORIES,
    encoding: str = "utf-8-sig",
    max_unit_id_length: int | None = None,
) -> tuple[list[Unit], list[RowError]]:
    """Parse units from ``source`` (str, bytes, or an open text/binary file).

    Bytes are decoded with ``encoding`` (default UTF-8, with or without Excel's BOM); a file
    saved as GBK by Excel must be passed ``encoding="gb18030"`` explicitly — guessing an
    encoding silently would import garbled names. ``max_unit_id_length`` (the storage limit)
    reports a row whose built unit id would be longer, in column ``number``.
    ``existing_unit_ids`` are ids already taken; ``existing_numbers`` maps (project, building,
    number) of units already stored to their ids, so a row repeating one is reported with the
    id that unit has.
    """
    text = _read_text(source, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("file is empty; expected header " + ",".join(COLUMNS)) from None
    except csv.Error as exc:
        raise CsvFormatError(f"line 1: {exc}") from None
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    extra = [h for h in names if h not in COLUMNS]
    dupes = sorted({h for h in names if names.count(h) > 1})
    if missing or extra or dupes:
        parts = []
        if missing:
            parts.append("missing " + ",".join(missing))
        if extra:
            parts.append("unknown " + ",".join(extra))
        if dupes:
            parts.append("repeated " + ",".join(dupes))
        raise CsvFormatError("line 1: wrong header (" + "; ".join(parts) + "); expected "
                             + ",".join(COLUMNS))

    units: list[Unit] = []
    errors: list[RowError] = []
    seen: dict[str, int | None] = dict.fromkeys(existing_unit_ids)  # id -> the line that took it
    numbers: dict[tuple[str, str, str], str | int] = dict(existing_numbers or {})  # -> id, or line
    projects = set(known_projects)
    categories = set(known_categories)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(reader.line_num, "-", f"unreadable row: {exc}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are common at the end of exported sheets
        unit, row_errors = _parse_row(row, names, line, projects, categories, seen, numbers,
                                      max_unit_id_length)
        if row_errors:
            errors.extend(row_errors)
        else:
            assert unit is not None
            seen[unit.unit_id] = line
            numbers[(unit.project_id, unit.building, unit.number)] = line
            units.append(unit)
    return units, errors


def _read_text(source, encoding: str) -> str:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, (bytes, bytearray)):
        try:
            return bytes(source).decode(encoding)
        except UnicodeDecodeError as exc:
            raise CsvFormatError(
                f"file is not valid {encoding} (byte {exc.start}); save it as UTF-8 CSV or "
                f"import it with encoding='gb18030'"
            ) from None
    if isinstance(source, str):
        return source[1:] if source.startswith("\ufeff") else source
    raise TypeError("source must be str, bytes or an open file")


def _parse_row(row, names, line, projects, categories, seen, numbers, max_id_length=None):
    errors: list[RowError] = []

    def err(col: str, msg: str) -> None:
        errors.append(RowError(line, col, msg))

    if len(row) < len(names):
        for col in names[len(row):]:
            err(col, "missing column (row has too few fields)")
        return None, errors
    if len(row) > len(names):
        err("-", f"row has {len(row)} fields, header has {len(names)}")
        return None, errors
    cell = {n: v.strip() for n, v in zip(names, row, strict=True)}

    def part(col: str) -> str:
        v = cell[col]
        problem = stock.id_part_problem(v)
        if problem == "must not be empty":
            err(col, "empty")
        elif problem:
            err(col, f"{problem}: {_show(v)}")
        return v if problem is None else ""

    def integer(col: str) -> int:
        v = cell[col]
        if not _INT.fullmatch(v):
            err(col, f"not a whole number: {_show(v)}")
            return 0
        n = int(v)
        low, high = stock.LIMITS[col]
        if not low <= n <= high:
            err(col, f"must be between {low} and {high}: {_show(v)}")
        return n

    project_id = cell["project_id"]
    if not project_id:
        err("project_id", "empty")
    elif project_id not in projects:
        err("project_id", f"unknown project {_show(project_id)}")
        project_id = ""
    building = part("building")
    number = part("number")
    floor = integer("floor")
    rooms = integer("rooms")
    beds = integer("beds")
    rent_fen = integer("rent_fen")

    area_tenths = 0
    raw_area = cell["area_m2"]
    low, high = stock.LIMITS["area_tenths"]
    if not _DEC.fullmatch(raw_area):
        err("area_m2", f"not a number: {_show(raw_area)}")
    else:
        scaled = Decimal(raw_area) * 10
        if scaled != scaled.to_integral_value():
            err("area_m2", f"more than one decimal place: {_show(raw_area)} (areas are recorded to 0.1 m²)")
        elif scaled <= 0:
            err("area_m2", f"must be > 0: {_show(raw_area)}")
        elif scaled > high:
            err("area_m2", f"must be at most {high // 10} m²: {_show(raw_area)}")
        else:
            area_tenths = int(scaled)

    category = cell["category"]
    if category not in categories:
        err("category", f"unknown category {_show(category)} (known: {', '.join(sorted(categories))})")
    raw_acc = cell["accessible"].lower()
    if raw_acc not in _TRUE and raw_acc not in _FALSE:
        err("accessible", f"expected 1/0, true/false, yes/no or 是/否: {_show(cell['accessible'])}")

    unit_id = stock.unit_id(project_id, building, number)
    if project_id and building and number:
        earlier = numbers.get((project_id, building, number))
        if isinstance(earlier, int):
            err("number", f"duplicate unit {unit_id}: line {earlier} has building {building!r} number {number!r}")
        elif earlier is not None:
            err("number", f"duplicate unit {earlier}: it already exists (building {building!r} number {number!r})")
        elif unit_id in seen:
            taken = seen[unit_id]
            err("number", f"unit id {unit_id} is already taken by another unit"
                + (f" (line {taken})" if taken else "") + "; change the building or number")
        elif max_id_length is not None and len(unit_id) > max_id_length:
            err("number", f"unit id {unit_id!r} is longer than {max_id_length} characters")
    if errors:
        return None, errors
    return Unit(
        unit_id=unit_id, project_id=project_id, building=building, number=number,
        floor=floor, rooms=rooms, area_tenths=area_tenths, beds=beds, rent_fen=rent_fen,
        category=category, accessible=raw_acc in _TRUE,
    ), errors


def _show(value: str) -> str:
    """A cell as an error message quotes it: at most 50 characters."""
    return repr(value if len(value) <= 50 else value[:50] + "…")


def format_errors(errors: Iterable[RowError]) -> str:
    return "\n".join(str(e) for e in errors)
