"""make mutate: mutation testing (mutmut) of every domain module and the platform's pure
modules, each module against ITS OWN unit tests only, each run bounded in time.

    .venv/bin/python scripts/mutate.py                       # every module, then the table
    .venv/bin/python scripts/mutate.py --module services/allocation/domain/lottery.py
    .venv/bin/python scripts/mutate.py --budget 300 --show-survivors
    .venv/bin/python scripts/mutate.py --module services/allocation/domain/ranking.py --mutants '*x_rank__*'

Every module runs in its own directory, ``mutants/<module-slug>/`` (symlinks to ``services/``
and ``tests/``, and a ``pyproject.toml`` whose ``[tool.mutmut]`` names that module and its
test files), so one module's run never resets another's results and a survivor can be read
afterwards with ``cd mutants/<slug> && ../../.venv/bin/mutmut show <name>``. Each run starts
afresh: mutmut 3 keeps a cached "survived" even after a new test would kill it.

Equivalent mutants — a change no test can observe, because the program means the same thing —
are declared in ONE place: the docstring of the module's own test file, one line each under
a heading ``Equivalent mutants``::

    - x_canonical_json__mutmut_9: "UTF-8" names the same codec as "utf-8".

They are excluded from the score and named in the report; a declaration that no longer
matches a surviving mutant (the source changed, or a test now kills it) is reported as stale.

``--mutants PATTERN`` (repeatable, mutmut's glob over mutant names) tests only the matching
mutants of one module and keeps every other verdict of that module's last run, provided the
module's source is unchanged since (its SHA-256 is kept in ``result.json``): a way to finish a
run that went over its budget, or to re-test the survivors after adding tests, without paying
again for the mutants already killed. Tests only ever being added, a kill stays a kill; after
a test was changed or removed, run the module whole.

Runs of different modules may go on at once (in two shells, say); a second run of a module
already running is refused as "busy" (a lock on ``mutants/<slug>.lock``) instead of wiping the
first one's directory under it.

Score = killed (incl. timeouts) / (mutants − equivalent − not run). "survived" counts every
live mutant that is not declared equivalent, including those no selected test reaches
("no tests"). A module whose run exceeds its budget is stopped and reported as such, with the
mutants it did test.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import fcntl
import fnmatch
import glob
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"
# Address-space limit of mutmut and its workers: a mutant that allocates without end (e.g.
# ``repeat(x)`` losing its count, then ``list()``) fails at once with MemoryError, a kill,
# instead of eating the shared machine's memory until the kernel's OOM killer picks a victim.
MEMORY_LIMIT_BYTES = 2 * 1024**3
MUTMUT = Path(sys.executable).parent / "mutmut"

# module → its own unit tests (glob patterns, relative to the repository). A module not
# listed here falls back to its service's whole tests/unit/<service>/ folder.
TESTS_OF = {
    "services/notify/domain/routing.py": ["tests/unit/notify/domain/test_notify_routing*.py"],
    "services/notify/domain/retry.py": ["tests/unit/notify/domain/test_notify_retry*.py"],
    "services/notify/domain/quiet_hours.py": ["tests/unit/notify/domain/test_notify_quiet_hours*.py"],
    "services/notify/domain/webhook_signing.py": ["tests/unit/notify/domain/test_notify_webhook_signing*.py"],
    "services/notify/domain/board.py": ["tests/unit/notify/domain/test_notify_board_rules*.py"],
    "services/common/identity.py": ["tests/unit/common/test_identity*.py"],
    "services/common/events/contracts.py": ["tests/unit/common/test_contracts*.py"],
    "services/allocation/domain/bulk.py": ["tests/unit/allocation/domain/test_alloc_bulk*.py"],
    "services/allocation/domain/csv_import.py": ["tests/unit/allocation/domain/test_alloc_csv_import*.py"],
    "services/allocation/domain/fit.py": ["tests/unit/allocation/domain/test_alloc_fit*.py"],
    "services/allocation/domain/lottery.py": ["tests/unit/allocation/domain/test_alloc_lottery*.py"],
    "services/allocation/domain/matching.py": ["tests/unit/allocation/domain/test_alloc_matching*.py"],
    "services/allocation/domain/offers.py": ["tests/unit/allocation/domain/test_alloc_offers*.py"],
    "services/allocation/domain/ranking.py": ["tests/unit/allocation/domain/test_alloc_ranking*.py"],
    "services/allocation/domain/readings.py": ["tests/unit/allocation/domain/test_alloc_readings*.py"],
    "services/allocation/domain/stock.py": ["tests/unit/allocation/domain/test_alloc_stock*.py"],
    "services/allocation/domain/verify.py": ["tests/unit/allocation/domain/test_alloc_verify*.py"],
    "services/allocation/domain/violations.py": ["tests/unit/allocation/domain/test_alloc_violations*.py"],
    "services/applications/domain/eligibility.py": ["tests/unit/applications/domain/test_app_eligibility*.py"],
    "services/applications/domain/lifecycle.py": ["tests/unit/applications/domain/test_app_lifecycle*.py"],
    "services/applications/domain/points.py": ["tests/unit/applications/domain/test_app_points*.py"],
    "services/applications/domain/policy.py": ["tests/unit/applications/domain/test_app_policy*.py"],
    "services/applications/domain/survey.py": ["tests/unit/applications/domain/test_app_survey*.py"],
    # finance and assistance: the domain tests, plus tests/unit/<service>/test_<prefix>_<module>_mutants.py
    "services/finance/domain/chain.py": ["tests/unit/finance/domain/test_fin_chain*.py",
                                         "tests/unit/finance/test_fin_chain_mutants.py"],
    "services/finance/domain/chart.py": ["tests/unit/finance/domain/test_fin_chart_funds.py",
                                         "tests/unit/finance/domain/test_fin_ledger.py",
                                         "tests/unit/finance/test_fin_chart_mutants.py"],
    "services/finance/domain/funds.py": ["tests/unit/finance/domain/test_fin_chart_funds.py",
                                         "tests/unit/finance/test_fin_funds_mutants.py"],
    "services/finance/domain/ledger.py": ["tests/unit/finance/domain/test_fin_ledger*.py",
                                          "tests/unit/finance/test_fin_ledger_mutants.py"],
    "services/finance/domain/money.py": ["tests/unit/finance/domain/test_fin_money*.py",
                                         "tests/unit/finance/test_fin_money_mutants.py"],
    "services/finance/domain/relief.py": ["tests/unit/finance/domain/test_fin_relief_report.py",
                                          "tests/unit/finance/test_fin_relief_mutants.py"],
    "services/finance/domain/report.py": ["tests/unit/finance/domain/test_fin_relief_report.py",
                                          "tests/unit/finance/test_fin_report_mutants.py"],
    "services/assistance/domain/relief.py": ["tests/unit/assistance/domain/test_assist_relief*.py",
                                             "tests/unit/assistance/test_assist_relief_mutants.py"],
    "services/assistance/domain/support.py": ["tests/unit/assistance/domain/test_assist_support*.py",
                                              "tests/unit/assistance/test_assist_support_mutants.py"],
    "services/assistance/domain/audit.py": ["tests/unit/assistance/domain/test_assist_audit*.py",
                                            "tests/unit/assistance/test_assist_audit_mutants.py"],
    "services/assistance/domain/hardship.py": ["tests/unit/assistance/domain/test_assist_hardship*.py",
                                               "tests/unit/assistance/test_assist_hardship_mutants.py"],
    "services/assistance/domain/reports.py": ["tests/unit/assistance/domain/test_assist_report*.py",
                                              "tests/unit/assistance/test_assist_reports_mutants.py"],
    "services/finance/domain/loans.py": ["tests/unit/finance/domain/test_fin_loans*.py",
                                         "tests/unit/finance/test_fin_loans_mutants.py"],
    "services/finance/domain/rent.py": ["tests/unit/finance/domain/test_fin_rent*.py",
                                        "tests/unit/finance/test_fin_rent_mutants.py"],
    # schedule.py is also exercised through loans (test_fin_loans builds schedules)
    "services/finance/domain/schedule.py": ["tests/unit/finance/domain/test_fin_schedule*.py",
                                            "tests/unit/finance/domain/test_fin_loans*.py",
                                            "tests/unit/finance/test_fin_schedule_mutants.py"],
    "services/allocation/domain/tenancies.py": ["tests/unit/allocation/domain/test_alloc_tenancy*.py",
                                                "tests/unit/allocation/test_alloc_tenancies_mutants.py"],
    "services/notify/domain/digest.py": ["tests/unit/notify/domain/test_notify_digest*.py",
                                         "tests/unit/notify/test_notify_digest_mutants.py"],
    "services/notify/domain/notices.py": ["tests/unit/notify/domain/test_notify_notices*.py",
                                          "tests/unit/notify/test_event_catalogue.py",
                                          "tests/unit/notify/test_notify_notices_mutants.py"],
    "services/notify/domain/ratelimit.py": ["tests/unit/notify/domain/test_notify_gateway_and_limits.py",
                                            "tests/unit/notify/test_notify_ratelimit_mutants.py"],
    "services/notify/domain/sms_gateway.py": ["tests/unit/notify/domain/test_notify_gateway_and_limits.py",
                                              "tests/unit/notify/test_notify_sms_gateway_mutants.py"],
    "services/notify/domain/templates.py": ["tests/unit/notify/domain/test_notify_templates*.py",
                                            "tests/unit/notify/test_notify_templates_mutants.py"],
}
PLATFORM_MODULES = ["services/common/identity.py", "services/common/events/contracts.py"]

# Settings every per-module run shares, over the repository's own [tool.mutmut] (whose other
# keys, e.g. timeouts, still apply).
BASE_CONFIG = {
    "source_paths": ["services"],
    # the eventlet-patched tests/conftest.py cannot survive mutmut's default plain fork
    "process_isolation": "forkserver",
    # ... nor can the fork server collect the tests: conftest's eventlet.monkey_patch() there
    # breaks the lock of mutmut's timeout thread. So the fork server imports only PRELOAD
    # (none of it patches anything) and each worker imports conftest and the tests itself.
    "forkserver_warmup": "import",
    "use_git_change_detection": False,
    # -p mutate: this file as a pytest plugin in every worker (see pytest_cmdline_main below);
    # pytest-benchmark is not needed by unit tests and runs `file -b` at startup
    "pytest_add_cli_args": ["-p", "mutate", "-p", "no:benchmark", "-p", "no:randomly", "--hypothesis-seed=0"],
}

# pytest and the plugins it loads (tests/conftest.py excluded: it monkey-patches), imported
# once in the fork server instead of once per mutant
PRELOAD = ["pytest", "_pytest.assertion.rewrite", "hypothesis", "hypothesis.strategies",
           "_hypothesis_pytestplugin", "pytest_timeout", "pytest_benchmark.plugin", "anyio.pytest_plugin",
           "platformdirs.pytest_plugin", "schemathesis.pytest.plugin", "nameko.testing.pytest"]

EQUIVALENT_HEADING = re.compile(r"^\s*Equivalent mutants\b", re.IGNORECASE)
EQUIVALENT_LINE = re.compile(r"^\s*[-*]\s*(?P<name>[\w.ǁ]+__mutmut_\d+)\s*[:—–]\s*(?P<reason>.+)$")

# "segfault" is mutmut's name for a test process ended by a signal other than its CPU limit's:
# the mutant crashed the tests (e.g. SIGKILL), so they did not pass — a kill, counted apart.
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
NOT_RUN = {"not checked", "check was interrupted by user"}


def pytest_cmdline_main(config):
    """Pytest hook, run when a mutmut worker loads this file as a plugin (``-p mutate``).

    The worker is forked from mutmut's fork server and inherits its SIGCHLD handler, which
    writes to a pipe with ``os.write``; once conftest has monkey-patched ``os`` with eventlet,
    any child process ending inside a test (pytest-benchmark's ``file -b``, a subprocess)
    makes that handler raise "do not call blocking functions from the mainloop", pytest
    exits 3 (internal error) and mutmut counts the mutant as killed. A worker has no use for
    the handler, so it goes back to the default."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)


def all_modules() -> list[str]:
    domain = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("services/*/domain/*.py"))
    return [m for m in domain if Path(m).name != "__init__.py" or _has_code(m)] + \
        [m for m in PLATFORM_MODULES if (ROOT / m).exists()]


