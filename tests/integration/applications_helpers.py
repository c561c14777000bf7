"""Helpers shared by the tests/integration/test_applications_*.py modules (not a test module)."""

import json

import requests
from polling import eventually  # noqa: F401 - re-exported to the tests
from sqlalchemy import create_engine, func, select

from services.applications import models
from services.applications.service import ApplicationsService
from services.common.clock import Clock
from services.common.identity import check_digit

ENTERPRISE = "E-steel"


def resident_id(birth: str = "19850312", seq: str = "123", region: str = "110105") -> str:
    first17 = region + birth + seq
    return first17 + check_digit(first17)


def draft_body(id_number=None, programme="shared_ownership", **over):
    """A complete application; the spouse's and child's ID numbers follow from the applicant's
    (a person may be in one active household per programme)."""
    seq = int((id_number or resident_id())[14:17])
    spouse, child = f"{(seq + 101) % 1000:03d}", f"{(seq + 208) % 1000:03d}"
    body = {
        "applicant": {"name": "张小三", "id_number": id_number or resident_id(), "phone": "13812341234",
                      "email": "zxs@example.cn", "enterprise": ENTERPRISE, "hire_date": "2012-03-01",
                      "union_member": True, "honour": "city", "frontline": True, "needs_accessible": False},
        "programme": programme,
        "members": [{"relation": "spouse", "name": "李四", "id_number": resident_id("19870101", spouse),
                     "monthly_income_fen": 200000},
                    {"relation": "child", "name": "张小小", "id_number": resident_id("20150601", child),
                     "monthly_income_fen": 0}],
        "monthly_household_income_fen": 500000,
        "housing": {"kind": "rented", "area_m2": "18.50"},
        "preferences": ["P1", "P2", "staff_apartment"],
    }
    body.update(over)
    return body


class Api:
    """The running service over HTTP, with tokens for each role."""

    def __init__(self, container, dev_token):
        self.container = container
        self.base = container.base
        self.http = requests.Session()
        self.eo = dev_token("enterprise_officer", enterprise=ENTERPRISE, subject="eo1")
        self.do = dev_token("district_officer", subject="do1")
        self.co = dev_token("city_officer", district="city", subject="co1")
        self.dev_token = dev_token

    def clock(self) -> Clock:
        """The service's clock provider: `advance(days=...)` moves every worker's time."""
        return next(d for d in self.container.dependencies if isinstance(d, Clock))

    def call(self, method, path, headers=None, **kw):
        return self.http.request(method, self.base + path, headers=headers, timeout=30, **kw)

    def create(self, body=None, headers=None):
        return self.call("POST", "/applications", headers or self.eo, json=body or draft_body())

    def submit(self, app_id, headers=None):
        return self.call("POST", f"/applications/{app_id}/submit", headers or self.eo, json={})

    def review(self, app_id, level, decision="pass", version=None, headers=None, reasons=()):
        headers = headers or {"enterprise": self.eo, "district": self.do, "city": self.co}[level]
        if version is None:
            version = self.get(app_id)["version"]
        return self.call("POST", f"/applications/{app_id}/reviews", headers,
                         json={"level": level, "decision": decision, "version": version, "reasons": list(reasons)})

    def get(self, app_id):
        resp = self.call("GET", f"/applications/{app_id}", self.do)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def to_notice(self, body=None):
        """create → submit → enterprise → district (→ city) pass: the application is in notice."""
        resp = self.create(body)
        assert resp.status_code == 201, resp.text
        app_id = resp.json()["application_id"]
        assert self.submit(app_id).status_code == 200
        for level in ("enterprise", "district", "city"):
            if self.get(app_id)["state"] in ("in_notice", "approved"):
                break
            resp = self.review(app_id, level)
            assert resp.status_code == 200, resp.text
        # (with a zero-day notice and a fast timer it may be approved already)
        assert self.get(app_id)["state"] in ("in_notice", "approved")
        return app_id


#: The notice timer's interval unless a test asks for the timer: an hour, i.e. never within a test.
HAND_CLOSE_ONLY = 3600


def start(running_service, service_config, dev_token, db_url, **overrides) -> Api:
    """The applications service running on `db_url` (the shared `running_service` fixture).

    The notice timer fires only in tests that set NOTICE_CLOSE_INTERVAL_SECONDS. Otherwise a
    test that closes a 0-day notice by hand (POST /admin/notices/close, expecting its
    application in `closed`) raced the timer's 60 s default: on a loaded machine a test can
    last a minute from the service's start, the timer then closed the notice first and the
    hand close answered `closed: []` (issue 20; reproduced at will with an interval of 0.3 s)."""
    overrides.setdefault("NOTICE_CLOSE_INTERVAL_SECONDS", HAND_CLOSE_ONLY)
    return Api(running_service(ApplicationsService, service_config("applications", db_url, **overrides)), dev_token)


def snapshot(db_url: str) -> dict:
    """Row counts of every applications table and each application's state/version."""
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    try:
        with engine.connect() as conn:
            counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                      for t in models.metadata.sorted_tables if t.name not in ("idempotency_keys",)}
            apps = conn.execute(select(models.Application.id, models.Application.state,
                                       models.Application.version)).all()
        return {"counts": counts, "apps": sorted(tuple(a) for a in apps)}
    finally:
        engine.dispose()


def events_until(tap, event_type: str, timeout=15.0) -> list[dict]:
    got = []
    while True:
        event = tap.get(timeout=timeout)
        got.append(event)
        if event["event_type"] == event_type:
            return got


def assert_no_personal_data(events, *secrets):
    text = json.dumps(events, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked into an event"


