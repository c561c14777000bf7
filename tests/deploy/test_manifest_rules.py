"""Rules every manifest keeps: images built from a Dockerfile of this repository and pinned,
the container command equal to the image's CMD (the command tests/deploy/test_entrypoint.py
runs), no secret value in git, the pod hardening and probes on every workload, the five
services' Deployments of one shape, every setting a config.yaml reads provided, and the
generated files up to date."""

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from .manifests import DEPLOY, ROOT, by_kind, deploygen, kustomizations, named, render

SERVICES = deploygen.services()
GULOU = DEPLOY / "overlays" / "gulou"


def all_docs():
    return [d for path in kustomizations() for d in render(path)]


def workloads(docs):
    return [d for d in docs if d["kind"] in ("Deployment", "Job")]


def pod_spec(doc):
    return doc["spec"]["template"]["spec"]


def dockerfile(service) -> str:
    return (ROOT / "services" / service / "Dockerfile").read_text(encoding="utf-8")


def final_stage(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    last_from = max(i for i, ln in enumerate(lines) if ln.startswith("FROM "))
    return lines[last_from:]


def dockerfile_cmd(service) -> list[str]:
    [cmd] = [ln for ln in final_stage(dockerfile(service)) if ln.startswith("CMD ")]
    return json.loads(cmd[4:])


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


# -- generated files ---------------------------------------------------------------------------


def test_generated_files_are_up_to_date():
    stale = deploygen.drift()
    assert not stale, f"generated deploy files differ from scripts/deploygen.py: {stale}; run `make deploy-gen`"


DISTRICTS = sorted(p.parent.parent.name for p in GULOU.parent.glob("*/settings/namespace.yaml"))


@pytest.mark.parametrize("district", DISTRICTS)
def test_district_overlays_are_pure_generator_output(district):
    """What `anju district new` writes renders without edits; the committed overlays are exactly
    that (so a fix to the generator reaches every district)."""
    ns = yaml.safe_load((DEPLOY / "overlays" / district / "settings" / "namespace.yaml").read_text(encoding="utf-8"))
    name = ns["metadata"]["annotations"]["anju.example/district-name"]
    main = yaml.safe_load((DEPLOY / "overlays" / district / "kustomization.yaml").read_text(encoding="utf-8"))
    database = "cnpg" if "../../components/cnpg" in main["components"] else "external"
    for rel, content in deploygen.district_files(district, name, database).items():
        assert (ROOT / rel).read_text(encoding="utf-8") == content, f"{rel} was edited by hand"


# -- images and commands -----------------------------------------------------------------------


def test_every_image_is_built_here_or_pinned():
    version = project_version()
    for doc in all_docs():
        images = []
        if doc["kind"] in ("Deployment", "Job"):
            images = [c["image"] for c in pod_spec(doc)["containers"] + pod_spec(doc).get("initContainers", [])]
        elif doc["kind"] == "RabbitmqCluster":
            images = [doc["spec"]["image"]]
        elif doc["kind"] == "Cluster":
            images = [doc["spec"]["imageName"]]
        for image in images:
            name, _, tag = image.rpartition(":")
            assert name and tag and tag != "latest" and re.search(r"\d", tag), f"{image}: pin a version tag"
            if image.startswith(deploygen.REGISTRY + "/"):
                service = name.rsplit("/", 1)[1]
                assert (ROOT / "services" / service / "Dockerfile").exists(), f"{image}: no Dockerfile"
                assert tag == version, f"{image}: the tag is the project version {version}"
                container_names = [c["name"] for c in pod_spec(doc)["containers"]]
                assert doc["metadata"]["name"] in (service, f"migrate-{service}"), (image, container_names)


def test_container_commands_are_the_image_cmd_and_the_migration():
    for doc in by_kind(render(GULOU), "Deployment"):
        service = doc["metadata"]["name"]
        assert pod_spec(doc)["containers"][0]["command"] == dockerfile_cmd(service)
    for doc in by_kind(render(GULOU / "migrate"), "Job"):
        service = doc["metadata"]["name"].removeprefix("migrate-")
        assert pod_spec(doc)["containers"][0]["command"] == ["python", "-m", "services.common.migrate", service]
        assert f"python -m services.common.migrate {service}" in dockerfile(service)


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile(service):
    text = dockerfile(service)
    froms = [ln.split()[1] for ln in text.splitlines() if ln.startswith("FROM ")]
    assert len(froms) >= 2, "multi-stage"
    for base in froms:
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", base), f"{base}: a slim Python 3.11 pinned by tag"
    stage = final_stage(text)
    copies = [ln.split()[1:] for ln in stage if ln.startswith("COPY ") and "--from=" not in ln]
    assert {src for src, _dst in copies} == {"services/__init__.py", "services/common", f"services/{service}"}, \
        "only services/common and the service itself"
    [user] = [ln.split()[1] for ln in stage if ln.startswith("USER ")]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, "a numeric non-root user (runAsNonRoot can verify it)"
    cmd = dockerfile_cmd(service)
    module, cls = deploygen.SERVICE_CLASSES[service]
    assert cmd == ["nameko", "run", "--config", f"services/{service}/config.yaml", f"{module}:{cls}"]
    assert f"EXPOSE {deploygen.ports()[service]}" in stage


# -- secrets -----------------------------------------------------------------------------------


def test_no_secret_values_in_git():
    for doc in all_docs():
        assert doc["kind"] != "Secret", f"Secret/{doc['metadata']['name']} rendered: secrets are made out of git"
    for path in DEPLOY.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not isinstance(doc, dict):
                continue
            assert doc.get("kind") != "Secret", path
            assert "secretGenerator" not in doc, f"{path}: no secretGenerator (values would live in git)"


def test_secret_values_only_by_reference():
    for doc in workloads(all_docs()):
        for c in pod_spec(doc)["containers"]:
            for e in c.get("env", []):
                if any(w in e["name"] for w in ("PASSWORD", "SECRET", "KEY", "TOKEN")):
                    assert "valueFrom" in e and "secretKeyRef" in e["valueFrom"], (doc["metadata"]["name"], e)
    for cm in by_kind(all_docs(), "ConfigMap"):
        for key in cm["data"]:
            assert not re.search(r"PASSWORD|SECRET|PERSON_REF_KEY|PRIVATE", key), (cm["metadata"]["name"], key)


def test_notify_reads_its_channel_credentials_from_an_optional_secret():
    """The SMS gateways' signing secrets and the SMTP password reach notify only, from the
    optional Secret anju-notify-channels (a district on the file sinks has none)."""
    wanted = {"SMS_GATEWAY_SECRET": "sms-gateway-secret", "SMS_FALLBACK_SECRET": "sms-fallback-secret",
              "SMTP_PASSWORD": "smtp-password"}
    for doc in by_kind(all_docs(), "Deployment"):
        env = {e["name"]: e for c in pod_spec(doc)["containers"] for e in c.get("env", [])}
        if doc["metadata"]["name"].endswith("notify"):
            for name, key in wanted.items():
                assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "anju-notify-channels", "key": key,
                                                                   "optional": True}, name
        else:
            assert not set(wanted) & set(env), doc["metadata"]["name"]


