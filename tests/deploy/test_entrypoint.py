"""No Docker engine here, so the images' entry points run outside a container, exactly as
written: for every service, a directory holding only what its Dockerfile copies into /app, the
migration Job's command (from the rendered manifest), then the Dockerfile's CMD, with the
environment the Deployment gives it (the rendered ConfigMaps, RS256 with a public key, a
PERSON_REF_KEY) except the broker and database, which are the local RabbitMQ (a fresh vhost)
and a SQLite file. /health and /ready answer; SIGTERM stops it cleanly within the grace period."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from .manifests import DEPLOY, ROOT, by_kind, deploygen, named, render

SERVICES = deploygen.services()
MANAGEMENT = os.environ.get("ANJU_TEST_RABBIT_MANAGEMENT", "http://guest:guest@127.0.0.1:15672")
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def image_root(service: str, target: Path) -> Path:
    """/app as the Dockerfile's final stage lays it out."""
    lines = (ROOT / "services" / service / "Dockerfile").read_text(encoding="utf-8").splitlines()
    last_from = max(i for i, ln in enumerate(lines) if ln.startswith("FROM "))
    for line in lines[last_from:]:
        parts = line.split()
        if parts and parts[0] == "COPY" and not any(p.startswith("--from") for p in parts):
            src, dst = ROOT / parts[1], target / parts[2]
            if src.is_dir():
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
    (target / "var").mkdir()
    return target


@pytest.fixture
def vhost():
    name = f"anju-entrypoint-{uuid.uuid4().hex[:8]}"
    resp = requests.put(f"{MANAGEMENT}/api/vhosts/{name}", timeout=10)
    assert resp.status_code in (201, 204), resp.text
    requests.put(f"{MANAGEMENT}/api/permissions/{name}/guest", json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    yield name
    requests.delete(f"{MANAGEMENT}/api/vhosts/{name}", timeout=10)


def rsa_public_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_images_entry_points_run(tmp_path, vhost):
    suite = render(DEPLOY / "overlays" / "gulou")
    jobs = render(DEPLOY / "overlays" / "gulou" / "migrate")
    cms = {d["metadata"]["name"]: d["data"] for d in by_kind(suite, "ConfigMap")}
    public_key = rsa_public_pem()
    procs, ports, logs = {}, {}, {}
    try:
        for service in SERVICES:
            app = image_root(service, tmp_path / service / "app")
            container = named(suite, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
            env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
            for ref in container["envFrom"]:
                env.update(cms[ref["configMapRef"]["name"]])
            ports[service] = free_port()
            env.update(HTTP_PORT=str(ports[service]), HTTP_HOST="127.0.0.1",  # free ports on this machine
                       AMQP_URI=f"pyamqp://guest:guest@127.0.0.1:5672/{vhost}",
                       DATABASE_URL=f"sqlite:///{app}/var/{service}.db",
                       JWT_PUBLIC_KEY=public_key, PERSON_REF_KEY=uuid.uuid4().hex)
            assert env["JWT_ALGORITHM"] == "RS256" and env["DISTRICT"] == "gulou"
            job = named(jobs, "Job", f"migrate-{service}")["spec"]["template"]["spec"]["containers"][0]
            migrated = subprocess.run(job["command"], cwd=app, env=env, capture_output=True, text=True, timeout=60)
            assert migrated.returncode == 0, migrated.stderr
            assert container["command"][0] == "nameko"
            logs[service] = open(tmp_path / service / "log.txt", "w+")  # noqa: SIM115 - closed below
            procs[service] = subprocess.Popen(container["command"], cwd=app, env=env, stdout=logs[service],
                                              stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 40
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                assert procs[service].poll() is None, f"{service} exited: {_log(logs[service])}"
                try:
                    ready = requests.get(f"http://127.0.0.1:{ports[service]}/ready", timeout=3)
                except requests.ConnectionError:
                    continue
                if ready.status_code == 200:
                    pending.discard(service)
            time.sleep(0.2)
        assert not pending, {s: _log(logs[s]) for s in pending}
        for service in SERVICES:
            health = requests.get(f"http://127.0.0.1:{ports[service]}/health", timeout=3).json()
            assert health == {"status": "ok", "service": service, "district": "gulou"}
        grace = named(suite, "Deployment", "notify")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        for proc in procs.values():
            os.killpg(proc.pid, signal.SIGTERM)
        for service, proc in procs.items():
            code = proc.wait(timeout=min(grace, 20))
            assert code == 0, f"{service} exit {code}: {_log(logs[service])}"
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for fh in logs.values():
            fh.close()


def _log(fh) -> str:
    fh.flush()
    fh.seek(0)
    text = fh.read()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    try:
        return "\n".join(json.loads(ln).get("message", ln) if ln.startswith("{") else ln for ln in lines[-30:])
    except ValueError:
        return "\n".join(lines[-30:])
