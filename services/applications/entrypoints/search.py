"""SearchEntrypoints: the application list with its filters, and the counts per state."""

from __future__ import annotations

from services.common.http import api

from .. import roles, schemas, search


class SearchEntrypoints:
    @api("GET", "/applications", query=schemas.ApplicationListQuery, roles=roles.READ,
         response=schemas.ApplicationListOut,
         summary="Applications, newest first, filtered by state, review level waiting, programme, enterprise, "
                 "first submission date (the district's calendar), masked name or person_ref; one page of "
                 "{total, page, page_size, items}. Names are masked for every reader; an enterprise officer "
                 "sees only their own enterprise's")
    def list_applications(self, req):
        with self.db.read() as session:
            return search.list_applications(session, self.clock.calendar, req.principal, req.query)

    @api("GET", "/application-counts", query=schemas.ApplicationCountQuery, roles=roles.READ,
         response=schemas.CountsOut,
         summary="How many applications the filters select, in total and per state (every state listed); an "
                 "enterprise officer counts only their own enterprise's")
    def count_applications(self, req):
        with self.db.read() as session:
            return search.count_applications(session, self.clock.calendar, req.principal, req.query)
