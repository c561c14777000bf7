"""每日待办汇总 the staff digest at its edges (issue 20), beyond domain/test_notify_digest.py:
exactly 24 hours is a day, every kind's label as staff read it and an unknown type by its own
name, kinds listed in the order of their type names, the oldest item wherever it is in the list.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_waited__mutmut_3: ``int(seconds / 3600)`` for ``int(seconds // 3600)``: the oldest item
  happened before the digest is made, so the wait is never negative, and for a wait of zero or
  more truncating (int) and flooring (//) give the same whole hours.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notify.domain.digest import due, summary, waited

NOW = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def test_a_day_starts_at_exactly_24_hours():
    assert waited(NOW - timedelta(hours=24), NOW) == "1 天 0 小时"
    assert waited(NOW - timedelta(hours=23, minutes=59, seconds=59), NOW) == "23 小时"
    assert waited(NOW - timedelta(hours=49), NOW) == "2 天 1 小时"
    assert waited(NOW, NOW) == "0 小时"


def test_every_label_and_an_unknown_type():
    types = ["application.submitted", "application.reviewed", "application.objection_filed",
             "application.objection_resolved", "application.objections_merged", "zz.unknown"]
    items = [(t, NOW - timedelta(hours=n)) for n, t in enumerate(types)]
    items.append(("application.submitted", NOW - timedelta(hours=1)))
    subject, body = summary("q", items, NOW, date(2026, 11, 24))
    assert subject == "安居工程每日待办汇总（2026-11-24）：q 7 件"
    assert body.split("\n") == [
        "待办队列 q，自上次汇总以来共 7 件：",
        "新异议：1 件",                # application.objection_filed
        "已处理的异议：1 件",          # application.objection_resolved
        "合并的异议：1 件",            # application.objections_merged
        "审核结果：1 件",              # application.reviewed
        "新提交的申请：2 件",          # application.submitted
        "zz.unknown：1 件",
        "最早一件已等待 5 小时。"]     # the oldest is the last in the list, not the first


def test_due_in_the_districts_own_day():
    sh = ZoneInfo("Asia/Shanghai")
    # 16:30 UTC on the 23rd is 00:30 on the 24th in Shanghai: a digest sent on the 23rd (local) is
    # yesterday's, so with a 00:00 digest hour today's is due
    assert due(datetime(2026, 11, 23, 16, 30, tzinfo=UTC), time(0), sh, date(2026, 11, 23))
    assert not due(datetime(2026, 11, 23, 15, 59, tzinfo=UTC), time(0), sh, date(2026, 11, 23))
    assert not due(datetime(2026, 11, 24, 5, 0, tzinfo=UTC), time(8), sh, date(2026, 11, 25))  # a later day's sent
