"""The daily digest to staff (每日待办汇总): one message per review queue instead of one per event.

Each event a route sends to a staff queue adds an item; once a day, at the digest hour in the
district's time zone, the items not yet summarised become one summary per queue: how many of
each kind arrived, and how long the oldest has waited (whole hours, rounded down; days and
hours from 24 h on). A day's digest is sent once.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, tzinfo

EVENT_LABELS = {
    "application.submitted": "新提交的申请", "application.reviewed": "审核结果",
    "application.objection_filed": "新异议",
    "application.objection_resolved": "已处理的异议", "application.objections_merged": "合并的异议",
}


def due(now: datetime, at: time, zone: tzinfo, last_day) -> bool:
    """True when the local time has reached the digest hour and today's digest is not sent."""
    local = now.astimezone(zone)
    return local.time() >= at and (last_day is None or last_day < local.date())


def waited(oldest: datetime, now: datetime) -> str:
    hours = int((now - oldest).total_seconds() // 3600)
    if hours < 24:
        return f"{hours} 小时"
    return f"{hours // 24} 天 {hours % 24} 小时"


def summary(queue: str, items: list[tuple[str, datetime]], now: datetime, day) -> tuple[str, str]:
    """(subject, body) of one queue's digest; ``items`` are (event type, when it happened)."""
    counts = Counter(t for t, _ in items)
    lines = [f"{EVENT_LABELS.get(t, t)}：{n} 件" for t, n in sorted(counts.items())]
    oldest = min(at for _, at in items)
    body = "\n".join([f"待办队列 {queue}，自上次汇总以来共 {len(items)} 件：", *lines,
                      f"最早一件已等待 {waited(oldest, now)}。"])
    return f"安居工程每日待办汇总（{day.isoformat()}）：{queue} {len(items)} 件", body
