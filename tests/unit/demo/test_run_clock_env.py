"""What `anju run` gives the services about their clock: a development run (the development JWT
secret) may be moved by the demo; a run with a real secret, or one told otherwise, keeps real
time; a run that loads the demo starts DEMO_DAYS back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.cli import DEMO_DAYS, run_clock_env


def test_a_development_run_is_adjustable_and_a_real_secret_is_not():
    assert run_clock_env({}) == {"CLOCK_ADJUSTABLE": "true"}
    assert run_clock_env({"JWT_SECRET": "dev-only-something"}) == {"CLOCK_ADJUSTABLE": "true"}
    assert run_clock_env({"JWT_SECRET": "a-real-secret-from-the-vault-0123456789"}) == {}
    assert run_clock_env({"JWT_SECRET": "a-real-secret-from-the-vault-0123456789"}, demo_days=400) == {}
    assert run_clock_env({"CLOCK_ADJUSTABLE": "false"}) == {}  # the operator's word stands


def test_a_demo_run_starts_its_clock_demo_days_back():
    env = run_clock_env({}, demo_days=DEMO_DAYS)
    start = datetime.fromisoformat(env["CLOCK_START"])
    assert env["CLOCK_ADJUSTABLE"] == "true"
    assert abs(datetime.now(UTC) - timedelta(days=DEMO_DAYS) - start) < timedelta(seconds=5)


def test_a_demo_run_lets_notify_reach_the_demo_subscriber_on_localhost():
    assert run_clock_env({}, demo_days=DEMO_DAYS)["WEBHOOK_ALLOWED_HOSTS"] == "127.0.0.1"
    assert run_clock_env({"WEBHOOK_ALLOWED_HOSTS": "hooks.local"}, demo_days=DEMO_DAYS)[
        "WEBHOOK_ALLOWED_HOSTS"] == "hooks.local"  # the operator's list stands
    assert "WEBHOOK_ALLOWED_HOSTS" not in run_clock_env({})  # no demo: no allow-list
    assert run_clock_env({"JWT_SECRET": "a-real-secret-from-the-vault-0123456789"}, demo_days=DEMO_DAYS) == {}


def test_a_demo_run_sends_to_its_local_sinks_without_the_gateways_rate_limit():
    from services.cli import DEMO_SINK_RATE
    from services.notify.domain.ratelimit import parse_limit

    env = run_clock_env({}, demo_days=DEMO_DAYS)
    assert env["RATE_LIMIT_SMS"] == env["RATE_LIMIT_EMAIL"] == DEMO_SINK_RATE
    assert parse_limit(DEMO_SINK_RATE)[0] > parse_limit("50/s,100")[0]  # notify reads it as a faster rate
    assert run_clock_env({"RATE_LIMIT_SMS": "10/s,20"}, demo_days=DEMO_DAYS)["RATE_LIMIT_SMS"] == "10/s,20"
    real = run_clock_env({"SMS_GATEWAY_URL": "https://sms.example", "SMTP_HOST": "mail.example"},
                         demo_days=DEMO_DAYS)
    assert "RATE_LIMIT_SMS" not in real and "RATE_LIMIT_EMAIL" not in real  # a real gateway keeps 50/s
    assert "RATE_LIMIT_SMS" not in run_clock_env({})  # no demo: notify's default
