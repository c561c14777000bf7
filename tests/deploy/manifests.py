"""Rendering and checking the manifests offline: `kubectl kustomize`, the Kubernetes JSON
Schemas of `kubernetes-validate` for built-in kinds (strict: unknown fields fail), and
deploy/schemas/*.yaml for the operators' custom resources."""

from __future__ import annotations

import functools
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMAS = DEPLOY / "schemas"
# The Kubernetes release the manifests are validated against (kubernetes-validate bundles its
# schemas). Raise it when the clusters are upgraded.
KUBERNETES_VERSION = "1.32.0"
BUILTIN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io"}

sys.path.insert(0, str(ROOT / "scripts"))
deploygen = importlib.import_module("deploygen")  # scripts/deploygen.py: what the manifests are made from


class KubectlMissing(RuntimeError):
    pass


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        raise KubectlMissing(
            "kubectl is not on PATH: the deploy tests render every overlay with `kubectl kustomize` "
            "(kustomize v5). Install kubectl 1.27 or newer (deploy/README.md, 'Prerequisites'); "
            "`make install` cannot install it.")
    return path


def kustomize(path: Path) -> list[dict]:
    proc = subprocess.run([kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"kubectl kustomize {path} failed:\n{proc.stderr}")
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


@functools.cache
def _render_cached(path: str) -> tuple:
    return tuple(kustomize(Path(path)))


def render(path: Path) -> list[dict]:
    """The rendered documents (shared between tests: do not mutate)."""
    return list(_render_cached(str(path)))


def kustomizations(deploy_dir: Path = DEPLOY) -> list[Path]:
    """Every overlay (and its migrate/ kustomization) under deploy_dir/overlays."""
    out = []
    for k in sorted((deploy_dir / "overlays").glob("**/kustomization.yaml")):
        doc = yaml.safe_load(k.read_text(encoding="utf-8"))
        if doc.get("kind") == "Component" or k.parent.name == "districts":
            continue
        out.append(k.parent)
    return out


def group_of(doc: dict) -> str:
    api = doc.get("apiVersion", "")
    return api.split("/")[0] if "/" in api else ""


def is_builtin(doc: dict) -> bool:
    return group_of(doc) in BUILTIN_GROUPS


# -- built-in kinds ---------------------------------------------------------------------------


@functools.cache
def _k8s_validator(kind: str, api_version: str):
    """A validator for one built-in kind, built once (kubernetes_validate.validate reads and
    compiles the schema files on every call)."""
    import re

    import kubernetes_validate.utils as kv
    from referencing import Registry, Resource

    version = [v for v in kv.all_versions() if kv.major_minor(v) <= kv.major_minor(KUBERNETES_VERSION)][-1]
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema_dir = f"kubernetes-json-schema/v{version}-local-strict"
    try:
        schema = kv.schema_contents(f"{schema_dir}/{kind.lower()}-{api}.json", KUBERNETES_VERSION)
    except FileNotFoundError:
        return None
    definitions = kv.schema_contents(f"{schema_dir}/_definitions.json", KUBERNETES_VERSION)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def builtin_errors(doc: dict) -> list[str]:
    validator = _k8s_validator(doc["kind"], doc["apiVersion"])
    if validator is None:
        return [f"{doc['apiVersion']} {doc['kind']} is not a kind of Kubernetes {KUBERNETES_VERSION}"]
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(doc)]


# -- custom resources -------------------------------------------------------------------------

_METADATA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
                 "maxLength": 253},
        "namespace": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


@functools.cache
def crd_schemas() -> dict[tuple[str, str], jsonschema.Draft202012Validator]:
    out = {}
    for path in sorted(SCHEMAS.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, entry in spec["kinds"].items():
            schema = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$defs": spec.get("defs", {}),
                "type": "object",
                "additionalProperties": False,
                "required": ["apiVersion", "kind", "metadata", "spec"],
                "properties": {"apiVersion": {"const": entry["apiVersion"]}, "kind": {"const": kind},
                               "metadata": _METADATA, "spec": entry["spec"]},
            }
            jsonschema.Draft202012Validator.check_schema(schema)
            out[(entry["apiVersion"], kind)] = jsonschema.Draft202012Validator(schema)
    return out


def custom_errors(doc: dict) -> list[str]:
    validator = crd_schemas().get((doc.get("apiVersion"), doc.get("kind")))
    if validator is None:
        known = sorted(f"{a} {k}" for a, k in crd_schemas())
        return [f"{doc.get('apiVersion')} {doc.get('kind')} is not a custom resource we have a schema for "
                f"(deploy/schemas/); known: {', '.join(known)}"]
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(doc)]


def errors(doc: dict) -> list[str]:
    found = builtin_errors(doc) if is_builtin(doc) else custom_errors(doc)
    name = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
    return [f"{name}: {e}" for e in found]


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def named(docs: list[dict], kind: str, name: str) -> dict:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]