def _has_code(module: str) -> bool:
    tree = ast.parse((ROOT / module).read_text("utf-8"))
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for n in tree.body)


def test_files(module: str) -> tuple[list[str], str]:
    """(test files, how they were chosen) for ``module``."""
    patterns = TESTS_OF.get(module)
    if patterns:
        files = sorted({f for p in patterns for f in glob.glob(p, root_dir=ROOT)})
        if files:
            return files, "mapped"
    parts = Path(module).parts  # services/<service>/...
    folder = f"tests/unit/{parts[1]}"
    files = sorted(glob.glob(f"{folder}/**/test_*.py", root_dir=ROOT, recursive=True))
    return files, f"fallback {folder}/"


def dotted(module: str) -> str:
    return module[: -len(".py")].replace("/", ".")


def slug(module: str) -> str:
    return module[: -len(".py")].replace("services/", "", 1).replace("/", "__")


def declared_equivalents(module: str, files: list[str]) -> dict[str, str]:
    """Mutant name → reason, from the ``Equivalent mutants`` list of each test file's docstring."""
    found: dict[str, str] = {}
    for f in files:
        doc = ast.get_docstring(ast.parse((ROOT / f).read_text("utf-8"))) or ""
        inside, name = False, None
        for line in doc.splitlines():
            if EQUIVALENT_HEADING.match(line):
                inside = True
                continue
            if not inside:
                continue
            m = EQUIVALENT_LINE.match(line)
            if m:
                name = m["name"] if m["name"].startswith("services.") else f"{dotted(module)}.{m['name']}"
                found[name] = m["reason"].strip()
            elif name and line.startswith((" ", "\t")) and line.strip():
                found[name] += " " + line.strip()  # an indented line continues the reason
            elif line.strip():
                inside, name = False, None  # a new paragraph ends the list
    return found


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} as TOML")


