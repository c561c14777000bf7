"""The public notice board (公示栏) in a real headless Chromium: notify on the real broker and
both databases, with finance running for the fund-flow chart. An approval's notice period and a
drawn round become notices (and notice.published events); the page — Chinese, no JavaScript —
shows the masked name, the points, the seed commitment and revealed seed, the results digest,
how to verify, and the server-drawn chart; JSON at the same path. A screenshot is written to the
test's tmp dir."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import requests
from notify_helpers import notify_config, publish
from polling import eventually

from services.common.events.contracts import build_envelope
from services.finance.service import FinanceService
from services.notify.service import NotifyService

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(tmp_path, *args, timeout=60) -> str:
    assert shutil.which(CHROMIUM), "make browser installs Debian's chromium"
    profile = tmp_path / "chromium-profile"
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def visible_text(dom: str) -> str:
    """The page's text as a reader sees it: no style, no tags, entities decoded."""
    dom = re.sub(r"<style.*?</style>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", dom)))


@pytest.fixture
def board(store_for, running_service, service_config, tmp_path, rabbit):
    running_service(FinanceService, service_config("finance", store_for("finance").url))
    svc = running_service(NotifyService, notify_config(service_config, store_for("notify").url, tmp_path))
    return svc


def test_the_board_shows_an_allocation_and_an_approval_in_headless_chromium(board, rabbit, event_tap, tmp_path):
    published = event_tap("notify", "notice.published")
    now = datetime.now(UTC)
    drawn = build_envelope("round.drawn", {
        "round_id": "r-7f3a9c21-2026", "programme": "public_rental", "commitment": "a1" * 32,
        "secret_hex": "5e" * 32, "public_values": ["2026-12-01 上证指数收盘 3912.55"],
        "combination_rule": "sha256(secret_hex || public_values)", "seed_hex": "c3" * 32,
        "results_digest": "d4" * 32, "matched": 12, "waitlisted": 30,
        "public_export_path": "/public/rounds/r-7f3a9c21-2026/export"}, district="demo", producer="allocation")
    started = build_envelope("application.notice_started", {
        "application_id": "app-0001", "person_ref": "ref-secret-1", "name_masked": "张*三", "enterprise": "鼓楼机械厂",
        "programme": "public_rental", "points": "87.5",
        "notice_started_at": now.isoformat(), "notice_ends_at": (now + timedelta(days=7)).isoformat()},
        district="demo", producer="applications")
    publish(rabbit["AMQP_URI"], drawn)
    publish(rabbit["AMQP_URI"], started)
    kinds = sorted(published.get(timeout=15)["data"]["kind"] for _ in range(2))
    assert kinds == ["allocation_result", "approval"]

    notices = eventually(lambda: requests.get(f"{board.base}/public/notices", timeout=10).json()["notices"], 10)
    by = {n["kind"]: n for n in notices}
    assert by["allocation_result"]["content"]["seed_hex"] == "c3" * 32
    assert by["approval"]["objection_url"] == "/applications/app-0001/objections"
    assert "ref-secret-1" not in requests.get(f"{board.base}/public/notices", timeout=10).text

    url = f"{board.base}/public/notices?format=html"
    dom = chromium(tmp_path, "--dump-dom", url)
    assert "<script" not in dom.lower()
    text = visible_text(dom)
    for expected in ("公示栏", "分配结果公示", "本轮配租 12 户，轮候 30 户", "a1" * 32, "c3" * 32, "d4" * 32,
                     "anju verify-round", "申请审核公示", "张*三 积分 87.5 分", "对此公示提出异议",
                     "资金流向公开", "本期暂无资金收支"):
        assert expected in text, expected
    assert "ref-secret-1" not in dom
    assert '<svg' in dom and 'aria-label="资金流向图"' in dom  # drawn on the server

    shot = tmp_path / "board.png"  # kept in the test's tmp dir for a person to look at
    chromium(tmp_path, "--window-size=390,1400", f"--screenshot={shot}", url)
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a browser asking for HTML gets the page at the plain path too
    page = requests.get(f"{board.base}/public/notices", headers={"Accept": "text/html,*/*"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html") and "公示栏" in page.text


def test_a_notice_whose_period_is_over_leaves_the_board(board, rabbit):
    past = datetime.now(UTC) - timedelta(days=30)
    publish(rabbit["AMQP_URI"], build_envelope("application.notice_started", {
        "application_id": "app-old", "person_ref": "r", "name_masked": "李*", "enterprise": "E",
        "programme": "public_rental", "points": "60.0", "notice_started_at": past.isoformat(),
        "notice_ends_at": (past + timedelta(days=7)).isoformat()}, district="demo", producer="applications"))
    every = eventually(lambda: requests.get(f"{board.base}/public/notices", params={"period": "all"},
                                            timeout=10).json()["notices"], 10)
    assert [n["content"]["name_masked"] for n in every] == ["李*"]
    assert requests.get(f"{board.base}/public/notices", timeout=10).json()["notices"] == []
    bad = requests.get(f"{board.base}/public/notices", params={"format": "pdf"}, timeout=10)
    assert bad.status_code == 400 and "format" in bad.json()["errors"]