def test_notify_reads_its_webhook_sealing_keys_from_a_required_secret():
    """Without WEBHOOK_SECRET_KEYS notify would refuse to start on 0.0.0.0 (sealing.py), so the
    Secret is required: a missing one shows as CreateContainerConfigError, not a crash loop."""
    for doc in by_kind(all_docs(), "Deployment"):
        env = {e["name"]: e for c in pod_spec(doc)["containers"] for e in c.get("env", [])}
        if doc["metadata"]["name"].endswith("notify"):
            assert env["WEBHOOK_SECRET_KEYS"]["valueFrom"]["secretKeyRef"] == {"name": "anju-notify-webhooks",
                                                                              "key": "keys"}
        else:
            assert "WEBHOOK_SECRET_KEYS" not in env, doc["metadata"]["name"]


# -- hardening and probes ----------------------------------------------------------------------


def test_every_workload_is_hardened():
    for doc in workloads(all_docs()):
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        spec = pod_spec(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] >= 1000, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        mounts_needed = {"/tmp", "/app/var"}
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            assert {m["mountPath"] for m in c["volumeMounts"]} >= mounts_needed, name
            for kind in ("requests", "limits"):
                assert set(c["resources"][kind]) == {"cpu", "memory"}, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert all("emptyDir" in volumes[m["name"]] for c in spec["containers"] for m in c["volumeMounts"]), name


