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

# The city level (市级统筹) sets policy, reviews at the city level, coordinates funds across
# districts and reads everything; a district's day-to-day operations — stock, rounds, offers,
# tenancies, violations, complaints, re-checks, hardship cases, rent — belong to the district
# (区级执行). So day-to-day capabilities are granted to DISTRICT_OPS, and a city officer may
# write only where CITY_OFFICER_MAY_WRITE says (tests/unit/test_city_rule.py holds every
# endpoint to it).
DISTRICT_OPS = (DISTRICT_OFFICER,)
CITY_OFFICER_MAY_WRITE = frozenset({
    ("applications", "PUT", "/policies/<kind>"),  # eligibility and points policy
    ("applications", "POST", "/applications/<application_id>/reviews"),  # the city-level review
})
