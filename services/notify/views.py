"""Public notices as the board shows them."""

from __future__ import annotations

from . import models


def notice_view(n: models.PublicNotice) -> dict:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "published_at": n.published_at.isoformat()}
