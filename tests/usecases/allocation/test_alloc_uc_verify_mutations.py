"""Issue 12 item 2: every value of a real export (the scenario's round, drawn and exported by
the service) that can change the result is bound. Each field is changed in turn, and each key
removed in turn, and `verify` must then not say MATCH. What does not matter is written down
(and checked to MATCH): the letter case of hex values, JSON formatting and key order, and keys
the format does not define."""

import copy
import json

import pytest

from services.allocation import rounds
from services.allocation.domain.lottery import canonical_json
from services.allocation.domain.verify import verify

HEX = set("0123456789abcdef")


@pytest.fixture
def export(stocked, drawn):
    _, out = drawn
    with stocked.worker_db().read() as s:
        exported = rounds.export_round(s, out["round_id"])
    exported = json.loads(json.dumps(exported, ensure_ascii=False))  # as a reader gets it from a file
    assert verify(exported).ok
    return exported


def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    else:
        yield path, node


def containers(node, path=()):
    if isinstance(node, dict | list):
        yield path, node
        for k, v in (node.items() if isinstance(node, dict) else enumerate(node)):
            yield from containers(v, (*path, k))


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value and set(value) <= HEX:  # a hex value: another hex digit, same length
        return ("1" if value[0] != "1" else "2") + value[1:]
    return value + "x"


def at(doc, path):
    for k in path[:-1]:
        doc = doc[k]
    return doc, path[-1]


def mutations(export):
    for path, value in leaves(export):
        doc = copy.deepcopy(export)
        parent, key = at(doc, path)
        parent[key] = changed(value)
        yield f"change {'.'.join(map(str, path))}", doc
    for path, node in containers(export):
        for key in list(node if isinstance(node, dict) else range(len(node))):
            doc = copy.deepcopy(export)
            parent = doc
            for k in path:
                parent = parent[k]
            del parent[key]
            yield f"remove {'.'.join(map(str, (*path, key)))}", doc


def test_every_field_of_a_real_export_is_bound(export):
    tried, matched = 0, []
    for label, doc in mutations(export):
        tried += 1
        if verify(doc).ok:
            matched.append(label)
    assert matched == []
    assert tried > 200  # every pool entry, unit, policy field, seed part, digest and result row
    print(f"{tried} mutations, none verifies")


def test_what_does_not_matter_still_matches(export):
    # the letter case of hex values (commitment, secret, seed, digests)
    upper = copy.deepcopy(export)
    for key in ("commitment", "secret_hex", "final_seed_hex"):
        upper["seed"][key] = upper["seed"][key].upper()
    for key in ("snapshot_digest", "inputs_digest", "results_digest"):
        upper[key] = upper[key].upper()
    assert verify(upper).ok
    # JSON formatting and key order
    assert verify(json.loads(canonical_json(export))).ok
    assert verify(json.loads(json.dumps(export, indent=2, sort_keys=False))).ok
    # keys the format does not define are ignored
    assert verify({**export, "note": "printed for the notice board"}).ok