def staging_pyproject(module: str, tests: list[str], preload: Path) -> str:
    """The repository's pyproject.toml with a [tool.mutmut] section for this one module."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    repo_conf = tomllib.loads(text).get("tool", {}).get("mutmut", {})
    # drop the repository's own [tool.mutmut] table (it runs until the next table header)
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    conf = {**repo_conf, **BASE_CONFIG, "only_mutate": [module], "pytest_add_cli_args_test_selection": tests,
            "preload_modules_file": str(preload)}
    lines = ["", "# written by scripts/mutate.py for one module's run", "[tool.mutmut]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in conf.items()]
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


@dataclass
class Outcome:
    module: str
    tests: list[str]
    chosen: str
    seconds: float = 0.0
    state: str = "ok"  # ok | over budget | error | busy | no tests | no mutants | not run
    detail: str = ""
    statuses: dict[str, str] = field(default_factory=dict)  # mutant → mutmut status
    internal_errors: list[str] = field(default_factory=list)  # "killed" by pytest exit 3
    crashes: list[str] = field(default_factory=list)  # killed by a crash (a signal), see KILLED
    load_failures: list[str] = field(default_factory=list)  # "timeout" that was exit 255, see read_results
    equivalents: dict[str, str] = field(default_factory=dict)  # declared, mutant → reason
    stale: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> dict[str, str]:
        return {k: r for k, r in self.equivalents.items() if self.statuses.get(k) in ("survived", "no tests")}

    def count(self) -> dict[str, int]:
        c = {"mutants": len(self.statuses), "killed": 0, "survived": 0, "equivalent": 0, "not run": 0,
             "no tests": 0}
        for name, status in self.statuses.items():
            if status in KILLED:
                c["killed"] += 1
            elif status in NOT_RUN:
                c["not run"] += 1
            elif name in self.excluded:
                c["equivalent"] += 1
            else:
                c["survived"] += 1
                c["no tests"] += status == "no tests"
        return c

    @property
    def score(self) -> float | None:
        c = self.count()
        scored = c["mutants"] - c["equivalent"] - c["not run"]
        return None if scored <= 0 else 100.0 * c["killed"] / scored

    def as_json(self) -> dict:
        return {"module": self.module, "source_sha256": source_digest(self.module), "state": self.state,
                "detail": self.detail,
                "seconds": round(self.seconds, 1), "tests": self.tests, **self.count(), "score": self.score,
                "survivors": self.survivors, "equivalents": self.excluded, "stale_equivalents": self.stale,
                "internal_errors": self.internal_errors}

    @property
    def survivors(self) -> list[str]:
        return sorted(k for k, s in self.statuses.items()
                      if s not in KILLED and s not in NOT_RUN and k not in self.excluded)


def source_digest(module: str) -> str:
    return hashlib.sha256((ROOT / module).read_bytes()).hexdigest()


def _meta_path(stage: Path, module: str) -> Path:
    return stage / "mutants" / (module + ".meta")


def earlier_verdicts(module: str) -> dict[str, int]:
    """Exit codes of the module's last run, if it ran on the same source; else nothing."""
    stage = WORK / slug(module)
    try:
        last = json.loads((stage / "result.json").read_text("utf-8"))
        if last.get("source_sha256") != source_digest(module):
            return {}
        return json.loads(_meta_path(stage, module).read_text("utf-8"))["exit_code_by_key"]
    except (OSError, ValueError, KeyError):
        return {}


