"""Helpers of notify's use-case tests: received events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.common.events.contracts import ReceivedEvent

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: outside quiet hours


def received(event_type: str, data: dict, event_id: str | None = None, producer: str = "applications",
             at: datetime = NOW) -> ReceivedEvent:
    return ReceivedEvent(event_id=event_id or str(uuid.uuid4()), event_type=event_type, schema_version=1,
                         occurred_at=at, district="demo", producer=producer, data=data)


def approved_data(person_ref: str = "p-ref-1") -> dict:
    return {"application_id": "a1b2c3d4-0000-4000-8000-000000000001", "person_ref": person_ref, "district": "demo",
            "programme": "public_rental", "household_size": 3, "points": "87.5", "points_tenths": 875,
            "breakdown": {"total": "87.5", "lines": []}, "preferences": [], "priority_groups": [],
            "needs_accessible": False, "enterprise": "E1"}
