"""applications keeps the shape services/README.md describes, checked on the source: time is
passed in (nothing reads the wall clock), entrypoint modules hold one <Capability>Entrypoints
class and reach use cases through their modules, and role names are grouped only in roles.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from services.common import roles as common_roles

SERVICE = Path(__file__).resolve().parents[3] / "services" / "applications"
MODULES = sorted(p for p in SERVICE.rglob("*.py") if "migrations" not in p.parts)
ENTRYPOINTS = sorted((SERVICE / "entrypoints").glob("*.py"))
ROLE_NAMES = {v for k, v in vars(common_roles).items() if k.isupper() and isinstance(v, str)}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(SERVICE))


def wall_clock_reads(tree: ast.Module) -> list[str]:
    """Calls of utc_now(), <x>.now() on datetime, or date.today()."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "utc_now":
            found.append(f"{node.lineno}: utc_now()")
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            if (f.value.id, f.attr) in {("datetime", "now"), ("datetime", "utcnow"), ("date", "today")}:
                found.append(f"{node.lineno}: {f.value.id}.{f.attr}()")
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_reads_the_wall_clock(path):
    assert wall_clock_reads(_tree(path)) == []


@pytest.mark.parametrize("path", [p for p in ENTRYPOINTS if p.name != "__init__.py"], ids=_name)
def test_an_entrypoint_module_holds_one_entrypoints_class_and_imports_modules(path):
    tree = _tree(path)
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1 and classes[0].endswith("Entrypoints"), classes
    by_name = [f"{n.lineno}: from {'.' * n.level}{n.module} import ..." for n in ast.walk(tree)
               if isinstance(n, ast.ImportFrom) and n.level >= 2 and n.module]
    assert by_name == [], "entrypoints import the service's modules, not names from them"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "roles.py"], ids=_name)
def test_role_groups_are_named_only_in_roles_py(path):
    groups = [f"{n.lineno}" for n in ast.walk(_tree(path)) if isinstance(n, (ast.Tuple, ast.List, ast.Set))
              and any(isinstance(e, ast.Constant) and e.value in ROLE_NAMES for e in n.elts)]
    assert groups == [], f"role names grouped outside roles.py at line(s) {', '.join(groups)}"


def test_the_checks_catch_what_they_forbid():
    assert wall_clock_reads(ast.parse("from datetime import date\nx = date.today()\ny = utc_now()")) == [
        "2: date.today()", "3: utc_now()"]
    assert wall_clock_reads(ast.parse("now = self.clock.now()")) == []
