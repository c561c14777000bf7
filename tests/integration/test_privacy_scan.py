"""The privacy scan: a flow through the running suite with known people — an applicant and her
household, a hardship household — then every place personal data must never reach is read
back and searched for them, in every way of writing them: every event on every exchange, every
log record, every service's /metrics, and the public pages. Attempts to smuggle a phone number
into published free text (fullwidth digits, spaces) are refused at the door.
"""

from __future__ import annotations

import json
import logging
import unicodedata

import pytest
import requests
from polling import eventually

from services.common.identity import check_digit, contains_personal_data, mask_id_number

NAME, SPOUSE, HARDSHIP_NAME = "王秀英", "陈建国", "刘德明"
PHONE = "13912345678"


def _id(birth: str, seq: str) -> str:
    first17 = "350102" + birth + seq
    return first17 + check_digit(first17)


APPLICANT_ID, SPOUSE_ID, HARDSHIP_ID = _id("19860214", "123"), _id("19850730", "456"), _id("19620101", "789")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def spellings(value: str) -> set[str]:
    return {value, value.translate(FULLWIDTH), value.lower()}


@pytest.fixture
def taps(whole_suite, event_tap):
    from bus import EventTap

    made = [EventTap(whole_suite.amqp_uri, producer) for producer in
            ("applications", "allocation", "finance", "assistance", "notify")]
    yield made
    for tap in made:
        tap.close()


def test_no_personal_data_in_events_logs_metrics_or_public_pages(whole_suite, taps, dev_token, caplog):
    caplog.set_level(logging.DEBUG)
    apps, assistance, finance = whole_suite["applications"], whole_suite["assistance"], whole_suite["finance"]
    eo = dev_token("enterprise_officer", enterprise="E-privacy")
    do, co = dev_token("district_officer"), dev_token("city_officer", district="city")

    # an applicant with a household, through three levels, a notice and approval
    body = {"applicant": {"name": NAME, "id_number": APPLICANT_ID, "phone": PHONE, "email": "wxy@example.cn",
                          "enterprise": "E-privacy", "hire_date": "2010-05-01", "union_member": True,
                          "honour": None, "frontline": True, "needs_accessible": False},
            "programme": "public_rental",
            "members": [{"relation": "spouse", "name": SPOUSE, "id_number": SPOUSE_ID, "monthly_income_fen": 250000}],
            "monthly_household_income_fen": 400000, "housing": {"kind": "rented", "area_m2": "12.00"},
            "preferences": ["P1"], "submit": True}
    created = requests.post(f"{apps}/applications", json=body, headers=eo)
    assert created.status_code == 201, created.text
    app_id = created.json()["application_id"]
    for level, who in (("enterprise", eo), ("district", do), ("city", co)):
        state = requests.get(f"{apps}/applications/{app_id}", headers=do).json()
        if state["state"] in ("in_notice", "approved"):
            break
        resp = requests.post(f"{apps}/applications/{app_id}/reviews", headers=who,
                             json={"level": level, "decision": "pass", "version": state["version"], "reasons": []})
        assert resp.status_code == 200, resp.text
    assert eventually(lambda: requests.get(f"{apps}/applications/{app_id}", headers=do).json()["state"]
                      == "approved", timeout=15)

    # free text bound for the bus (review reasons are published): a phone in any spelling is refused
    for smuggled in (f"call {PHONE.translate(FULLWIDTH)}", "call 139 1234 5678", f"id {APPLICANT_ID.lower()}"):
        resp = requests.post(f"{apps}/applications/{app_id}/reviews", headers=do,
                             json={"level": "district", "decision": "return", "version": 1, "reasons": [smuggled]})
        assert resp.status_code == 400 and "reasons" in resp.json()["errors"], (smuggled, resp.text)

    # a hardship household and a fund receipt
    resp = requests.post(f"{assistance}/hardship-households", headers=do,
                         json={"id_number": HARDSHIP_ID.translate(FULLWIDTH), "name": HARDSHIP_NAME,
                               "category": "dibao"})
    assert resp.status_code == 201, resp.text
    resp = requests.post(f"{finance}/fund-receipts", headers=dev_token("finance_officer"),
                         json={"source": "donation", "amount_fen": 500000, "reference": "PRIV-1",
                               "received_on": "2026-11-30"})
    assert resp.status_code == 201, resp.text

    # everything that went out
    events: list[dict] = []

    def collected() -> bool:
        for tap in taps:
            events.extend(tap.drain(settle=0.1))
        types = {e["event_type"] for e in events}
        return {"application.approved", "hardship.registered", "notice.published"} <= types

    assert eventually(collected, timeout=15), sorted({e["event_type"] for e in events})
    logs = [f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    metrics = [requests.get(f"{base}/metrics").text for base in whole_suite.values()]
    public = [requests.get(f"{apps}/public/notices").text, requests.get(f"{whole_suite['notify']}/public/notices").text]

    places = {"events": json.dumps(events, ensure_ascii=False), "logs": "\n".join(logs),
              "metrics": "\n".join(metrics), "public pages": "\n".join(public)}
    secrets = set()
    for value in (APPLICANT_ID, SPOUSE_ID, HARDSHIP_ID, PHONE):
        secrets |= spellings(value)
    secrets |= {NAME, SPOUSE, HARDSHIP_NAME}
    for where, text in places.items():
        text = unicodedata.normalize("NFC", text)
        found = sorted(s for s in secrets if s in text)
        assert not found, f"personal data in {where}: {found}"
        if where in ("events", "public pages"):  # (logs and metrics hold timings, whose digits look like anything)
            assert not contains_personal_data(text), f"something like an ID or phone in {where}"
    assert len(events) >= 8 and len(logs) > 0  # the scan read something real
    # the public approval notice names the applicant masked, by name and by ID (issue 16 item 6)
    approved = next(e for e in events if e["event_type"] == "application.approved")["data"]
    assert approved["id_number_masked"] == mask_id_number(APPLICANT_ID) == "350102********" + APPLICANT_ID[-4:]
    assert approved["name_masked"] == "王*英"
    assert mask_id_number(APPLICANT_ID) in places["public pages"]
    print(f"privacy scan: {len(events)} events, {len(logs)} log records, {len(metrics)} metrics pages, "
          f"{len(public)} public pages")
