"""The staff digest: when it is due, and what it says (hand-written expectations)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from services.notify.domain.digest import due, summary, waited

SH = ZoneInfo("Asia/Shanghai")


def test_due_once_a_day_from_the_digest_hour_local_time():
    at = time(8)
    assert not due(datetime(2026, 11, 23, 23, 59, tzinfo=UTC), at, SH, None)  # 07:59 on the 24th
    assert due(datetime(2026, 11, 24, 0, 0, tzinfo=UTC), at, SH, None)  # 08:00 on the 24th
    assert not due(datetime(2026, 11, 24, 5, 0, tzinfo=UTC), at, SH, date(2026, 11, 24))  # already sent today
    assert due(datetime(2026, 11, 24, 5, 0, tzinfo=UTC), at, SH, date(2026, 11, 23))


def test_waited():
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert waited(start, datetime(2026, 11, 20, 8, 59, tzinfo=UTC)) == "0 小时"
    assert waited(start, datetime(2026, 11, 21, 7, 59, tzinfo=UTC)) == "23 小时"
    assert waited(start, datetime(2026, 11, 23, 11, 0, tzinfo=UTC)) == "3 天 3 小时"


def test_a_queue_summary_counts_by_kind_and_names_the_oldest_wait():
    now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    items = [("application.submitted", datetime(2026, 11, 23, 1, 0, tzinfo=UTC)),
             ("application.submitted", datetime(2026, 11, 22, 0, 0, tzinfo=UTC)),
             ("application.reviewed", datetime(2026, 11, 23, 9, 0, tzinfo=UTC))]
    subject, body = summary("reviews", items, now, date(2026, 11, 24))
    assert subject == "安居工程每日待办汇总（2026-11-24）：reviews 3 件"
    assert body == ("待办队列 reviews，自上次汇总以来共 3 件：\n审核结果：1 件\n新提交的申请：2 件\n"
                    "最早一件已等待 2 天 0 小时。")
