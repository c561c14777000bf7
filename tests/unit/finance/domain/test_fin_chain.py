"""The hash chain: the canonical form (checked against a hand-written text), and verification
catching every kind of rewrite."""

import copy
import hashlib
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.finance.domain import chain


def _entry(seq, prev, amount=123_456, **over):
    body = chain.content(district="gulou", seq=seq, entry_id=f"e{seq}", posted_on=date(2026, 11, 30),
                         kind="receipt", memo="中央专项 第一批", idempotency_id=f"fund_receipt:r{seq}",
                         cause_type="fund_receipt", cause_id=f"r{seq}", event_id=None, request_id="req-1",
                         recorded_by="finance_officer:wang", recorded_at=datetime(2026, 11, 30, 8, 0, 1, 5, tzinfo=UTC),
                         reverses=None, reason=None, lines=[("1002:central_subsidy", amount), ("4102", -amount)],
                         prev_hash=prev)
    body.update(over)
    return chain.seal(body)


def _chain(n=4):
    out, prev = [], chain.GENESIS
    for seq in range(1, n + 1):
        out.append(_entry(seq, prev, amount=1000 * seq))
        prev = out[-1]["hash"]
    return out


def test_the_canonical_form_is_exactly_the_documented_text():
    entry = _entry(1, chain.GENESIS)
    text = ('{"cause_id":"r1","cause_type":"fund_receipt","district":"gulou","entry_id":"e1","event_id":null,'
            '"idempotency_id":"fund_receipt:r1","kind":"receipt","lines":[["1002:central_subsidy",123456],'
            '["4102",-123456]],"memo":"中央专项 第一批","posted_on":"2026-11-30","prev_hash":"' + "0" * 64 + '",'
            '"reason":null,"recorded_at":"2026-11-30T08:00:01.000005Z","recorded_by":"finance_officer:wang",'
            '"request_id":"req-1","reverses":null,"seq":1,"v":1}')
    assert chain.canonical(entry) == text.encode("utf-8")
    assert entry["hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert chain.canonical({**entry, "extra": "ignored", "hash": "x"}) == text.encode("utf-8")


def test_instants_are_written_in_utc_with_microseconds():
    from datetime import timedelta, timezone

    shanghai = timezone(timedelta(hours=8))
    assert chain.instant_text(datetime(2026, 12, 1, 0, 30, tzinfo=shanghai)) == "2026-11-30T16:30:00.000000Z"
    with pytest.raises(ValueError):
        chain.instant_text(datetime(2026, 12, 1))


def test_an_honest_chain_verifies_with_its_trial_balance():
    entries = _chain()
    result = chain.verify(entries, head={"seq": 4, "hash": entries[-1]["hash"]}, district="gulou")
    assert result.ok and result.checked == 4 and result.status == "OK"
    assert result.trial_balance == {"1002:central_subsidy": {"debit_fen": 10_000, "credit_fen": 0},
                                    "4102": {"debit_fen": 0, "credit_fen": 10_000}}
    assert "4 entries verified" in result.message() and "debits 10000 = credits 10000" in result.message()
    empty = chain.verify([], head={"seq": 0, "hash": chain.GENESIS})
    assert empty.ok and empty.head is None


def _broken(mutate):
    entries = _chain()
    mutate(entries)
    return chain.verify(entries, head={"seq": 4, "hash": _chain()[-1]["hash"]}, district="gulou")


@pytest.mark.parametrize("mutate, seq, words", [
    (lambda es: es[1]["lines"].__setitem__(0, ["1002:central_subsidy", 2001]), 2, "sum to"),
    (lambda es: (es[1]["lines"].__setitem__(0, ["1002:central_subsidy", 2001]),
                 es[1]["lines"].__setitem__(1, ["4102", -2001])), 2, "hash does not match"),
    (lambda es: es[2].__setitem__("posted_on", "2026-11-29"), 3, "hash does not match"),
    (lambda es: es[2]["lines"].__setitem__(0, ["1002:donation", 3000]), 3, "hash does not match"),
    (lambda es: es[0].__setitem__("memo", "改"), 1, "hash does not match"),
    (lambda es: es[1]["lines"].__setitem__(0, ["1002:central_subsidy", 2000.0]), 2, "integer"),
    (lambda es: es.pop(1), 3, "seq 3 where 2"),  # the entry found where entry 2 should be
    (lambda es: es.insert(1, es.pop(2)), 3, "seq 3 where 2"),
    (lambda es: es.__setitem__(2, _entry(3, "f" * 64, amount=3000)), 3, "prev_hash"),
    (lambda es: es.pop(), None, "chain head says seq 4"),
    (lambda es: es[3].__setitem__("district", "taijiang"), 4, "district"),
    (lambda es: es[0].__setitem__("lines", [["4102", 0], ["1001", 0]]), 1, "non-zero"),
    (lambda es: es[0].__setitem__("lines", [["4102", 1]]), 1, "fewer than two"),
])
def test_every_kind_of_rewrite_is_caught_at_its_entry(mutate, seq, words):
    result = _broken(mutate)
    assert not result.ok and result.status == "MISMATCH"
    assert words in result.first_bad["reason"]
    if seq is not None:
        assert result.first_bad["seq"] == seq
        assert result.checked == (1 if "where 2" in words else seq - 1)  # entries before it verified


def test_a_rewritten_chain_with_fresh_hashes_still_disagrees_with_the_kept_head():
    entries = _chain()
    forged, prev = [], chain.GENESIS
    for e in entries:  # someone rewrites entry 2 and recomputes every hash after it
        e = copy.deepcopy(e)
        e["prev_hash"] = prev
        if e["seq"] == 2:
            e["lines"] = [["1002:central_subsidy", 1], ["4102", -1]]
        forged.append(chain.seal(e))
        prev = forged[-1]["hash"]
    assert chain.verify(forged).ok  # self-consistent …
    kept = {"seq": 4, "hash": entries[-1]["hash"]}  # … but not the head outsiders kept (the public report shows it)
    assert "chain head" in chain.verify(forged, head=kept).first_bad["reason"]


def test_exports_are_recognised_by_their_format():
    entries = _chain(2)
    doc = {"format": chain.EXPORT_FORMAT, "district": "gulou", "head": {"seq": 2, "hash": entries[-1]["hash"]},
           "entries": entries}
    assert chain.verify_export(doc).ok
    assert not chain.verify_export({**doc, "format": "other"}).ok
    assert not chain.verify_export({**doc, "entries": None}).ok
    assert not chain.verify_export([]).ok


_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(memo=_text, kind=_text, reason=st.none() | _text, event=st.none() | _text, seq=st.integers(1, 10**12),
       amounts=st.lists(st.integers(-10**14, 10**14).filter(bool), min_size=1, max_size=5), account=_text)
def test_the_posting_path_hashes_exactly_the_canonical_form(memo, kind, reason, event, seq, amounts, account):
    body = dict(district="d", seq=seq, entry_id="e", posted_on="2026-11-30", kind=kind, memo=memo,
                idempotency_id="k\\\"\n", cause_type="c", cause_id="i", event_id=event, request_id=None,
                recorded_by="u", recorded_at="2026-11-30T08:00:00.000000Z", reverses=None, reason=reason,
                lines=[(account, a) for a in amounts], prev_hash=chain.GENESIS)
    assert chain.hash_of(**body) == chain.entry_hash(chain.content(**body))
