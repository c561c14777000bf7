"""notify's copy of the event catalogue (services/notify/data/events.json) matches the
producers' registered contracts; provisional types are exactly those with no contract yet; and
every default template compiles and names only its event's fields."""

import importlib
import json

from services.common.events.contracts import all_contracts
from services.notify import catalogue, rendering, routing
from services.notify.domain.routing import rules_from


def test_the_catalogue_is_current():
    for producer in catalogue.PRODUCERS:
        importlib.import_module(f"services.{producer}.schemas")
    fresh = catalogue.snapshot(all_contracts())
    stored = json.loads(catalogue.PATH.read_text(encoding="utf-8"))
    assert stored == fresh, "regenerate: .venv/bin/python -m services.notify.catalogue"
    registered = {c.event_type for c in all_contracts()}
    assert {t for t, e in stored.items() if e.get("provisional")} == set(catalogue.PROVISIONAL) - registered


def test_every_default_route_and_template_fits_its_event():
    defaults = routing.defaults()
    assert set(defaults) <= set(catalogue.catalogue())
    for event_type, entry in defaults.items():
        fields = catalogue.event_type(event_type).fields
        rules = rules_from(entry["rules"], fields=set(fields))
        for template in entry.get("templates", {}).values():
            rendering.check(template.get("subject", ""), fields, "subject")
            rendering.check(template["body"], fields, "body")
        for rule in rules:
            if rule.audience == "person":
                assert set(rule.channels) <= set(entry["templates"]), event_type


def test_the_issues_nine_notices_have_templates():
    wanted = {"application.approved", "application.notice_started", "application.objection_resolved",
              "allocation.offered", "tenancy.started", "rent.invoiced", "rent.overdue", "loan.overdue",
              "relief.paid", "eligibility.revoked"}
    assert wanted <= {t for t, e in routing.defaults().items() if e.get("templates")}
