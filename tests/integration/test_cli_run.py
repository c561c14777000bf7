"""`anju run` (what `make run` calls) as an operator sees it: it listens on this machine only
unless told otherwise, refuses to start beside a running copy, and on SIGTERM to its process
group returns only once every service it started has stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.common.config import DEFAULT_PORTS
from services.common.web import InsecureBinding, check_binding

ROOT = Path(__file__).resolve().parents[2]
OFFSET = 200  # away from a developer's `make run` on 8001…8005
SERVICES = ("assistance", "notify")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _start(tmp_path, rabbit):
    env = dict(os.environ, AMQP_URI=rabbit["AMQP_URI"], PYTHONWARNINGS="ignore")
    env.pop("HTTP_HOST", None)
    return subprocess.Popen([sys.executable, "-m", "services.cli", "run", *SERVICES, "--port-offset", str(OFFSET),
                             "--data-dir", str(tmp_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _wait_for_line(proc, needle: str, timeout: float) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            lines.append(line)
            if needle in line:
                return lines
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.1)
    raise AssertionError(f"{needle!r} not printed within {timeout}s: {''.join(lines)}")


def test_run_listens_locally_refuses_a_second_copy_and_stops_everything(tmp_path, rabbit):
    ports = [DEFAULT_PORTS[s] + OFFSET for s in SERVICES]
    assert not any(_listening(p) for p in ports), "ports taken before the test"
    first = _start(tmp_path / "one", rabbit)
    try:
        printed = "".join(_wait_for_line(first, "Press Ctrl-C", timeout=60))
        assert f"http://127.0.0.1:{ports[0]}/health" in printed
        assert all(_listening(p) for p in ports)
        with socket.socket() as probe:  # bound to loopback only: another address of ours is refused
            probe.settimeout(0.5)
            others = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
            if others:
                assert probe.connect_ex((others[0], ports[0])) != 0

        second = subprocess.run([sys.executable, "-m", "services.cli", "run", *SERVICES, "--port-offset",
                                 str(OFFSET), "--data-dir", str(tmp_path / "two")], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, env=dict(os.environ, AMQP_URI=rabbit["AMQP_URI"]))
        assert second.returncode != 0 and "already in use" in second.stderr + second.stdout

        started = time.monotonic()
        os.killpg(first.pid, signal.SIGTERM)
        first.wait(timeout=40)
        took = time.monotonic() - started
        assert not any(_listening(p) for p in ports), "a service outlived `anju run`"
        assert took < 30, f"stopping took {took:.1f} s"
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)


@pytest.mark.parametrize("host, secret, refused", [
    ("0.0.0.0", "dev-only-jwt-secret-change-me-0123456789", True),
    ("10.0.0.5", "dev-only-jwt-secret-change-me-0123456789", True),
    ("127.0.0.1", "dev-only-jwt-secret-change-me-0123456789", False),
    ("0.0.0.0", "a-real-secret-from-the-vault-0123456789", False),
])
def test_the_development_secret_is_never_served_beyond_this_machine(host, secret, refused):
    config = {"JWT": {"ALGORITHM": "HS256", "SECRET": secret}}
    if refused:
        with pytest.raises(InsecureBinding, match="JWT_SECRET"):
            check_binding(config, host)
    else:
        check_binding(config, host)
