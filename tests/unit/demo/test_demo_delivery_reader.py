"""The demo reads notify's delivery log by cursor (services/demo/notifications.py `deliveries`):
it follows `next` until null, keeps the filters on every page and never asks by page number
(a page by number recounts and rescans the log: quadratic over a year's deliveries)."""

from services.demo import notifications


class FakeNotify:
    """GET /deliveries over a log of ``count`` deliveries, by cursor only."""

    def __init__(self, count: int, page_size: int):
        self.log = [{"delivery_id": f"d{i}"} for i in range(count)]
        self.asked: list[dict] = []
        self.page_size = page_size

    def token(self, role, subject=""):
        return {"Authorization": f"Bearer {role}"}

    def get(self, service, path, headers=None, **params):
        assert (service, path) == ("notify", "/deliveries") and "page" not in params
        self.asked.append(params)
        size = min(params["page_size"], self.page_size)
        start = int(params.get("after", "0"))
        end = start + size
        return {"total": len(self.log), "page": start // size + 1, "page_size": size,
                "deliveries": self.log[start:end], "next": str(end) if end < len(self.log) else None}


def test_the_demo_walks_the_log_by_cursor_with_its_filters():
    notify = FakeNotify(450, 200)
    got = notifications.deliveries(notify, status="pending")
    assert [d["delivery_id"] for d in got] == [f"d{i}" for i in range(450)]
    assert notify.asked == [{"page_size": 200, "status": "pending"},
                            {"page_size": 200, "status": "pending", "after": "200"},
                            {"page_size": 200, "status": "pending", "after": "400"}]


def test_an_empty_log_is_one_request():
    notify = FakeNotify(0, 200)
    assert notifications.deliveries(notify) == [] and len(notify.asked) == 1
