"""The committed contracts (docs/asyncapi.yaml, docs/openapi/*.json) must match the code."""

from pathlib import Path

from services.common.spec import asyncapi_document, rendered

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_committed_specs_match_the_code():
    stale = [rel for rel, content in rendered().items()
             if not (DOCS / rel).exists() or (DOCS / rel).read_text(encoding="utf-8") != content]
    assert not stale, f"docs out of date: {stale}; run `make spec` and commit the result"


def test_catalogue_documents_every_published_event_with_its_schema():
    doc = asyncapi_document()
    for event_type, channel in doc["channels"].items():
        key = channel["subscribe"]["message"]["$ref"].rsplit("/", 1)[-1]
        message = doc["components"]["messages"][key]
        data_ref = message["payload"]["allOf"][1]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
        assert doc["components"]["schemas"][data_ref]["properties"], event_type
    assert {"hardship.registered", "fund.received", "notice.published",
            "stock.units_added"} <= set(doc["channels"])
