"""Every applications endpoint documents its reply (issue 11: OpenAPI response schemas), and what
the running service answers matches the committed document (docs/openapi/applications.json,
kept current by test_spec_current): a walk through the whole flow, every reply validated by
schemathesis against its operation, in the full and the masked views."""

import json
from pathlib import Path

import schemathesis
from applications_helpers import draft_body, resident_id, start
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.applications.service import ApplicationsService
from services.common.http import Api

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = {"/health", "/ready", "/metrics", "/openapi.json"}


def test_every_endpoint_documents_its_reply():
    missing = [f"{ep.method} {ep.url}" for name in dir(ApplicationsService)
               for ep in getattr(getattr(ApplicationsService, name), ENTRYPOINT_EXTENSIONS_ATTR, ())
               if isinstance(ep, Api) and ep.url not in PLATFORM and ep.response_schema is None]
    assert missing == []


class Checked:
    """The running service, every reply validated against the document as it comes."""

    def __init__(self, api):
        self.api = api
        document = json.loads((ROOT / "docs" / "openapi" / "applications.json").read_text(encoding="utf-8"))
        self.schema = schemathesis.openapi.from_dict(document)
        self.seen = set()

    def __call__(self, method, path, template, headers=None, expect=(200, 201), **kw):
        resp = self.api.call(method, path, headers, **kw)
        assert resp.status_code in expect, (method, path, resp.status_code, resp.text)
        self.schema[template][method].validate_response(resp)
        self.seen.add((method, template))
        return resp.json()


def test_every_reply_matches_the_document(database, service_config, running_service, dev_token):
    api = start(running_service, service_config, dev_token, database("applications"), NOTICE_DAYS=1,
                TRUST_FORWARDED_FOR=True)
    call = Checked(api)
    auditor = dev_token("auditor")
    one = "/applications/{application_id}"
    # intake
    draft = call("POST", "/applications", "/applications", api.eo, json=draft_body(programme="public_rental"))
    app_id = draft["application_id"]
    call("PUT", f"/applications/{app_id}", one, api.eo, json=draft_body(programme="public_rental", version=1))
    call("POST", f"/applications/{app_id}/submit", one + "/submit", api.eo, json={})
    call("GET", "/review-queue?level=enterprise", "/review-queue", api.do)
    call("GET", f"/applications/{app_id}/points", one + "/points", auditor)
    for level, who in (("enterprise", api.eo), ("district", api.do)):
        version = api.get(app_id)["version"]
        call("POST", f"/applications/{app_id}/reviews", one + "/reviews", who,
             json={"level": level, "decision": "pass", "version": version, "reasons": []})
    # notice and objections
    call("GET", "/public/notices", "/public/notices")
    filed = [call("POST", f"/applications/{app_id}/objections", one + "/objections", {"X-Forwarded-For": f"10.9.0.{i}"},
                  json={"reason": "申请人已有住房，请核实"})["objection_id"] for i in range(2)]
    for who in (api.do, auditor):
        call("GET", f"/applications/{app_id}/objections", one + "/objections", who)
    call("POST", f"/applications/{app_id}/objections/merge", one + "/objections/merge", api.do,
         json={"into": filed[0], "duplicates": filed[1:]})
    call("POST", f"/objections/{filed[0]}/resolve", "/objections/{objection_id}/resolve", api.do,
         json={"upheld": False, "note": "经核实无房"})
    api.clock().advance(days=1, seconds=1)
    call("POST", "/admin/notices/close", "/admin/notices/close", api.do)
    for who in (api.do, auditor, api.eo):
        call("GET", f"/applications/{app_id}", one, who)
    call("GET", f"/applications/{app_id}/points", one + "/points", api.do)
    # policies
    current = call("GET", "/policies/points", "/policies/{kind}", api.do)
    call("PUT", "/policies/points", "/policies/{kind}", api.co, json=dict(current["document"], frontline_tenths=60))
    call("GET", "/policies/eligibility/history", "/policies/{kind}/history", auditor)
    # re-check and revocation
    run = call("POST", "/rechecks", "/rechecks", api.do, json={"as_of": "2030-01-01", "updates": [
        {"application_id": app_id, "monthly_household_income_fen": 9_000_000}]})
    for who in (api.do, auditor):
        call("GET", f"/rechecks/{run['recheck_id']}", "/rechecks/{recheck_id}", who)
    call("POST", f"/rechecks/{run['recheck_id']}/items/{app_id}/confirm",
         "/rechecks/{recheck_id}/items/{application_id}/confirm", api.do)
    # lists, counts, survey, withdrawal
    other = call("POST", "/applications", "/applications", api.do,
                 json=draft_body(id_number=resident_id(seq="909"), submit=True))["application_id"]
    for who in (api.do, api.eo, auditor):
        call("GET", "/applications?page_size=5", "/applications", who)
        call("GET", "/application-counts", "/application-counts", who)
        call("GET", "/survey?suppress_below=2", "/survey", who)
    call("POST", f"/applications/{other}/withdraw", one + "/withdraw", api.eo, json={"reasons": ["不再需要"]})
    # the platform's clock: readable by staff; this copy's is not adjustable, so moving it is a 409
    call("GET", "/admin/clock", "/admin/clock", api.do)
    refused = api.call("POST", "/admin/clock", api.do, json={"advance_seconds": 60})
    assert refused.status_code == 409, refused.text
    call.schema["/admin/clock"]["POST"].validate_response(refused)
    call.seen.add(("POST", "/admin/clock"))

    documented = {(verb.upper(), path) for path, ops in call.schema.raw_schema["paths"].items()
                  for verb in ops if path not in PLATFORM}
    assert documented - call.seen == set(), "walk every documented operation"
