"""Routing and templates as data on an in-memory database: versions, refusals with line and
field, previews, and the routing in force deciding what an event makes."""

from __future__ import annotations

import pytest
from notify_usecase_helpers import NOW, approved_data, received

from services.notify import deliveries, routing
from services.notify.domain.routing import RoutingRejected
from services.notify.domain.templates import TemplateRejected


def test_defaults_are_version_zero_and_an_upload_is_a_new_version(memory_store):
    db = memory_store("notify")
    with db.worker_db().read() as s:
        version, rules = routing.current_route(s, "application.approved")
        assert version == 0 and [r.channels for r in rules] == [("sms", "email", "inapp"), ("webhook",)]
        assert routing.current_template(s, "application.approved", "sms")[0] == 0
        assert routing.current_route(s, "stock.units_added")[1][0].audience == "subscribers"
    for n in (1, 2):
        with db.uow() as uow:
            assert routing.set_template(uow, NOW, "application.approved", "sms", "", f"第{n}版 {{{{ points }}}}分",
                                        "operator:o1") == n
            uow.commit()
    with db.uow() as uow:
        assert routing.set_route(uow, NOW, "application.approved",
                                 [{"audience": "person", "channels": ["sms"], "critical": True}], "operator:o1") == 1
        uow.commit()
    with db.worker_db().read() as s:
        assert routing.current_template(s, "application.approved", "sms") == (2, "", "第2版 {{ points }}分")
        assert [r.version for r in routing.route_history(s, "application.approved")] == [1]
    with db.uow() as uow:
        made = deliveries.record_event(uow, NOW, received("application.approved", approved_data()),
                                       _settings())
        assert [(d.channel, d.body, d.critical) for d in made] == [("sms", "第2版 87.5分", True)]


def _settings():
    from services.notify.settings import delivery_settings

    return delivery_settings({})


@pytest.mark.parametrize("subject,body,field,line,name", [
    ("", "您好\n积分{{ pointz }}", "body", 2, "pointz"),
    ("", "{{ breakdown.nope }}", "body", 1, "breakdown.nope"),
    ("{{ oops }}", "ok", "subject", 1, "oops"),
    ("", "a\nb\n{% if points %}没有结束", "body", 3, None),
    ("", "{{ points | nosuchfilter }}", "body", 1, None),
    ("", "{{ points.__class__.__mro__ }}", "body", None, None),  # passes the name check, the sandbox stops it
])
def test_a_bad_template_is_refused_with_its_line_and_field(memory_store, subject, body, field, line, name):
    db = memory_store("notify")
    if "__class__" in body:
        with db.worker_db().read() as s:
            with pytest.raises(TemplateRejected, match="cannot render"):
                routing.preview(s, "application.approved", "sms", None, subject, body)
        return
    with db.uow() as uow, pytest.raises(TemplateRejected) as refused:
        routing.set_template(uow, NOW, "application.approved", "sms", subject, body, "operator:o1")
    assert (refused.value.field, refused.value.line, refused.value.name) == (field, line, name)
    if line:
        assert f"line {line}" in refused.value.message


def test_unknown_types_and_channels_are_refused(memory_store):
    db = memory_store("notify")
    with db.uow() as uow:
        with pytest.raises(routing.UnknownEventType):
            routing.set_template(uow, NOW, "application.teleported", "sms", "", "x", "o")
        with pytest.raises(TemplateRejected, match="webhooks send the event itself"):
            routing.set_template(uow, NOW, "application.approved", "webhook", "", "x", "o")
        with pytest.raises(RoutingRejected, match="no template for tenancy.ended on sms"):
            routing.set_route(uow, NOW, "tenancy.ended", [{"audience": "person", "channels": ["sms"]}], "o")


def test_a_preview_renders_the_template_in_force_or_a_draft_against_a_sample(memory_store):
    db = memory_store("notify")
    with db.worker_db().read() as s:
        got = routing.preview(s, "application.approved", "sms")
        assert got == {"subject": "", "body": "【安居工程】您的住房保障申请（编号<applica）已审核通过，"
                                              "积分<points>分，已进入配租轮候。"}
        got = routing.preview(s, "rent.overdue", "sms",
                              {"days_overdue": 12, "overdue_fen": 150050, "period": "2026-11"})
        assert got["body"] == "【安居工程】您2026-11的租金已逾期12天，欠缴1,500.50元，请尽快缴纳。如有困难可申请帮扶。"
        draft = routing.preview(s, "relief.paid", "inapp", None, "救助到账", "{{ amount_paid_fen | yuan }}元")
        assert draft == {"subject": "救助到账", "body": "1,234.56元"}
        with pytest.raises(routing.NoTemplate):
            routing.preview(s, "round.drawn", "sms")


def test_a_workers_inbox_and_preferences_are_their_own(memory_store):
    from services.notify import inbox, models

    db = memory_store("notify")
    with db.uow() as uow:
        for i, ref in enumerate(("me", "me", "someone-else")):
            uow.session.add(models.InboxMessage(id=f"m{i}", delivery_id=f"d{i}", person_ref=ref, subject="s",
                                                body="b", created_at=NOW, read_at=None))
        uow.commit()
    with db.worker_db().read() as s:
        assert sorted(m.id for m in inbox.messages(s, "me", False, 50)) == ["m0", "m1"]
    with db.uow() as uow:
        assert inbox.mark_read(uow, NOW, "me", "m0").read_at == NOW
        with pytest.raises(inbox.MessageNotFound):
            inbox.mark_read(uow, NOW, "me", "m2")  # another's message: not found, not forbidden
        uow.commit()
    with db.worker_db().read() as s:
        assert [m.id for m in inbox.messages(s, "me", True, 50)] == ["m1"]
    with db.uow() as uow:
        assert inbox.set_opt_outs(uow, NOW, "me", ["sms", "email", "sms"]) == ["email", "sms"]
        uow.commit()
    with db.uow() as uow:
        assert inbox.set_opt_outs(uow, NOW, "me", ["inapp"]) == ["inapp"]  # replaces
        uow.commit()
    with db.worker_db().read() as s:
        assert inbox.opted_out(s, "me") == ["inapp"] and inbox.opted_out(s, "someone-else") == []
