"""One timestamp format (issue 11 item 12): every instant applications shows — in a reply, in an
event's data, in the RPC view — is RFC 3339 in UTC with "Z", the form the envelope's
occurred_at and the platform's replies use."""

import re

from applications_helpers import draft_body, events_until, start

INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _instants(value, path=""):
    """(path, text) of every value under a key ending in _at (or `at`) in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "at" or key.endswith("_at")) and isinstance(item, str):
                yield f"{path}.{key}", item
            else:
                yield from _instants(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _instants(item, f"{path}[{i}]")


def test_one_timestamp_format_in_replies_events_and_rpc(database, service_config, running_service, dev_token,
                                                        event_tap):
    tap = event_tap("applications")
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=1)
    app_id = api.to_notice(draft_body(programme="public_rental"))
    view = api.get(app_id)
    seen = dict(_instants(view))
    assert {".notice_started_at", ".notice_ends_at", ".reviews[0].at"} <= set(seen), seen
    queue = api.call("GET", "/review-queue?level=enterprise", api.do).json()
    board = api.call("GET", "/public/notices").json()
    events = events_until(tap, "application.notice_started")
    for where, document in (("view", view), ("queue", queue), ("board", board), ("events", events)):
        bad = [(p, t) for p, t in _instants(document) if not INSTANT.fullmatch(t)]
        assert bad == [], (where, bad)
    assert any(p.endswith("submitted_at") for p, _ in _instants(events))
