"""IntakeEntrypoints: drafts, edits, submission, the application and its points, withdrawal."""

from __future__ import annotations

from services.common.http import api

from .. import intake, points, repository, roles, schemas, settings, views


class IntakeEntrypoints:
    @api("POST", "/applications", body=schemas.ApplicationIn, roles=roles.INTAKE, status=201,
         response=schemas.ApplicationOut,
         summary="Save a draft application (staff enter it on the worker's behalf); with "
                 "\"submit\": true it is submitted at once (pre-check failed → 422, nothing saved)")
    def create_application(self, req):
        new = intake.new_application(req.body, req.principal, settings.person_ref_key(self.config))
        now = self.clock.now()
        with self.db.unit_of_work() as uow:
            reply = intake.create_application(uow, now, self.clock.calendar.date_of(now), new, req.principal,
                                              settings.notice_days(self.config))
            uow.commit()
        return reply

    @api("PUT", "/applications/<application_id>", body=schemas.ApplicationIn, roles=roles.INTAKE,
         response=schemas.ApplicationOut,
         summary="Edit a draft or an application returned for correction")
    def edit_application(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            intake.edit_application(uow, now, application_id, req.body, req.principal,
                                    settings.person_ref_key(self.config))
            uow.commit()
        with self.db.read() as session:
            return views.stored_application(session, application_id, now)

    @api("POST", "/applications/<application_id>/submit", body=schemas.VersionIn, roles=roles.INTAKE,
         response=schemas.ApplicationOut,
         summary="Submit: validate everything and run the eligibility pre-check (422 with every rule "
                 "when it fails; the application then stays as it was)")
    def submit_application(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            reply = intake.submit_application(uow, now, self.clock.calendar.date_of(now), application_id,
                                              req.body["version"], req.principal, settings.notice_days(self.config))
            uow.commit()
        return reply

    @api("GET", "/applications/<application_id>", roles=roles.READ, response=schemas.ApplicationOut,
         summary="An application, with what may be done with it now (allowed_actions); "
                 + roles.WHO_SEES_PERSONAL_DATA)
    def read_application(self, req):
        now = self.clock.now()
        with self.db.read() as session:
            return intake.read_application(session, now, req.path["application_id"], req.principal)

    @api("GET", "/applications/<application_id>/points", roles=roles.READ, response=schemas.PointsOut,
         summary="Points with the full breakdown (rule, input, points, cap); the inputs are "
                 + roles.WHO_SEES_PERSONAL_DATA)
    def read_points(self, req):
        now = self.clock.now()
        with self.db.read() as session:
            return points.read_points(session, now, self.clock.calendar, req.path["application_id"], req.principal)

    @api("POST", "/applications/<application_id>/withdraw", body=schemas.VersionIn, roles=roles.INTAKE,
         response=schemas.StatusOut,
         summary="Withdraw (撤回) at any non-terminal point, approved included")
    def withdraw_application(self, req):
        application_id = req.path["application_id"]
        now = self.clock.now()
        with repository.optimistic(application_id), self.db.unit_of_work() as uow:
            row = intake.withdraw_application(uow, now, application_id, req.body["version"], req.body["reasons"],
                                              req.principal)
            uow.commit()
            return views.status(row)
