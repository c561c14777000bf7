"""The README's walk-through, run as written: `anju run` (what `make run` starts) with a
zero-day notice, then the README's shell block — from an application through review, notice,
stock, a round drawn and verified — must end with `anju verify-round` printing MATCH."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OFFSET = 300  # away from a developer's `make run` and from test_cli_run
BLOCK = re.compile(r"<!-- walkthrough:begin -->\s*```sh\n(.*?)```\s*<!-- walkthrough:end -->", re.S)


def readme_block() -> str:
    found = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no walkthrough block"
    return found.group(1)


def test_the_readme_walkthrough_ends_with_a_verified_round(tmp_path, rabbit):
    env = dict(os.environ, AMQP_URI=rabbit["AMQP_URI"], NOTICE_DAYS="0", PYTHONWARNINGS="ignore")
    run = subprocess.Popen([sys.executable, "-m", "services.cli", "run", "--port-offset", str(OFFSET),
                            "--data-dir", str(tmp_path / "var")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline, seen = time.monotonic() + 90, []
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            seen.append(line)
            if "Press Ctrl-C" in line or run.poll() is not None:
                break
        assert "Press Ctrl-C" in "".join(seen), "".join(seen)
        work = tmp_path / "work"
        work.mkdir()
        for name in (".venv", "docs"):  # the block runs from a checkout's root
            (work / name).symlink_to(ROOT / name)
        script = readme_block()
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, capture_output=True, text=True,
                              timeout=120, env=dict(env, APPS=f"127.0.0.1:{8001 + OFFSET}",
                                                    ALLOC=f"127.0.0.1:{8002 + OFFSET}"))
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert out.count("MATCH") == 1 and "MISMATCH" not in out, out
        assert '"state":"in_notice"' in out and '"count":1' in out and '"added":3' in out, out
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            run.wait(timeout=40)
