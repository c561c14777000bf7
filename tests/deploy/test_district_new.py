"""`anju district new` writes an overlay that renders and validates with no edits, in a copy of
deploy/; a bad code, a bad name or an existing district is refused with a clear message and
nothing is written."""

import shutil
import subprocess
import sys

import pytest

from .manifests import DEPLOY, ROOT, by_kind, errors, kustomize, named


def anju(*args):
    return subprocess.run([sys.executable, "-W", "ignore", "-m", "services.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def deploy_copy(tmp_path):
    target = tmp_path / "deploy"
    shutil.copytree(DEPLOY, target)
    return target


def snapshot(root):
    return sorted((p.relative_to(root), p.read_bytes()) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("database", ["cnpg", "external"])
def test_new_district_renders_and_validates(deploy_copy, database):
    proc = anju("district", "new", "cangshan", "--name", "仓山区", "--database", database,
                "--deploy-dir", str(deploy_copy))
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "kubectl kustomize" in proc.stdout
    overlay = deploy_copy / "overlays" / "cangshan"
    suite, jobs, city = kustomize(overlay), kustomize(overlay / "migrate"), kustomize(deploy_copy / "overlays" / "city")
    problems = [e for d in suite + jobs + city for e in errors(d)]
    assert not problems, "\n".join(problems)
    ns = named(suite, "Namespace", "anju-cangshan")
    assert ns["metadata"]["annotations"]["anju.example/district-name"] == "仓山区"
    assert {d["metadata"].get("namespace") for d in suite + jobs if d["kind"] != "Namespace"} == {"anju-cangshan"}
    [cm] = [d for d in by_kind(suite, "ConfigMap") if d["metadata"]["name"].startswith("anju-district-")]
    assert cm["data"]["DISTRICT"] == "cangshan" and cm["data"]["AMQP_VHOST"] == "cangshan"
    assert named(suite, "Vhost", "anju")["spec"]["name"] == "cangshan"
    assert {s["spec"]["vhost"] for s in by_kind(suite, "Shovel")} == {"cangshan"}
    assert named(suite, "Ingress", "anju-public")["spec"]["rules"][0]["host"] == "cangshan.anju.example"
    if database == "cnpg":
        assert "cangshan_applications" in {d["spec"]["name"] for d in by_kind(suite, "Database")}
    else:
        assert not by_kind(suite, "Cluster")
    assert len(by_kind(jobs, "Job")) == 5
    assert named(city, "User", "shovel-cangshan")
    assert named(city, "Permission", "shovel-cangshan")["spec"]["vhost"] == "city"


@pytest.mark.parametrize("code,why", [
    ("Gulou", "is not valid"), ("gu_lou", "is not valid"), ("1gulou", "is not valid"), ("-gulou", "is not valid"),
    ("gulou-", "is not valid"), ("g", "is not valid"), ("a" * 21, "is not valid"), ("鼓楼", "is not valid"),
    ("gu--lou", "must not contain '--'"), ("city", "is reserved"), ("", "is not valid"),
])
def test_bad_code_is_refused(deploy_copy, code, why):
    before = snapshot(deploy_copy)
    proc = anju("district", "new", "--name", "某区", "--deploy-dir", str(deploy_copy), "--", code)
    assert proc.returncode != 0 and why in proc.stderr, proc.stderr
    assert snapshot(deploy_copy) == before


def test_existing_district_is_refused(deploy_copy):
    before = snapshot(deploy_copy)
    proc = anju("district", "new", "gulou", "--name", "鼓楼区", "--deploy-dir", str(deploy_copy))
    assert proc.returncode != 0 and "exists already" in proc.stderr
    assert snapshot(deploy_copy) == before


def test_bad_name_is_refused(deploy_copy):
    proc = anju("district", "new", "cangshan", "--name", " ", "--deploy-dir", str(deploy_copy))
    assert proc.returncode != 0 and "district name" in proc.stderr
    assert not (deploy_copy / "overlays" / "cangshan").exists()


def test_other_commands_still_work():
    proc = anju("token", "--role", "district_officer", "--district", "gulou")
    assert proc.returncode == 0 and proc.stdout.count(".") == 2
    assert "district" in anju("--help").stdout
