"""MeEntrypoints: a worker's in-app inbox and preferences (their token names them)."""

from __future__ import annotations

from services.common.http import api

from .. import inbox, roles, schemas, views


class MeEntrypoints:
    @api("GET", "/me/messages", query=schemas.MessageQuery, roles=roles.SELF, response=schemas.MessagePage,
         summary="My in-app messages (站内信), newest first")
    def my_messages(self, req):
        with self.db.read() as session:
            rows = inbox.messages(session, req.principal.subject, req.query["unread"] == "only", req.query["limit"])
            return {"messages": [views.message_view(m) for m in rows]}

    @api("POST", "/me/messages/<message_id>/read", roles=roles.SELF, response=schemas.MessageOut,
         summary="Mark one of my messages read")
    def mark_my_message_read(self, req):
        with self.db.unit_of_work() as uow:
            row = inbox.mark_read(uow, self.clock.now(), req.principal.subject, req.path["message_id"])
            out = views.message_view(row)
            uow.commit()
        return out

    @api("GET", "/me/preferences", roles=roles.SELF, response=schemas.PreferencesOut,
         summary="The channels I opted out of")
    def my_preferences(self, req):
        with self.db.read() as session:
            return {"opted_out": inbox.opted_out(session, req.principal.subject)}

    @api("PUT", "/me/preferences", body=schemas.PreferencesIn, roles=roles.SELF, response=schemas.PreferencesOut,
         summary="Opt out of channels (critical messages — arrears, revocation, allocation results — still come)")
    def set_my_preferences(self, req):
        with self.db.unit_of_work() as uow:
            out = inbox.set_opt_outs(uow, self.clock.now(), req.principal.subject, req.body["opted_out"])
            uow.commit()
        return {"opted_out": out}
