"""防篡改 the hash chain's verification in words and at its edges (issue 20), beyond
domain/test_fin_chain.py: every reason a chain is refused, in its exact words and at its entry
(not an object, a seq that is 1.0 or True, a line of three items or with a non-text account or
a boolean amount, content that is not JSON); the summary's words for an honest chain, an empty
one and an unbalanced trial balance; the trial balance kept per account across entries; a head
given without seq or hash; an export's refusals in words; the format names; strings passed
through as they are written.

Equivalent mutants (scripts/mutate.py excludes them from the score):
- x_verify__mutmut_5: ``last = ""`` for ``None``: ``last`` is only tested for truth before an entry
  is verified, and "" is false as None is; once an entry is verified it is that entry.
- x_verify__mutmut_142: ``amount >= 0`` for ``> 0`` in the trial balance: a line of 0 fen was
  refused above, so no amount there is 0.
- x_verify__mutmut_198: the head's failure given ``{"XXentry_idXX": None}``: _fail reads
  ``entry.get("entry_id")``, None whether the key is there with None or missing.
- x_verify__mutmut_199: the same with ``"ENTRY_ID"``.
- x_canonical__mutmut_11: ``ensure_ascii=None``: json reads the flag for its truth, and None is
  false as False is.
- x_canonical__mutmut_21: ``encode("UTF-8")`` names the codec ``"utf-8"`` names.
- x_hash_of__mutmut_26: the same in the hash's body.

An instant is written in UTC also on a machine whose zone is not UTC (Asia/Shanghai here).
"""
import hashlib
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.finance.domain import chain


def _entry(seq, prev, lines, **over):
    body = chain.content(district="gulou", seq=seq, entry_id=f"e{seq}", posted_on=date(2026, 11, 30), kind="receipt",
                         memo="m", idempotency_id=f"k{seq}", cause_type="c", cause_id=f"c{seq}", event_id=None,
                         request_id=None, recorded_by="u", recorded_at=datetime(2026, 11, 30, tzinfo=UTC),
                         reverses=None, reason=None, lines=lines, prev_hash=prev)
    body.update(over)
    return chain.seal(body)


def _two():
    a = _entry(1, chain.GENESIS, [("1002:donation", 500), ("4105", -500)])
    b = _entry(2, a["hash"], [("1002:donation", -200), ("5101:P1", 200)])
    return [a, b]


def test_the_format_names():
    assert (chain.FORMAT, chain.EXPORT_FORMAT, chain.GENESIS) == ("anju-ledger/1", "anju-ledger-export/1", "0" * 64)


def test_text_dates_and_instants_pass_through_as_written():
    c = chain.content(district="d", seq=1, entry_id="e", posted_on="2026-11-30", kind="k", memo="m",
                      idempotency_id="i", cause_type="c", cause_id="c", event_id="ev", request_id="rq",
                      recorded_by="u", recorded_at="2026-11-30T00:00:00.000000Z", reverses="e0", reason="r",
                      lines=(("a", 1), ("b", -1)), prev_hash="p")
    assert (c["posted_on"], c["recorded_at"], c["lines"]) == ("2026-11-30", "2026-11-30T00:00:00.000000Z",
                                                              [["a", 1], ["b", -1]])
    assert (c["event_id"], c["request_id"], c["reverses"], c["reason"]) == ("ev", "rq", "e0", "r")
    assert chain.hash_of(**c) == chain.entry_hash(c) == hashlib.sha256(chain.canonical(c)).hexdigest()
    with pytest.raises(ValueError, match="^the ledger keeps aware instants only$"):
        chain.instant_text(datetime(2026, 1, 1))


def test_the_trial_balance_per_account_and_the_honest_summary():
    es = _two()
    v = chain.verify(es, head={"seq": 2, "hash": es[-1]["hash"]})
    assert v.trial_balance == {"1002:donation": {"debit_fen": 500, "credit_fen": 200},
                               "4105": {"debit_fen": 0, "credit_fen": 500},
                               "5101:P1": {"debit_fen": 200, "credit_fen": 0}}
    assert v.totals() == (700, 700) and v.head == {"seq": 2, "hash": es[-1]["hash"]}
    assert v.message() == (f"2 entries verified, head seq 2 hash {es[-1]['hash']}; trial balance "
                           "debits 700 = credits 700 fen")
    empty = chain.verify([])
    assert empty.message() == "0 entries verified, empty ledger; trial balance debits 0 = credits 0 fen"
    empty.trial_balance["x"] = {"debit_fen": 3, "credit_fen": 1}
    assert empty.total_text() == "UNBALANCED: debits 3 ≠ credits 1 fen"


