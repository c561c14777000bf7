"""Replies as the API shows them. Deliveries show the masked recipient only."""

from __future__ import annotations

import json

from services.common.events.contracts import iso_utc

from . import catalogue, models


def notice_view(n: models.PublicNotice) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "published_at": n.published_at.isoformat(),
            "start_on": n.start_on.isoformat() if n.start_on else None,
            "end_on": n.end_on.isoformat() if n.end_on else None,
            "content": json.loads(n.content) if n.content else {}, "objection_url": n.objection_url}


def route_view(event_type: str, version: int, rules) -> dict:
    et = catalogue.event_type(event_type)
    return {"event_type": event_type, "producer": et.producer, "provisional": et.provisional, "version": version,
            "rules": [r.as_dict() for r in rules], "fields": sorted(et.fields)}


def template_view(event_type: str, channel: str, found) -> dict:
    version, subject, body = found
    return {"event_type": event_type, "channel": channel, "version": version, "subject": subject, "body": body}


def delivery_view(d: models.Delivery) -> dict:
    return {"delivery_id": d.id, "event_id": d.event_id, "event_type": d.event_type, "channel": d.channel,
            "recipient": d.recipient_masked, "subscription_id": d.subscription_id, "critical": d.critical,
            "status": d.status, "attempts": d.attempts, "next_attempt_at": iso_utc(d.next_attempt_at),
            "provider_message_id": d.provider_message_id, "last_error": d.last_error,
            "created_at": iso_utc(d.created_at), "updated_at": iso_utc(d.updated_at)}


def message_view(m: models.InboxMessage) -> dict:
    return {"message_id": m.id, "subject": m.subject, "body": m.body, "created_at": iso_utc(m.created_at),
            "read_at": iso_utc(m.read_at) if m.read_at else None}


def subscription_view(s: models.Subscription, secrets: int) -> dict:
    """``secrets``: how many sign (the vault opens them; a view never sees a secret)."""
    return {"subscription_id": s.id, "name": s.name, "url": s.url, "event_types": json.loads(s.event_types),
            "status": s.status, "status_reason": s.status_reason, "secrets": secrets,
            "created_at": iso_utc(s.created_at)}
