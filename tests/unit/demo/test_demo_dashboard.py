"""The dashboard check's parts (services/demo/dashboard.py): the metric names a panel's PromQL
reads, the names a /metrics text holds, and what is missing — so the integration test that runs
them after the demo would catch a panel over a metric no service exports."""

from services.demo import dashboard

TEXT = """# HELP anju_outbox_backlog Outbox rows not yet confirmed by the broker.
# TYPE anju_outbox_backlog gauge
anju_outbox_backlog{district="demo",service="finance"} 0.0
# TYPE anju_entrypoint_duration_seconds histogram
anju_entrypoint_duration_seconds_bucket{le="0.1",service="finance"} 3.0
anju_entrypoint_duration_seconds_count{service="finance"} 3.0
process_resident_memory_bytes 1.2e+08
"""


def test_metric_names_are_the_metrics_not_labels_values_functions_or_keywords():
    expr = ('sum by (project) (anju_allocation_units{district=~"$district",status="anju_not_a_metric"}) '
            '/ sum by (project) (anju_allocation_units{district=~"$district"})')
    assert dashboard.metric_names(expr) == {"anju_allocation_units"}
    assert dashboard.metric_names(
        'histogram_quantile(0.99, sum by (service, le) (rate(anju_entrypoint_duration_seconds_bucket[5m])))'
    ) == {"anju_entrypoint_duration_seconds_bucket"}
    assert dashboard.metric_names("process_resident_memory_bytes") == {"process_resident_memory_bytes"}
    assert dashboard.metric_names('sum(rate(x_total[5m]))') == set()


def test_exported_reads_families_and_series():
    names = dashboard.exported(TEXT)
    assert {"anju_outbox_backlog", "anju_entrypoint_duration_seconds",
            "anju_entrypoint_duration_seconds_bucket", "process_resident_memory_bytes"} <= names
    assert "HELP" not in names and "#" not in names


def _one_panel(expr: str) -> dict:
    return {"panels": [{"title": "p", "targets": [{"expr": expr}]}]}


def test_a_made_up_metric_is_missing_and_a_real_one_is_not():
    names = dashboard.exported(TEXT)
    assert dashboard.missing(_one_panel("sum(anju_made_up_metric_total)"), names) == ["p: anju_made_up_metric_total"]
    assert dashboard.missing(_one_panel("sum(anju_outbox_backlog) + anju_made_up_gauge"), names) == [
        "p: anju_made_up_gauge"]
    assert dashboard.missing(_one_panel("sum(anju_outbox_backlog)"), names) == []
    # a histogram's _sum is there when its family is, though this text has no _sum line
    assert dashboard.missing(_one_panel("rate(anju_entrypoint_duration_seconds_sum[5m])"), names) == []
    assert dashboard.missing(_one_panel("vector(1)"), names) == ["p: (no metric)"]


def test_every_panel_of_the_real_dashboard_names_a_metric():
    board = dashboard.load()
    assert board["panels"]
    for panel in board["panels"]:
        assert any(dashboard.metric_names(t["expr"]) for t in panel["targets"]), panel["title"]
    # the business panels the operators need are there (their metrics: services' gauges.py)
    used = {m for p in board["panels"] for t in p["targets"] for m in dashboard.metric_names(t["expr"])}
    assert {"anju_applications_by_state", "anju_applications_review_queue_oldest_seconds", "anju_allocation_units",
            "anju_finance_rent_billed_fen", "anju_finance_rent_collected_fen", "anju_finance_loans_in_arrears",
            "anju_finance_loans_outstanding_principal_fen", "anju_assistance_relief_budget_used_fen",
            "anju_assistance_relief_budget_fen"} <= used