def test_a_one_fen_debit_is_a_debit():
    e = _entry(1, chain.GENESIS, [("a", 1), ("b", -1)])
    assert chain.verify([e]).trial_balance == {"a": {"debit_fen": 1, "credit_fen": 0},
                                               "b": {"debit_fen": 0, "credit_fen": 1}}


def test_a_head_without_seq_or_hash_is_the_genesis():
    assert chain.verify([], head={}).ok and chain.verify([], head={"seq": None, "hash": None}).ok
    bad = chain.verify(_two(), head={})
    assert bad.first_bad == {"seq": 0, "entry_id": None, "reason": "the chain head says seq 0 but the entries end at "
                             "seq 2 (entries after it were removed, or the head was changed)"}
    assert bad.checked == 2


def _reason(entries):
    v = chain.verify(entries)
    assert v.ok is False and v.status == "MISMATCH"  # a bool: verify_in_place's JSON says "ok": false, not null
    return v.first_bad


def test_every_refusal_in_its_words():
    assert _reason(["x"]) == {"seq": None, "entry_id": None, "reason": "not an object"}
    for seq in (1.0, True):
        assert _reason([{**_two()[0], "seq": seq}])["reason"] == (
            f"seq {seq!r} where 1 was expected (an entry is missing, duplicated or out of order)")
    a, b = _two()
    assert _reason([a, {**b, "prev_hash": "f" * 64}]) == {
        "seq": 2, "entry_id": "e2", "reason": "prev_hash is not the hash of the entry before it"}
    assert _reason([{**a, "lines": "ab"}])["reason"] == "fewer than two lines"
    for line in (["a", 1, 2], [1, 500], ["a", True], ("1002:donation", 500)):
        assert _reason([{**a, "lines": [line, ["4105", -500]]}])["reason"] == (
            f"line {line!r} is not [account, non-zero integer fen]")
    assert _reason([{**a, "lines": [["x", 2], ["y", -1]]}])["reason"] == "lines sum to 1 fen, not 0"
    bad = _reason([{**a, "memo": object()}])
    assert bad["reason"].startswith("content cannot be put in canonical form: ")
    assert (bad["seq"], bad["entry_id"]) == (1, "e1")  # named by the entry it is about
    assert _reason([{**a, "hash": "0" * 64}])["reason"] == (
        "hash does not match the entry's content (it was changed after posting)")
    v = chain.verify([a, b], district="other")
    assert v.first_bad["reason"] == "district 'gulou' is not 'other'" and v.checked == 0
    assert chain.verify([a, b], district=None).ok


def test_the_failure_summary_in_words():
    a, b = _two()
    v = chain.verify([a, {**b, "hash": "1" * 64}])
    assert v.message() == ("entry seq 2 (e2) does not match: hash does not match the entry's content (it was "
                           "changed after posting) (1 entries before it verified)")
    assert v.trial_balance == {"1002:donation": {"debit_fen": 500, "credit_fen": 0},
                               "4105": {"debit_fen": 0, "credit_fen": 500}}  # the entries verified only


def test_an_exports_refusals_in_words():
    a, b = _two()
    assert chain.verify_export({"format": "x"}).first_bad["reason"] == "not an anju-ledger-export/1 document"
    assert chain.verify_export({"format": chain.EXPORT_FORMAT}).first_bad["reason"] == "the export has no entries list"
    doc = {"format": chain.EXPORT_FORMAT, "district": "other", "entries": [a, b]}
    assert "district" in chain.verify_export(doc).first_bad["reason"]
    cut = {**doc, "district": "gulou", "head": {"seq": 1, "hash": a["hash"]}}
    assert chain.verify_export(cut).first_bad["seq"] == 1


def test_an_instant_is_written_in_utc_on_a_machine_in_another_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        beijing = datetime(2026, 11, 30, 8, 0, 0, 5, tzinfo=timezone(timedelta(hours=8)))
        assert chain.instant_text(beijing) == "2026-11-30T00:00:00.000005Z"
        assert chain.instant_text(datetime(2026, 11, 30, tzinfo=UTC)) == "2026-11-30T00:00:00.000000Z"
    finally:
        monkeypatch.undo()
        time.tzset()
