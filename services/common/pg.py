"""PostgreSQL-only speed-ups, in one place, each behind a named function with a fallback that
works on every database (SQLite included) and gives the same result.

Why they exist (measured by ``make bench``): at 200,000 applicants a draw writes ~50,000
offers and marks as many units, and a points recompute upserts 200,000 rows. The plain
SQLAlchemy forms (insertmanyvalues, ``IN (...)`` lists, ``ARRAY[...]`` parameters) cost
2–3 s more each; the functions here send the same data as COPY streams and array literals.

**The eventlet hazard.** nameko runs on eventlet; psycopg2 waits for the server through a
*wait callback* (psycogreen's, installed by ``services.common.db``) that yields to the hub,
so other green threads run while a query is in flight. Two functions here swap that callback
for one statement, which is a process-global change:

- `copy_rows` / `copy_csv` run COPY with the callback removed (psycopg2 refuses COPY while one
  is installed). The COPY then blocks the whole process, every green thread included, for its
  duration (~1 s for a 200,000-applicant draw). Acceptable only for work that is rare and
  CPU-bound anyway (the draw, the bench's loader), never on a request path that must stay
  responsive.
- `execute_while` wraps the callback for one statement so CPU work runs while the server
  executes it. The wrapper still ends in the original callback, so the hub keeps running.

Neither yields to the hub between removing and restoring the callback, so no other green
thread can observe the swap. Business modules call these functions; they never touch the
driver themselves.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import islice

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# -- array literals ------------------------------------------------------------------------------

def text_array(values: Sequence[str]) -> str:
    """A PostgreSQL ``text[]`` literal ``{"a","b"}`` sent as one parameter: the server parses it
    in one go, unlike the ``ARRAY[...]`` constructor psycopg2 builds from a list. Strings only
    (the fast path for ids); see `array_literal` for mixed values and NULLs."""
    if not values:
        return "{}"
    joined = '","'.join(values)
    if "\\" in joined or joined.count('"') != 2 * (len(values) - 1):
        joined = '","'.join(v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return '{"' + joined + '"}'


def array_literal(values: Iterable) -> str:
    """An array literal of str/int/bool/None values ('{1,NULL,t,"b c"}'), cast by the statement
    (``%(x)s::int[]``)."""
    def item(v) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, int):
            return str(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "{" + ",".join(map(item, values)) + "}"


def execute_driver(session: Session, sql: str, params: dict) -> None:
    """Run one statement on the driver's own cursor (psycopg2 ``%(name)s`` parameters) in the
    session's transaction: for a statement whose parameters are already array literals, the
    SQLAlchemy layer would only add per-call compilation. PostgreSQL only."""
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(sql, params)


# -- COPY ----------------------------------------------------------------------------------------

def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence],
                use_copy: bool = True) -> None:
    """Insert many rows in the session's transaction: COPY (CSV) on PostgreSQL, executemany
    (insertmanyvalues) elsewhere or with ``use_copy=False``. Values: str/int/bool/date/None."""
    rows = list(rows)
    if not rows:  # an insert with no parameter sets would write one row of defaults
        return
    if is_postgresql(session) and use_copy:
        buf = io.StringIO("".join(",".join(map(_csv_value, row)) + "\n" for row in rows))
        copy_csv(session, f'COPY {table.name} ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv)', buf)
        return
    session.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


def insert_rows_streaming(session: Session, table: Table, columns: Sequence[str],
                          rows: Iterable[Sequence[str]], use_copy: bool = True) -> float:
    """`insert_rows` for rows still being computed, all values ``str`` (no NULLs): on PostgreSQL
    the COPY pulls ``rows`` a chunk at a time as it sends them, so the code producing them runs
    while the server inserts the earlier ones (on the other core). Returns the seconds spent
    producing and formatting rows; the rest of the call is the database."""
    if is_postgresql(session) and use_copy:
        feed = _TextFeed(rows, len(columns))
        copy_csv(session, f'COPY {table.name} ({", ".join(columns)}) FROM STDIN', feed)
        return feed.busy
    t0 = time.perf_counter()
    rows = list(rows)
    busy = time.perf_counter() - t0
    # Other drivers bind typed values (SQLite's Date refuses a string): read the text back.
    casts = [_from_text(table.c[c]) for c in columns]
    rows = [tuple(v if cast is None else cast(v) for v, cast in zip(r, casts, strict=True)) for r in rows]
    insert_rows(session, table, columns, rows, use_copy)
    return busy


def _csv_value(v) -> str:
    """One CSV field as COPY reads it: NULL is the unquoted empty field, so every string is
    quoted (an empty string, a CR or a quote inside stay what they are)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v)


