"""The applications nameko service (申请与资格审核): one service class composed of the handlers of
intake, review/notice, policies/points and re-check/survey/RPC (each in its own module)."""

from __future__ import annotations

from services.common.db import Database
from services.common.service import PlatformService

from . import models
from .domain.lifecycle import LifecycleError
from .intake import IntakeMixin
from .policies import PolicyMixin
from .rechecks import RecheckMixin
from .review import ReviewMixin
from .support import Clock


class ApplicationsService(IntakeMixin, ReviewMixin, PolicyMixin, RecheckMixin, PlatformService):
    name = "applications"
    error_status = {LifecycleError: 409}
    db = Database(models.metadata)
    clock = Clock()
