"""房源 CSV import: one row per unit, every bad cell reported with line and column.

Header (any column order, exactly these names)::

    project_id,building,number,floor,rooms,area_m2,beds,rent_fen,category,accessible

A file that cannot be read as a whole (undecodable, wrong header) raises
:class:`CsvFormatError` and nothing is imported; bad rows are returned as errors and the
good rows still import, so staff can fix only what is wrong.

Conventions: ``area_m2`` in square metres with at most one decimal (65.5); ``rent_fen``
integer fen; ``accessible`` one of 1/0, true/false, yes/no, y/n, 是/否; ``unit_id`` is built as
``project_id/building/number`` (so "/" is refused inside building and number).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
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


def unit_id_for(project_id: str, building: str, number: str) -> str:
    return f"{project_id}/{building}/{number}"


def parse_units_csv(
    source,
    known_projects: Collection[str],
    *,
    existing_unit_ids: Collection[str] = frozenset(),
    known_categories: Collection[str] = stock.CATEGORIES,
    encoding: str = "utf-8-sig",
    max_unit_id_length: int | None = None,
) -> tuple[list[Unit], list[RowError]]:
    """Parse units from ``source`` (str, bytes, or an open text/binary file).

    Bytes are decoded with ``encoding`` (default UTF-8, with or without Excel's BOM); a file
    saved as GBK by Excel must be passed ``encoding="gb18030"`` explicitly — guessing an
    encoding silently would import garbled names. ``max_unit_id_length`` (the storage limit)
    reports a row whose built unit id would be longer, in column ``number``.
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
    seen = set(existing_unit_ids)
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
        unit, row_errors = _parse_row(row, names, line, projects, categories, seen, max_unit_id_length)
        if row_errors:
            errors.extend(row_errors)
        else:
            assert unit is not None
            seen.add(unit.unit_id)
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


def _parse_row(row, names, line, projects, categories, seen, max_id_length=None):
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

    def text(col: str) -> str:
        v = cell[col]
        if not v:
            err(col, "empty")
        elif "/" in v and col in ("building", "number"):
            err(col, f"'/' is not allowed: {v!r}")
        return v

    def integer(col: str, minimum: int) -> int:
        v = cell[col]
        if not _INT.fullmatch(v):
            err(col, f"not a whole number: {v!r}")
            return 0
        n = int(v)
        if n < minimum:
            err(col, f"must be >= {minimum}: {v!r}")
        return n

    project_id = text("project_id")
    if project_id and project_id not in projects:
        err("project_id", f"unknown project {project_id!r}")
    building = text("building")
    number = text("number")
    floor = integer("floor", -10)
    rooms = integer("rooms", 1)
    beds = integer("beds", 0)
    rent_fen = integer("rent_fen", 0)

    area_tenths = 0
    raw_area = cell["area_m2"]
    if not _DEC.fullmatch(raw_area):
        err("area_m2", f"not a number: {raw_area!r}")
    else:
        area = Decimal(raw_area)
        scaled = area * 10
        if scaled != scaled.to_integral_value():
            err("area_m2", f"more than one decimal place: {raw_area!r}")
        elif scaled <= 0:
            err("area_m2", f"must be > 0: {raw_area!r}")
        else:
            area_tenths = int(scaled)

    category = cell["category"]
    if category not in categories:
        err("category", f"unknown category {category!r} (known: {', '.join(sorted(categories))})")
    raw_acc = cell["accessible"].lower()
    if raw_acc not in _TRUE and raw_acc not in _FALSE:
        err("accessible", f"expected 1/0, true/false, yes/no or 是/否: {cell['accessible']!r}")

    unit_id = unit_id_for(project_id, building, number)
    if project_id and building and number and unit_id in seen:
        err("number", f"duplicate unit {unit_id}")
    if max_id_length is not None and len(unit_id) > max_id_length:
        err("number", f"unit id {unit_id!r} is longer than {max_id_length} characters")
    if errors:
        return None, errors
    return Unit(
        unit_id=unit_id, project_id=project_id, building=building, number=number,
        floor=floor, rooms=rooms, area_tenths=area_tenths, beds=beds, rent_fen=rent_fen,
        category=category, accessible=raw_acc in _TRUE,
    ), errors


def format_errors(errors: Iterable[RowError]) -> str:
    return "\n".join(str(e) for e in errors)