def run_module(module: str, budget: float, jobs: int, niceness: int, only: list[str] | None = None) -> Outcome:
    tests, chosen = test_files(module)
    out = Outcome(module, tests, chosen)
    if not tests:
        out.state, out.detail = "no tests", f"no unit tests ({chosen})"
        return out
    out.equivalents = declared_equivalents(module, tests)
    kept = earlier_verdicts(module) if only else {}
    if only and not kept:
        out.state, out.detail = "error", "--mutants needs an earlier run of this module on the same source"
        return out

    with module_lock(module) as lock:
        if lock is None:
            out.state, out.detail = "busy", (f"another run of this module is in progress (it holds "
                                             f"{_lock_path(module)}); wait for it or stop it")
            return out
        _run_staged(module, out, kept, budget, jobs, niceness, only, lock.fileno())
        # written under the lock: a run refused as busy must not overwrite the running one's
        (WORK / slug(module) / "result.json").write_text(json.dumps(out.as_json(), indent=2, ensure_ascii=False),
                                                         "utf-8")
        return out


def _lock_path(module: str) -> Path:
    return WORK / (slug(module) + ".lock")


@contextlib.contextmanager
def module_lock(module: str):
    """Yields the open lock file while this process alone runs ``module`` (None: another run
    holds it). Two runs of one module would share its stage directory: each wipes it at its
    start, and the verdicts of both end up mixed or lost (seen: a queued run and a full run both
    reaching verify.py). The lock is the kernel's (flock), so a killed run never leaves it
    held; mutmut inherits it, so it stays held while the mutants of a stopped run still run."""
    WORK.mkdir(exist_ok=True)
    with open(_lock_path(module), "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield f


def _run_staged(module: str, out: Outcome, kept: dict[str, int], budget: float, jobs: int, niceness: int,
                only: list[str] | None, lock_fd: int) -> None:
    tests = out.tests
    stage = WORK / slug(module)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in ("services", "tests"):
        (stage / name).symlink_to(ROOT / name, target_is_directory=True)
    (stage / "preload.txt").write_text("\n".join(PRELOAD) + "\n", "utf-8")
    (stage / "pyproject.toml").write_text(staging_pyproject(module, tests, stage / "preload.txt"), "utf-8")

    env = dict(os.environ)
    env.setdefault("ANJU_TEST_DB_TAG", "mut_")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "scripts"), env.get("PYTHONPATH")]))
    cmd = [str(MUTMUT), "run", "--max-children", str(jobs)]
    if only:
        # full names, so mutmut's filter matches them; the rest keep their earlier verdicts
        cmd += sorted(k for k in kept if any(fnmatch.fnmatchcase(k, p) for p in only))
        if len(cmd) == 4:
            out.state, out.detail = "error", f"no mutant of {module} matches {' '.join(only)}"
            return out
    start = time.monotonic()
    with open(stage / "mutmut.log", "wb") as logf:
        proc = subprocess.Popen(cmd, cwd=stage, env=env, stdout=logf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, pass_fds=(lock_fd,),
                                preexec_fn=lambda: _limit_child(niceness))
        try:
            rc = proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            _stop(proc)
            rc = None
    out.seconds = time.monotonic() - start

    if only:
        _merge_verdicts(stage, module, kept, set(cmd[4:]))
    read_results(out, stage)
    tail = (stage / "mutmut.log").read_text("utf-8", errors="replace").strip().splitlines()[-3:]
    if rc is None:
        out.state = "over budget"
        out.detail = f"stopped after {budget:.0f} s"
    elif rc != 0:
        if any("could not find any test case for any mutant" in t for t in tail):
            out.state, out.detail = "no tests", "its tests reach none of its mutants"
        else:
            out.state, out.detail = "error", f"mutmut exit {rc}: " + " | ".join(tail)
    elif not out.statuses:
        out.state, out.detail = "no mutants", "nothing mutmut can mutate"
    return out


