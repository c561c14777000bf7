"""Staff roles (DESIGN.md §4) and the groups the services grant endpoints to. The one owner of
these names: each service's ``roles.py`` says, per capability, which of these groups may act.

- enterprise_officer (基层/企业工会): only for their own enterprise's workers
- district_officer (区级执行): a district's day-to-day operations
- city_officer (市级统筹): policy, city-level review, reads everything
- auditor: reads, never writes
"""

from __future__ import annotations

ENTERPRISE_OFFICER = "enterprise_officer"
DISTRICT_OFFICER = "district_officer"
CITY_OFFICER = "city_officer"
AUDITOR = "auditor"
FINANCE_OFFICER = "finance_officer"

OFFICERS = (DISTRICT_OFFICER, CITY_OFFICER)
READERS = (*OFFICERS, AUDITOR)
STAFF = (ENTERPRISE_OFFICER, DISTRICT_OFFICER, CITY_OFFICER, AUDITOR)
INTAKE = (ENTERPRISE_OFFICER, DISTRICT_OFFICER)
