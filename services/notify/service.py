"""The notify nameko service (通知与公示; a skeleton: the public fund-flow board fed by
finance's events). Its modules (services/README.md):

- notices.py                use cases: notices made from events, the board's query
- entrypoints/notices.py    NoticesEntrypoints: fund.received handler, GET /public/notices
- views.py                  a notice as the board shows it
- roles.py, errors.py, schemas.py, models.py, domain/notices.py (the notice texts)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, models
from .entrypoints.notices import NoticesEntrypoints


class NotifyService(NoticesEntrypoints, PlatformService):
    name = "notify"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
