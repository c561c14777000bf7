"""The audit trail (审计留痕) and the year's report (统计报表) over HTTP: read-only, for auditors and
officers."""

from __future__ import annotations

from services.common import paging
from services.common.http import api

from .. import audit, reports, roles, schemas, views


class AuditEntrypoints:
    @api("GET", "/audit-trail", query=schemas.AuditQuery, roles=roles.READ_AUDIT, response=schemas.AuditPage,
         summary="The append-only history of households and relief cases (who, role, when, what changed "
                 "field by field, reason), oldest first; by entity, entity_id or actor")
    def read_audit_trail(self, req):
        q = req.query
        return paging.read_page(self.db, q, lambda s: audit.history(s, **q), views.audit_view)

    @api("GET", "/reports/relief/<int:year>", roles=roles.READ_REPORTS, response=schemas.YearReportOut,
         summary="The year's relief report, aggregates only: totals by category, kind and month, households "
                 "helped, median approval time, follow-up completion, budgets used and remaining")
    def relief_report(self, req):
        with self.db.read() as s:
            return reports.year_report(s, req.path["year"], self.clock.calendar)
