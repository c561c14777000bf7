"""Every overlay renders with `kubectl kustomize` and every document validates: built-in kinds
against the Kubernetes schemas (strict), custom resources against deploy/schemas. A district
renders into one namespace with its own values everywhere the base carries a placeholder."""

import re

import pytest
import yaml

from .manifests import DEPLOY, by_kind, deploygen, errors, kustomizations, named, render

SERVICES = deploygen.services()
DISTRICTS = sorted(p.parent.parent.name for p in (DEPLOY / "overlays").glob("*/settings/kustomization.yaml"))
PLACEHOLDER = re.compile(r"(?<!\$\()\b(DISTRICT|VHOST|NAMESPACE)\b")  # $(DISTRICT) in an env value is expansion


def test_there_are_real_districts_and_a_city():
    assert {"gulou", "taijiang"} <= set(DISTRICTS)
    assert (DEPLOY / "overlays" / "city" / "kustomization.yaml").exists()


@pytest.mark.parametrize("path", kustomizations(), ids=lambda p: str(p.relative_to(DEPLOY / "overlays")))
def test_overlay_renders_and_validates(path):
    docs = render(path)
    assert docs, f"{path} rendered nothing"
    problems = [e for d in docs for e in errors(d)]
    assert not problems, "\n".join(problems)


def _env_value_strings(doc):
    """String values (not keys) still carrying a base placeholder."""
    if isinstance(doc, dict):
        return [s for v in doc.values() for s in _env_value_strings(v)]
    if isinstance(doc, list):
        return [s for v in doc for s in _env_value_strings(v)]
    return [doc] if isinstance(doc, str) and PLACEHOLDER.search(doc) else []


@pytest.mark.parametrize("district", DISTRICTS)
def test_district_suite(district):
    docs = render(DEPLOY / "overlays" / district)
    ns = f"anju-{district}"
    namespaced = [d for d in docs if d["kind"] != "Namespace"]
    assert {d["metadata"].get("namespace") for d in namespaced} == {ns}
    assert [d["metadata"]["name"] for d in by_kind(docs, "Namespace")] == [ns]
    for kind in ("Deployment", "Service", "PodDisruptionBudget"):
        assert sorted(d["metadata"]["name"] for d in by_kind(docs, kind)) == sorted(SERVICES), kind
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in by_kind(docs, "ScaledObject")}
    hpa = {d["spec"]["scaleTargetRef"]["name"] for d in by_kind(docs, "HorizontalPodAutoscaler")}
    assert scaled | hpa == set(SERVICES) and not scaled & hpa
    assert scaled == {s for s in SERVICES if deploygen.consumers(s)}, "KEDA for exactly the consumers"
    leftovers = [line for d in docs for line in _env_value_strings(d)]
    assert not leftovers, f"placeholders left in {district}: {leftovers}"
    district_cm = [d for d in by_kind(docs, "ConfigMap") if d["metadata"]["name"].startswith("anju-district-")]
    assert len(district_cm) == 1 and district_cm[0]["data"]["DISTRICT"] == district
    assert named(docs, "Vhost", "anju")["spec"] == {
        "name": district, "defaultQueueType": "quorum", "deletionPolicy": "retain",
        "rabbitmqClusterReference": {"name": "anju-rabbitmq"}}
    for kind in ("Permission", "Policy", "Exchange", "Queue", "Binding", "Shovel"):
        assert {d["spec"]["vhost"] for d in by_kind(docs, kind)} == {district}, kind
    for so in by_kind(docs, "ScaledObject"):
        for t in so["spec"]["triggers"]:
            if t["type"] == "rabbitmq":
                assert t["metadata"]["vhostName"] == district
                assert t["metadata"]["host"] == f"amqp://anju-rabbitmq.{ns}.svc:5672"
    hosts = [r["host"] for r in named(docs, "Ingress", "anju-staff")["spec"]["rules"]]
    assert hosts == [f"{s}.{district}.staff.{deploygen.DOMAIN}" for s in SERVICES]
    public = named(docs, "Ingress", "anju-public")["spec"]["rules"]
    assert [(r["host"], p["path"], p["backend"]["service"]["name"]) for r in public for p in r["http"]["paths"]] \
        == [(f"{district}.{deploygen.DOMAIN}", "/public/notices", "notify"),
            (f"{district}.{deploygen.DOMAIN}", "/public/fund-flows", "notify"),
            (f"{district}.{deploygen.DOMAIN}", "/public/rounds", "allocation")]
    rmq = named(docs, "RabbitmqCluster", "anju-rabbitmq")["spec"]
    assert rmq["replicas"] == 3 and "rabbitmq_shovel" in rmq["rabbitmq"]["additionalPlugins"]
    shovels = by_kind(docs, "Shovel")
    assert sorted(s["spec"]["destExchange"] for s in shovels) == sorted(f"{s}.events" for s in SERVICES)
    assert all(s["spec"]["ackMode"] == "on-confirm" and s["spec"]["srcQueue"].startswith("city.forward.")
               for s in shovels)