def test_every_deployment_has_probes_and_a_long_enough_grace_period():
    for doc in by_kind(all_docs(), "Deployment"):
        name = doc["metadata"]["name"]
        c = pod_spec(doc)["containers"][0]
        assert c["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}, name
        assert c["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}, name
        assert c["startupProbe"]["httpGet"]["path"] == "/health", name
        sleep = int(c["lifecycle"]["preStop"]["exec"]["command"][1])
        grace = pod_spec(doc)["terminationGracePeriodSeconds"]
        assert grace > sleep + deploygen.HANDLER_BUDGET_SECONDS, (name, grace)
        assert "replicas" not in doc["spec"], f"{name}: the autoscaler owns replicas"


def test_every_service_has_a_pdb_an_autoscaler_and_a_network_policy():
    docs = render(GULOU)
    for service in SERVICES:
        labels = named(docs, "Deployment", service)["spec"]["template"]["metadata"]["labels"]
        pdb = named(docs, "PodDisruptionBudget", service)["spec"]
        assert pdb["selector"]["matchLabels"].items() <= labels.items() and pdb["minAvailable"] == 1
        scalers = [d for d in docs if d["kind"] in ("ScaledObject", "HorizontalPodAutoscaler")
                   and d["spec"]["scaleTargetRef"]["name"] == service]
        assert len(scalers) == 1
        spec = scalers[0]["spec"]
        assert spec.get("minReplicaCount", spec.get("minReplicas")) > pdb["minAvailable"], \
            "more replicas than the PDB keeps, or a node drain blocks"
        policies = [p for p in by_kind(docs, "NetworkPolicy")
                    if p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()]
        assert any(not p["spec"].get("ingress") for p in policies), f"{service}: a default-deny ingress policy"
        allowed = [peer for p in policies for rule in p["spec"].get("ingress", []) for peer in rule["from"]]
        allowed_ns = {peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                      for peer in allowed if "namespaceSelector" in peer}
        public = {"ingress-public"} if service in ("notify", "allocation") else set()
        expected = {"ingress-staff", "monitoring"} | public
        assert allowed_ns == expected, (service, allowed_ns)
        assert {"podSelector": {}} in allowed, "the namespace's own pods"


def test_keda_scales_on_the_queues_the_code_declares():
    docs = render(GULOU)
    policy = named(docs, "Policy", "anju-consumer-queues")["spec"]
    for so in by_kind(docs, "ScaledObject"):
        service = so["metadata"]["name"]
        queues = [t["metadata"]["queueName"] for t in so["spec"]["triggers"] if t["type"] == "rabbitmq"]
        assert queues == [c.queue for c in deploygen.consumers(service)]
        assert all(re.match(policy["pattern"], q) for q in queues), "the delivery-limit policy covers them"


def test_the_five_deployments_have_one_shape():
    """Generated from one template; this catches a hand edit to one of them."""

    def shape(doc):
        d = copy.deepcopy(doc)
        service = d["metadata"]["name"]
        c = pod_spec(d)["containers"][0]
        c.pop("resources")  # sized per service
        own = {**deploygen.SERVICE_SECRETS.get(service, {}),  # a service's own keys and credentials
               **deploygen.SERVICE_OPTIONAL_SECRETS.get(service, {})}
        c["env"] = [e for e in c.get("env", []) if e["name"] not in own]
        text = json.dumps(d, sort_keys=True)
        text = re.sub(rf"anju-{service}-[a-z0-9]{{10}}", "anju-SVC-HASH", text)  # the ConfigMap's hash
        text = re.sub(r'"name": "anju-district-[a-z0-9]{10}"', '"name": "anju-district"', text)
        text = text.replace(str(deploygen.ports()[service]), "PORT")
        text = text.replace(deploygen.SERVICE_CLASSES[service][1], "CLASS")
        return text.replace(service, "SVC")

    shapes = {shape(d) for d in by_kind(render(GULOU), "Deployment")}
    assert len(shapes) == 1, "the Deployments differ in more than name, port, class and resources"


# -- configuration ----------------------------------------------------------------------------


def _configmaps(docs):
    return {d["metadata"]["name"]: d["data"] for d in by_kind(docs, "ConfigMap")}


@pytest.mark.parametrize("overlay", ["gulou", "demo"])
def test_every_setting_a_service_reads_is_provided(overlay):
    docs = render(DEPLOY / "overlays" / overlay)
    cms = _configmaps(docs)
    for service in SERVICES:
        c = pod_spec(named(docs, "Deployment", service))["containers"][0]
        from_cm = {}
        for ref in c["envFrom"]:
            from_cm.update(cms[ref["configMapRef"]["name"]])
        defined = dict(from_cm)
        for e in c["env"]:  # $(VAR) must name a variable defined before it
            for ref in re.findall(r"\$\(([A-Z_]+)\)", e.get("value", "")):
                assert ref in defined, f"{service}: {e['name']} uses $({ref}) before it is defined"
            defined[e["name"]] = e
        reads = deploygen.config_settings(service)
        missing = set(reads) - set(defined) - {"JWT_SECRET"}
        assert not missing, f"{service} reads {missing} from the environment but the Deployment does not set it"
        service_cm = cms[[r["configMapRef"]["name"] for r in c["envFrom"]
                          if r["configMapRef"]["name"].startswith(f"anju-{service}-")][0]]
        assert set(service_cm) <= set(reads), f"{service}: ConfigMap keys its config.yaml never reads"
        assert from_cm["JWT_ALGORITHM"] == "RS256", "production verifies RS256 tokens (JWT_SECRET is unused)"
        assert from_cm["HTTP_PORT"] == str(deploygen.ports()[service])
        assert c["ports"][0]["containerPort"] == deploygen.ports()[service]


def test_config_files_read_the_settings_the_generator_knows():
    for service in SERVICES:
        reads = deploygen.config_settings(service)
        for name in ("AMQP_URI", "DATABASE_URL", "DISTRICT", "HTTP_PORT", "JWT_PUBLIC_KEY", "PERSON_REF_KEY"):
            assert name in reads, f"services/{service}/config.yaml no longer reads {name}: update deploygen"


def test_makefile_keeps_deploy_checks_in_make_test():
    text = Path(ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*$\n\t\$\(BIN\)/python -m pytest -q$", text, re.M), "make test runs the whole suite"
    assert "deploy-check:" in text and "deploy-gen:" in text