def _merge_verdicts(stage: Path, module: str, kept: dict[str, int], retested: set[str]) -> None:
    """Write into the new run's meta file the earlier verdicts of the mutants it did not test."""
    meta = _meta_path(stage, module)
    data = json.loads(meta.read_text("utf-8")) if meta.exists() else {"exit_code_by_key": {}}
    codes = data["exit_code_by_key"]
    for name, code in kept.items():
        if name not in retested or codes.get(name) is None:
            codes[name] = code
    meta.write_text(json.dumps(data), "utf-8")


def _limit_child(niceness: int) -> None:
    if niceness:
        os.nice(niceness)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def read_results(out: Outcome, stage: Path) -> None:
    """The verdicts mutmut recorded in ``stage`` for ``out.module`` (also of a stopped run)."""
    meta = stage / "mutants" / (out.module + ".meta")
    if meta.exists():
        from mutmut.stats import status_by_exit_code

        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        out.statuses = {k: status_by_exit_code[v] for k, v in codes.items()}
        # mutmut counts exit 3 (pytest internal error) as a kill; a mutant of a function body
        # hardly causes one, the environment does (see pytest_cmdline_main): say so
        out.internal_errors = sorted(k for k, v in codes.items() if v == 3)
        out.crashes = sorted(k for k, s in out.statuses.items() if s == "segfault")
        # mutmut files exit 255 under "timeout", but its fork server exits 255 when the test
        # runner raised: pytest answered 4 because the selected tests were not found, as when a
        # test module that builds domain objects at import fails to import under the mutant.
        # The tests did not pass, so it is a kill; the table counts it apart from real timeouts.
        out.load_failures = sorted(k for k, v in codes.items() if v == 255)
    out.stale = sorted(k for k in out.equivalents if out.statuses.get(k) not in ("survived", "no tests"))


