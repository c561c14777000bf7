"""SurveyEntrypoints: the needs survey (调查摸底)."""

from __future__ import annotations

from services.common.http import api

from .. import roles, schemas, survey


class SurveyEntrypoints:
    @api("GET", "/survey", query=schemas.SurveyQuery, roles=roles.READ, response=schemas.SurveyOut,
         summary="Needs survey (调查摸底): counts by enterprise, programme, household size, housing, income band")
    def needs_survey(self, req):
        with self.db.read() as session:
            return survey.needs_survey(session, req.query["suppress_below"])
