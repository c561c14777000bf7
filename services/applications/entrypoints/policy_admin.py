"""PolicyAdminEntrypoints: the eligibility and points policies in force, their history, and a
new version."""

from __future__ import annotations

from services.common.http import api

from .. import policy_admin, roles, schemas, settings


class PolicyAdminEntrypoints:
    @api("GET", "/policies/<kind>", roles=roles.READ, response=schemas.PolicyOut,
         summary="The policy in force (eligibility or points)")
    def read_policy(self, req):
        with self.db.read() as session:
            return policy_admin.read_policy(session, req.path["kind"], settings.notice_days(self.config))

    @api("GET", "/policies/<kind>/history", roles=roles.READ, response=schemas.PolicyHistoryOut,
         summary="Every version of a policy, who set it and when (version 1 is the built-in default)")
    def policy_history(self, req):
        with self.db.read() as session:
            return policy_admin.policy_history(session, req.path["kind"], settings.notice_days(self.config))

    @api("PUT", "/policies/<kind>", body=schemas.PolicyDocumentIn, roles=roles.SET_POLICY,
         response=schemas.PolicyOut,
         summary="Set a new policy version (the server numbers it); a points policy recomputes approved "
                 "applications' points and publishes application.points_changed")
    def set_policy(self, req):
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            reply = policy_admin.set_policy(uow, now, self.clock.calendar, req.path["kind"], req.body,
                                            req.principal.ref, settings.notice_days(self.config))
            uow.commit()
        return reply
