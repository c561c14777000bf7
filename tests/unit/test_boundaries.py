"""The architecture's boundaries, checked on the source (services/README.md):

- a ``domain/`` module imports only the standard library and its own ``domain`` package:
  no framework (nameko, kombu, eventlet), no database (sqlalchemy, alembic, psycopg2), no
  validation or HTTP (marshmallow, werkzeug, apispec, jwt), no other part of the service and
  no other service;
- a service imports no other service's modules (services talk by events and RPC only); only
  ``services.common`` is shared, and ``services/cli.py`` (the operator's tool) may use a
  domain module, e.g. the round verifier.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
NAMES = sorted(p.name for p in SERVICES.iterdir() if (p / "service.py").exists() and p.name != "common")
STDLIB = sys.stdlib_module_names


def _imports(path: Path) -> list[tuple[int, str, int]]:
    """(line, module, relative level) of every import in a file, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.lineno, node.module or "", node.level))
    return out


def _resolve(path: Path, module: str, level: int) -> str:
    """An import as an absolute dotted name (relative ones resolved against the file)."""
    if level == 0:
        return module
    package = list(path.relative_to(SERVICES.parent).with_suffix("").parts[:-1])
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _domain_files():
    return sorted(SERVICES.glob("*/domain/**/*.py"))


def _service_files(name: str):
    return sorted(p for p in (SERVICES / name).rglob("*.py") if "migrations" not in p.parts)


def domain_violations(path: Path) -> list[str]:
    service = path.relative_to(SERVICES).parts[0]
    allowed_prefix = f"services.{service}.domain"
    bad = []
    for line, module, level in _imports(path):
        name = _resolve(path, module, level)
        top = name.split(".")[0]
        if name == "__future__" or (top in STDLIB and top != "services"):
            continue
        if name == allowed_prefix or name.startswith(allowed_prefix + "."):
            continue
        bad.append(f"{path.relative_to(SERVICES.parent)}:{line} imports {name}")
    return bad


def service_violations(name: str, files) -> list[str]:
    bad = []
    for path in files:
        for line, module, level in _imports(path):
            resolved = _resolve(path, module, level)
            parts = resolved.split(".")
            if parts[0] == "services" and len(parts) > 1 and parts[1] in NAMES and parts[1] != name:
                bad.append(f"{path.relative_to(SERVICES.parent)}:{line} imports {resolved}")
    return bad


def test_every_service_is_checked():
    assert {"applications", "allocation", "finance", "assistance", "notify"} <= set(NAMES)
    assert _domain_files(), "no domain modules found: the guard would pass vacuously"


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: str(p.relative_to(SERVICES)))
def test_domain_modules_import_only_the_standard_library_and_their_domain(path):
    assert domain_violations(path) == []


@pytest.mark.parametrize("name", NAMES)
def test_a_service_imports_no_other_service(name):
    assert service_violations(name, _service_files(name)) == []


def test_the_guard_catches_what_it_forbids(tmp_path, monkeypatch):
    """The checks themselves: a framework import, a reach into the service's own edge, a
    relative import of another service, and a clean module."""
    fake = tmp_path / "services"
    (fake / "alpha" / "domain").mkdir(parents=True)
    (fake / "beta").mkdir()
    for name in ("alpha", "beta"):
        (fake / name / "service.py").write_text("")
    dirty = fake / "alpha" / "domain" / "rules.py"
    dirty.write_text("import json\nfrom sqlalchemy import select\nfrom ..models import Row\n"
                     "from nameko.rpc import rpc\nfrom .other import x\nfrom services.beta import models\n")
    clean = fake / "alpha" / "domain" / "other.py"
    clean.write_text("from __future__ import annotations\nimport dataclasses\nfrom . import rules\n")
    edge = fake / "alpha" / "handlers.py"
    edge.write_text("from ..beta.models import Row\nfrom services.common import db\n")
    monkeypatch.setattr(sys.modules[__name__], "SERVICES", fake)
    monkeypatch.setattr(sys.modules[__name__], "NAMES", ["alpha", "beta"])
    assert [v.split(" imports ")[1] for v in domain_violations(dirty)] == [
        "sqlalchemy", "services.alpha.models", "nameko.rpc", "services.beta"]
    assert domain_violations(clean) == []
    assert [v.split(" imports ")[1] for v in service_violations("alpha", [edge, dirty])] == [
        "services.beta.models", "services.beta"]
