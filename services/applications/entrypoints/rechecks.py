"""RecheckEntrypoints: run the annual re-check, read a run, confirm a failure (revocation)."""

from __future__ import annotations

from services.common.http import api

from .. import rechecks, repository, roles, schemas, settings


class RecheckEntrypoints:
    @api("POST", "/rechecks", body=schemas.RecheckIn, roles=roles.RUN_RECHECK, status=201,
         response=schemas.RecheckRunOut,
         summary="Run the annual re-check for approved applications with updated income/housing data; "
                 "failing ones wait for a district officer's confirmation")
    def run_recheck(self, req):
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            reply = rechecks.run_recheck(uow, now, req.body["as_of"], req.body["updates"], req.principal,
                                         settings.notice_days(self.config))
            uow.commit()
        return reply

    @api("GET", "/rechecks/<recheck_id>", roles=roles.READ, response=schemas.RecheckOut,
         summary="A re-check run and each application's outcome; values and reasons (personal data) shown to "
                 "district and city officers; masked for auditors and enterprise officers (pass or fail per rule)")
    def read_recheck(self, req):
        with self.db.read() as session:
            return rechecks.read_recheck(session, req.path["recheck_id"], req.principal)

    @api("POST", "/rechecks/<recheck_id>/items/<application_id>/confirm", roles=roles.CONFIRM_RECHECK,
         response=schemas.RevokedOut,
         summary="Confirm a failed re-check: the application is revoked (退出) and eligibility.revoked published")
    def confirm_recheck(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            reply = rechecks.confirm_recheck(uow, now, req.path["recheck_id"], application_id, req.principal)
            uow.commit()
        return reply
