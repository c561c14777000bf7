"""The assistance nameko service (困难帮扶; a skeleton: the hardship registry). Its modules
(services/README.md):

- hardship.py                use cases: register a hardship household
- entrypoints/hardship.py    HardshipEntrypoints: POST /hardship-households
- roles.py, errors.py, schemas.py, models.py, domain/hardship.py (the categories)
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.common.service import PlatformService

from . import errors, models
from .entrypoints.hardship import HardshipEntrypoints


class AssistanceService(HardshipEntrypoints, PlatformService):
    name = "assistance"
    error_status = errors.STATUS
    db = Database(models.metadata)
    clock = Clock()