def last_results(module: str) -> Outcome:
    """The outcome of ``module``'s last run, read back from mutants/<slug>/ (for --report);
    equivalents are read from the test docstrings as they are now."""
    tests, chosen = test_files(module)
    out = Outcome(module, tests, chosen, equivalents=declared_equivalents(module, tests))
    stage = WORK / slug(module)
    if not tests:
        out.state, out.detail = "no tests", f"no unit tests ({chosen})"
        return out
    if not stage.is_dir():
        out.state, out.detail = "not run", "no earlier run in mutants/"
        return out
    try:
        last = json.loads((stage / "result.json").read_text("utf-8"))
        out.state, out.detail, out.seconds = last["state"], last["detail"], last["seconds"]
    except (OSError, ValueError, KeyError):
        pass
    read_results(out, stage)
    return out


def _stop(proc: subprocess.Popen) -> None:
    """Stop mutmut and the workers it forked (they share its session's process group)."""
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def progress_line(i: int, n: int, o: Outcome) -> str:
    c = o.count()
    score = "—" if o.score is None else f"{o.score:.1f}%"
    head = f"[{i}/{n}] {o.module}"
    if o.state in ("no tests", "no mutants", "error", "busy") and not o.statuses:
        return f"{head}: {o.state} — {o.detail} ({o.seconds:.0f} s)"
    line = (f"{head}: {c['mutants']} mutants, {c['killed']} killed, {c['survived']} survived, "
            f"{c['equivalent']} equivalent → {score} ({o.seconds:.0f} s, tests: {o.chosen})")
    if o.state != "ok":
        line += f" — {o.state.upper()}: {o.detail}, {c['not run']} not run"
    return line


def table(outcomes: list[Outcome]) -> str:
    rows = ["| module | mutants | killed (incl. timeouts) | survived | equivalent (excluded) | score | notes |",
            "|---|---|---|---|---|---|---|"]
    for o in outcomes:
        c = o.count()
        notes = []
        if o.state != "ok":
            notes.append(f"{o.state}: {o.detail}")
        if c["not run"]:
            notes.append(f"{c['not run']} not run")
        if c["no tests"]:
            notes.append(f"{c['no tests']} of the survivors reached by no test")
        if o.chosen != "mapped" and o.state != "no tests":
            notes.append(f"tests: {o.chosen}")
        if o.crashes:
            notes.append(f"{len(o.crashes)} kill(s) by a crash of the tests")
        if o.load_failures:
            notes.append(f"{len(o.load_failures)} of the kills: the tests failed to load (exit 255)")
        if o.internal_errors:
            notes.append(f"{len(o.internal_errors)} kills by pytest internal error (suspect)")
        if o.stale:
            notes.append(f"{len(o.stale)} stale equivalent declaration(s)")
        notes.append(f"{o.seconds:.0f} s")
        score = "—" if o.score is None else f"{o.score:.1f}%"
        name = o.module.replace("services/", "", 1)
        rows.append(f"| {name} | {c['mutants']} | {c['killed']} | {c['survived']} | {c['equivalent']} | "
                    f"{score} | {'; '.join(notes)} |")
    return "\n".join(rows)


