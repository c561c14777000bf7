"""The alert rules read metrics that exist: exported by the services' code (the prometheus
registry after importing every service), by an exporter we rely on, or listed as planned in
deploy/monitoring/metrics.yaml. A planned metric the code starts exporting must leave that list;
rules on planned metrics say so (label metric_status: planned)."""

import importlib
import re

import yaml

from .manifests import DEPLOY, deploygen

RULES = DEPLOY / "monitoring" / "prometheusrule.yaml"
INVENTORY = yaml.safe_load((DEPLOY / "monitoring" / "metrics.yaml").read_text(encoding="utf-8"))
METRIC = re.compile(r"\b((?:anju|rabbitmq|kube)_[a-z0-9_]+)\b")
REQUIRED_ALERTS = {  # issue 17: the alerts an operator must get
    "AnjuOutboxBacklogGrowing", "AnjuDeadLetterQueueNotEmpty", "AnjuRelayNotPublishing",
    "AnjuReadinessFailing", "AnjuMonthlyBillingMissed", "AnjuRoundNotDrawnByItsDate",
}


def exported_by_code() -> set[str]:
    from prometheus_client import REGISTRY

    for service in deploygen.services():
        importlib.import_module(deploygen.SERVICE_CLASSES[service][0])
    return {name for name in REGISTRY._names_to_collectors if name.startswith("anju_")}


def rules():
    doc = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [r for g in doc["spec"]["groups"] for r in g["rules"]]


def test_required_alerts_exist():
    assert REQUIRED_ALERTS <= {r["alert"] for r in rules()}


def test_every_rule_metric_exists_or_is_planned():
    exported = exported_by_code()
    external, planned = set(INVENTORY["external"]), set(INVENTORY["planned"])
    assert not planned & exported, f"now exported by the code, move out of 'planned': {planned & exported}"
    assert not {m for m in external if m.startswith("anju_")}, "anju_ metrics come from the code or are planned"
    for rule in rules():
        used = set(METRIC.findall(rule["expr"]))
        assert used, rule["alert"]
        unknown = used - exported - external - planned
        assert not unknown, f"{rule['alert']} reads {unknown}: not exported by the code, not an exporter's, not planned"
        uses_planned = bool(used & planned)
        assert (rule["labels"].get("metric_status") == "planned") == uses_planned, \
            f"{rule['alert']}: label metric_status: planned exactly when it reads a planned metric"


def test_the_metrics_the_rules_lean_on_are_really_exported():
    exported = exported_by_code()
    for name in ("anju_outbox_backlog", "anju_outbox_published_total", "anju_outbox_unrouted_total",
                 "anju_inbox_rejected_total", "anju_entrypoint_calls_total"):
        assert name in exported, name


def test_rules_group_by_district():
    for rule in rules():
        if "anju_" in rule["expr"]:
            assert "district" in rule["expr"], f"{rule['alert']}: keep the district label in the alert"
        assert rule["labels"]["severity"] in ("critical", "warning", "info")
        assert rule["annotations"]["summary"]