_FROM_TEXT = {int: int, date: date.fromisoformat}


def _from_text(column) -> Callable[[str], object] | None:
    try:
        return _FROM_TEXT.get(column.type.python_type)
    except NotImplementedError:  # a type that does not say: leave the text to the driver
        return None


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _TextFeed:
    """The file-like source of a COPY FROM STDIN in text format (psycopg2 only calls
    ``read``): ``ROWS_PER_CHUNK`` rows per call, joined as they are; a chunk in which some
    value holds a tab, newline, CR or backslash (told by counting over the chunk) is joined
    again with those escaped."""

    ROWS_PER_CHUNK = 100  # ~13 KiB of offers: small enough for the server to start at once

    def __init__(self, rows: Iterable[Sequence[str]], width: int):
        self.rows = iter(rows)
        self.tabs = width - 1
        self.busy = 0.0

    def read(self, size: int = 0) -> str:  # psycopg2's size hint is not needed
        t0 = time.perf_counter()
        batch = list(islice(self.rows, self.ROWS_PER_CHUNK))
        join = "\t".join
        chunk = "\n".join(map(join, batch)) + "\n" if batch else ""
        if batch and (chunk.count("\t") != self.tabs * len(batch) or chunk.count("\n") != len(batch)
                      or "\\" in chunk or "\r" in chunk):
            chunk = "".join(join(v.translate(_ESCAPES) for v in row) + "\n" for row in batch)
        self.busy += time.perf_counter() - t0
        return chunk


def copy_csv(session: Session, sql: str, source) -> None:
    """Run ``COPY … FROM STDIN`` reading ``source`` (a file-like with ``read``), with the wait
    callback removed for its duration and put back at once (see the module docstring: this
    blocks the process for the COPY's duration)."""
    from psycopg2 import extensions

    raw = session.connection().connection.dbapi_connection
    callback = extensions.get_wait_callback()
    extensions.set_wait_callback(None)
    try:
        with raw.cursor() as cur:
            cur.copy_expert(sql, source)
    finally:
        extensions.set_wait_callback(callback)


# -- overlap ------------------------------------------------------------------------------------

def execute_while(session: Session, statement, params: dict, work: Callable[[], None] | None):
    """``session.execute(statement, params)``, running ``work`` (CPU work that does not use the
    database) after the statement is sent and before its result is awaited, so both CPUs are
    busy. On PostgreSQL the driver's wait callback is wrapped for this one call; elsewhere (or
    with no callback installed) ``work`` runs after the statement. An exception from ``work``
    is raised after the statement."""
    previous = None
    if is_postgresql(session):
        from psycopg2 import extensions

        previous = extensions.get_wait_callback()
    if work is None or previous is None:
        result = session.execute(statement, params)
        if work is not None:
            work()
        return result
    pending = [work]
    failed: list[BaseException] = []

    def wait(conn) -> None:
        if pending:
            try:
                pending.pop()()
            except BaseException as exc:  # noqa: BLE001 - raised below; here it would break the connection
                failed.append(exc)
        previous(conn)

    extensions.set_wait_callback(wait)
    try:
        result = session.execute(statement, params)
    finally:
        extensions.set_wait_callback(previous)
    if failed:
        raise failed[0]
    if pending:  # the statement needed no wait
        pending.pop()()
    return result