def show(stage: Path, name: str) -> str:
    r = subprocess.run([str(MUTMUT), "show", name], cwd=stage, capture_output=True, text=True)
    return (r.stdout or r.stderr).rstrip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", metavar="PATH",
                    help="run only this module (repeatable), e.g. services/allocation/domain/lottery.py")
    ap.add_argument("--budget", type=float, default=600, metavar="SECONDS",
                    help="wall-clock limit of one module's run (default 600)")
    ap.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                    help="mutants tested at once (default: CPUs − 1, at least 1)")
    ap.add_argument("--nice", type=int, default=19, help="niceness of the mutmut runs (default 19)")
    ap.add_argument("--mutants", action="append", metavar="PATTERN",
                    help="with one --module: test only the mutants matching this glob (repeatable), keeping the "
                         "other verdicts of the module's last run (same source only)")
    ap.add_argument("--show-survivors", action="store_true", help="print the diff of every survivor")
    ap.add_argument("--list", action="store_true", help="print the modules and their test files, run nothing")
    ap.add_argument("--report", action="store_true",
                    help="run nothing: print the table of the last run of each module, from mutants/")
    args = ap.parse_args(argv)

    os.chdir(ROOT)
    modules = [m.removeprefix("./") for m in args.module] if args.module else all_modules()
    for m in modules:
        if not (ROOT / m).is_file():
            ap.error(f"no such module: {m}")
    if args.mutants and len(modules) != 1:
        ap.error("--mutants needs exactly one --module")
    if args.list:
        for m in modules:
            files, chosen = test_files(m)
            print(f"{m}  ←  {', '.join(files) or '(none)'}  [{chosen}]")
        return 0
    if not MUTMUT.exists():
        print(f"{MUTMUT} is missing: run `make install` (mutmut is a dev extra)", file=sys.stderr)
        return 2

    WORK.mkdir(exist_ok=True)
    outcomes = []
    started = time.monotonic()
    for i, m in enumerate(modules, 1):
        if args.report:
            outcomes.append(last_results(m))
            continue
        print(f"[{i}/{len(modules)}] {m} …", flush=True)
        o = run_module(m, args.budget, args.jobs, args.nice, args.mutants)
        outcomes.append(o)
        print(progress_line(i, len(modules), o), flush=True)
        if o.internal_errors:
            print(f"    WARNING: {len(o.internal_errors)} mutants 'killed' by a pytest internal error (exit 3),"
                  f" e.g. {o.internal_errors[0]}: check {WORK / slug(m) / 'mutmut.log'} and the environment")
        for name in o.stale:
            print(f"    stale equivalent declaration: {name} is {o.statuses.get(name, 'not a mutant')}")
        for name in o.survivors:
            print(f"    survived: {name}" + (" (no tests)" if o.statuses[name] == "no tests" else ""))
            if args.show_survivors:
                print("      " + show(WORK / slug(m), name).replace("\n", "\n      "))

    print()
    print(table(outcomes))
    excluded = [(o.module, k, r) for o in outcomes for k, r in sorted(o.excluded.items())]
    if excluded:
        print("\nEquivalent mutants (excluded from the score):")
        for _module, name, reason in excluded:
            print(f"- {name}: {reason}")
    print(f"\ntotal {time.monotonic() - started:.0f} s; survivors: cd mutants/<module-slug> && "
          f"{MUTMUT.relative_to(ROOT) if MUTMUT.is_relative_to(ROOT) else MUTMUT} show <name>")
    summary = [o.as_json() for o in outcomes]
    name = "summary.json" if not args.module and not args.report else "summary-last.json"
    (WORK / name).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 1 if any(o.state in ("error", "busy") for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
