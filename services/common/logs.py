"""Structured (one JSON object per line) logs, so operators can search by event or request id."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
                  .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _ExpectedErrorsInOneLine(logging.Filter):
    """nameko logs every expected exception (a 4xx: the caller's mistake) at WARNING with a full
    traceback; keep the line, drop the traceback. Unexpected errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith("(expected) error"):
            record.exc_info = None
            record.exc_text = None
        return True


_EXPECTED_FILTER = _ExpectedErrorsInOneLine()


def quiet_expected_errors() -> None:
    """Install the filter on nameko's container logger (once; idempotent)."""
    logger = logging.getLogger("nameko.containers")
    if _EXPECTED_FILTER not in logger.filters:
        logger.addFilter(_EXPECTED_FILTER)