@pytest.mark.parametrize("district", DISTRICTS)
def test_district_database(district):
    docs = render(DEPLOY / "overlays" / district)
    main = yaml.safe_load((DEPLOY / "overlays" / district / "kustomization.yaml").read_text(encoding="utf-8"))
    if "../../components/cnpg" in main["components"]:
        cluster = named(docs, "Cluster", "anju-pg")["spec"]
        assert cluster["instances"] == 3
        assert cluster["plugins"] == [{"name": "barman-cloud.cloudnative-pg.io", "isWALArchiver": True,
                                       "parameters": {"barmanObjectName": "anju-backups"}}]
        assert "backup" not in cluster, "the in-tree barmanObjectStore is deprecated: use the plugin"
        # two roles per service: the owner migrates, the runtime role only reads and writes rows
        assert sorted(r["name"] for r in cluster["managed"]["roles"]) == sorted(
            [*SERVICES, *(f"{s}_owner" for s in SERVICES)])
        assert sorted(d["spec"]["name"] for d in by_kind(docs, "Database")) == sorted(
            f"{district}_{s}" for s in SERVICES)
        assert {d["spec"]["owner"] for d in by_kind(docs, "Database")} == {f"{s}_owner" for s in SERVICES}
        store = named(docs, "ObjectStore", "anju-backups")["spec"]["configuration"]
        assert store["destinationPath"] == f"s3://anju-backups/{district}/"
        backup = named(docs, "ScheduledBackup", "anju-pg-nightly")["spec"]
        assert backup["method"] == "plugin" and len(backup["schedule"].split()) == 6
    else:
        assert not by_kind(docs, "Cluster") and not by_kind(docs, "Database")
        for dep in by_kind(docs, "Deployment"):
            env = {e["name"]: e for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
            assert "DB_PASSWORD" not in env
            assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
                "name": f"anju-db-{dep['metadata']['name']}", "key": "uri"}


@pytest.mark.parametrize("district", DISTRICTS)
def test_migration_kustomization(district):
    jobs = render(DEPLOY / "overlays" / district / "migrate")
    assert sorted(d["metadata"]["name"] for d in by_kind(jobs, "Job")) == sorted(f"migrate-{s}" for s in SERVICES)
    assert {d["metadata"]["namespace"] for d in jobs if d["kind"] != "Namespace"} == {f"anju-{district}"}
    suite = render(DEPLOY / "overlays" / district)
    suite_cm = {d["metadata"]["name"]: d for d in by_kind(suite, "ConfigMap")}
    for cm in by_kind(jobs, "ConfigMap"):  # the Jobs read the very ConfigMap the suite reads
        assert suite_cm[cm["metadata"]["name"]] == cm
    for job in by_kind(jobs, "Job"):
        service = job["metadata"]["name"].removeprefix("migrate-")
        deployment = named(suite, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        container = job["spec"]["template"]["spec"]["containers"][0]
        assert container["image"] == deployment["image"]
        db_env = [e for e in deployment["env"] if e["name"].startswith("DB") or e["name"] == "DATABASE_URL"]
        env = {e["name"]: e for e in container["env"]}
        # the Job migrates as the database's owner and grants the service's runtime role its rows
        assert env.pop("DB_RUNTIME_ROLE") == {"name": "DB_RUNTIME_ROLE", "value": service}
        assert list(env) == [e["name"] for e in db_env]
        for e in db_env:  # the same settings, from the owner's secret where they come from a secret
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if not ref:
                assert env[e["name"]] == e
            else:
                assert ref["name"] == f"anju-db-{service}"
                assert env[e["name"]]["valueFrom"]["secretKeyRef"] == {**ref, "name": f"anju-db-{service}-owner"}


def test_city_receives_every_district():
    docs = render(DEPLOY / "overlays" / "city")
    assert named(docs, "Vhost", "city")["spec"]["name"] == "city"
    assert sorted(d["spec"]["name"] for d in by_kind(docs, "Exchange")) == sorted(f"{s}.events" for s in SERVICES)
    assert {d["spec"]["vhost"] for d in by_kind(docs, "Exchange")} == {"city"}
    users = {d["metadata"]["name"] for d in by_kind(docs, "User")}
    assert users == {f"shovel-{d}" for d in DISTRICTS}, "every district overlay needs its shovel user in the city"
    for perm in by_kind(docs, "Permission"):
        assert perm["spec"]["permissions"] == {"configure": "^$", "write": r"^[a-z]+\.events$", "read": "^$"}
        assert all(re.match(perm["spec"]["permissions"]["write"], f"{s}.events") for s in SERVICES)
    assert by_kind(docs, "PrometheusRule"), "the alert rules live once, at the city level"
    for district in DISTRICTS:  # and only there: one copy of each alert
        assert not by_kind(render(DEPLOY / "overlays" / district), "PrometheusRule")
