"""scripts/mutate.py (`make mutate`): the parts that decide what the table says — equivalent
mutants read from a test module's docstring, the score, and one run per module at a time."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("mutate_script", ROOT / "scripts" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate_script"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["mutate_script"]


def test_equivalents_are_read_from_the_docstring_list_with_continuations(mutate, tmp_path, monkeypatch):
    monkeypatch.setattr(mutate, "ROOT", tmp_path)
    (tmp_path / "test_x.py").write_text('''"""Rules.

Equivalent mutants (excluded):

- x_f__mutmut_1: "UTF-8" names the codec "utf-8" names,
  whatever the case.
- services.other.mod.x_g__mutmut_2: a full name is kept as it is.

- x_h__mutmut_3: after a blank line the list goes on.
Another paragraph ends it.
- x_i__mutmut_4: not read.
"""
''', "utf-8")
    found = mutate.declared_equivalents("services/a/domain/m.py", ["test_x.py"])
    assert found == {
        "services.a.domain.m.x_f__mutmut_1": '"UTF-8" names the codec "utf-8" names, whatever the case.',
        "services.other.mod.x_g__mutmut_2": "a full name is kept as it is.",
        "services.a.domain.m.x_h__mutmut_3": "after a blank line the list goes on.",
    }


def test_the_score_leaves_out_equivalent_and_unrun_mutants(mutate):
    o = mutate.Outcome("services/a/domain/m.py", ["t.py"], "mapped")
    o.statuses = {"k1": "killed", "k2": "timeout", "k3": "segfault", "s1": "survived", "s2": "no tests",
                  "e1": "survived", "n1": "not checked"}
    o.equivalents = {"e1": "why", "k1": "stale: it is killed"}
    assert o.count() == {"mutants": 7, "killed": 3, "survived": 2, "equivalent": 1, "not run": 1, "no tests": 1}
    assert o.score == pytest.approx(100 * 3 / 5)
    assert o.survivors == ["s1", "s2"]
    empty = mutate.Outcome("m", [], "mapped")
    assert empty.score is None


def test_a_second_run_of_one_module_is_refused_while_the_first_holds_it(mutate, tmp_path, monkeypatch):
    monkeypatch.setattr(mutate, "WORK", tmp_path)
    module = "services/allocation/domain/readings.py"
    with mutate.module_lock(module) as first:
        assert first is not None
        with mutate.module_lock(module) as second:
            assert second is None
        out = mutate.run_module(module, budget=5, jobs=1, niceness=0)
        assert out.state == "busy" and "another run of this module is in progress" in out.detail
        assert not (tmp_path / mutate.slug(module)).exists()  # the running one's stage is left alone
    with mutate.module_lock(module) as again:
        assert again is not None


def test_exit_255_is_a_kill_counted_apart_from_real_timeouts(mutate, tmp_path):
    import json

    module = "services/a/domain/m.py"
    meta = tmp_path / "mutants" / (module + ".meta")
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"a": 1, "b": 255, "c": -24, "d": 0, "e": None}}), "utf-8")
    o = mutate.Outcome(module, ["t.py"], "mapped")
    mutate.read_results(o, tmp_path)
    assert o.load_failures == ["b"]
    assert o.count()["killed"] == 3 and o.survivors == ["d"]
    assert "1 of the kills: the tests failed to load (exit 255)" in mutate.table([o])
