"""Tamper evidence (防篡改): the journal as a hash chain per district, and its verification.

Every entry stores ``prev_hash`` (the hash of the entry before it in the district's chain, or
64 zeros for the first) and ``hash``: the SHA-256, in lower-case hex, of the entry's canonical
form. The canonical form (format ``anju-ledger/1``) is the UTF-8 JSON text of the object

    {"v": 1, "district", "seq", "entry_id", "posted_on": "YYYY-MM-DD", "kind", "memo",
     "idempotency_id", "cause_type", "cause_id", "event_id", "request_id", "recorded_by",
     "recorded_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "reverses", "reason",
     "lines": [[account_code, amount_fen], ...], "prev_hash"}

with keys sorted, separators ``,`` and ``:`` (no spaces), non-ASCII characters as themselves,
absent values as ``null``, amounts as JSON integers (signed: debit positive, credit negative)
and lines in their order in the entry. ``seq`` numbers the chain 1, 2, 3 … with no gap.

Anyone holding an export can recompute every hash with nothing but a JSON library and
SHA-256; `verify` does it here and also recomputes the trial balance. Changing any stored
amount, date, account or text changes that entry's hash; deleting or reordering entries
breaks the ``prev_hash`` links or the numbering; removing the newest entries is caught by the
chain head (the last seq and hash, also shown on the public fund-flow report so outsiders can
keep it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

FORMAT = "anju-ledger/1"
EXPORT_FORMAT = "anju-ledger-export/1"
GENESIS = "0" * 64
CONTENT_KEYS = ("district", "seq", "entry_id", "posted_on", "kind", "memo", "idempotency_id", "cause_type",
                "cause_id", "event_id", "request_id", "recorded_by", "recorded_at", "reverses", "reason", "lines",
                "prev_hash")


def instant_text(at: datetime) -> str:
    """An aware instant as the canonical form writes it (UTC, microseconds, 'Z')."""
    if at.tzinfo is None:
        raise ValueError("the ledger keeps aware instants only")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content(*, district: str, seq: int, entry_id: str, posted_on: date | str, kind: str, memo: str,
            idempotency_id: str, cause_type: str, cause_id: str, event_id: str | None, request_id: str | None,
            recorded_by: str, recorded_at: datetime | str, reverses: str | None, reason: str | None,
            lines: Iterable, prev_hash: str) -> dict:
    """The hashed content of an entry as a plain dict (the export's shape, without ``hash``)."""
    return {"district": district, "seq": seq, "entry_id": entry_id,
            "posted_on": posted_on if isinstance(posted_on, str) else posted_on.isoformat(),
            "kind": kind, "memo": memo, "idempotency_id": idempotency_id, "cause_type": cause_type,
            "cause_id": cause_id, "event_id": event_id, "request_id": request_id, "recorded_by": recorded_by,
            "recorded_at": recorded_at if isinstance(recorded_at, str) else instant_text(recorded_at),
            "reverses": reverses, "reason": reason,
            "lines": [[account, amount] for account, amount in lines], "prev_hash": prev_hash}


def canonical(entry: Mapping) -> bytes:
    """The canonical JSON bytes of an entry's content (keys outside CONTENT_KEYS are ignored)."""
    body = {key: entry.get(key) for key in CONTENT_KEYS}
    body["v"] = 1
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: Mapping) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


_text = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str


def _json(value) -> str:
    return "null" if value is None else _text(value)


def hash_of(*, district: str, seq: int, entry_id: str, posted_on: str, kind: str, memo: str, idempotency_id: str,
            cause_type: str, cause_id: str, event_id: str | None, request_id: str | None, recorded_by: str,
            recorded_at: str, reverses: str | None, reason: str | None, lines, prev_hash: str) -> str:
    """`entry_hash` for the posting path: the same canonical bytes (a test holds them equal to
    `canonical`'s for any text), written directly instead of through a dict and json.dumps —
    a third of a bulk posting's Python time. Strings must be str, ``seq`` and amounts int."""
    lines_text = ",".join(f"[{_text(account)},{int(amount)}]" for account, amount in lines)
    body = (f'{{"cause_id":{_json(cause_id)},"cause_type":{_json(cause_type)},"district":{_json(district)},'
            f'"entry_id":{_json(entry_id)},"event_id":{_json(event_id)},"idempotency_id":{_json(idempotency_id)},'
            f'"kind":{_json(kind)},"lines":[{lines_text}],"memo":{_json(memo)},"posted_on":{_json(posted_on)},'
            f'"prev_hash":{_json(prev_hash)},"reason":{_json(reason)},"recorded_at":{_json(recorded_at)},'
            f'"recorded_by":{_json(recorded_by)},"request_id":{_json(request_id)},"reverses":{_json(reverses)},'
            f'"seq":{int(seq)},"v":1}}')
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def seal(entry: dict) -> dict:
    """The entry with its ``hash`` set."""
    entry["hash"] = entry_hash(entry)
    return entry


# -- verification ---------------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool = True
    checked: int = 0
    first_bad: dict | None = None
    head: dict | None = None
    trial_balance: dict[str, dict] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "OK" if self.ok else "MISMATCH"

    def message(self) -> str:
        if self.ok:
            head = f"head seq {self.head['seq']} hash {self.head['hash']}" if self.head else "empty ledger"
            return f"{self.checked} entries verified, {head}; trial balance {self.total_text()}"
        bad = self.first_bad or {}
        return (f"entry seq {bad.get('seq')} ({bad.get('entry_id')}) does not match: {bad.get('reason')} "
                f"({self.checked} entries before it verified)")

    def totals(self) -> tuple[int, int]:
        debits = sum(row["debit_fen"] for row in self.trial_balance.values())
        credits = sum(row["credit_fen"] for row in self.trial_balance.values())
        return debits, credits

    def total_text(self) -> str:
        debits, credits = self.totals()
        return f"debits {debits} = credits {credits} fen" if debits == credits else \
            f"UNBALANCED: debits {debits} ≠ credits {credits} fen"


def _fail(result: Verification, entry: Mapping | None, reason: str) -> Verification:
    result.ok = False
    result.first_bad = {"seq": entry.get("seq") if isinstance(entry, Mapping) else None,
                        "entry_id": entry.get("entry_id") if isinstance(entry, Mapping) else None, "reason": reason}
    return result


def verify(entries: Iterable[Mapping], *, head: Mapping | None = None, district: str | None = None) -> Verification:
    """Walk the chain in seq order: numbering without gaps, each ``prev_hash`` the hash before,
    each ``hash`` recomputed from the content, each entry balanced with at least two integer
    lines; then the head (if given) must be the last entry. Stops at the first entry that does
    not match. The trial balance is summed over the entries verified."""
    result = Verification()
    prev_hash, expected_seq = GENESIS, 1
    tb = result.trial_balance
    last = None
    for entry in entries:
        if not isinstance(entry, Mapping):
            return _fail(result, None, "not an object")
        if entry.get("seq") != expected_seq or type(entry.get("seq")) is not int:
            return _fail(result, entry, f"seq {entry.get('seq')!r} where {expected_seq} was expected "
                                        "(an entry is missing, duplicated or out of order)")
        if district is not None and entry.get("district") != district:
            return _fail(result, entry, f"district {entry.get('district')!r} is not {district!r}")
        if entry.get("prev_hash") != prev_hash:
            return _fail(result, entry, "prev_hash is not the hash of the entry before it")
        lines = entry.get("lines")
        if not isinstance(lines, list) or len(lines) < 2:
            return _fail(result, entry, "fewer than two lines")
        total = 0
        for ln in lines:
            if (not isinstance(ln, list) or len(ln) != 2 or not isinstance(ln[0], str)
                    or type(ln[1]) is not int or ln[1] == 0):
                return _fail(result, entry, f"line {ln!r} is not [account, non-zero integer fen]")
            total += ln[1]
        if total != 0:
            return _fail(result, entry, f"lines sum to {total} fen, not 0")
        try:
            recomputed = entry_hash(entry)
        except (TypeError, ValueError) as exc:
            return _fail(result, entry, f"content cannot be put in canonical form: {exc}")
        if entry.get("hash") != recomputed:
            return _fail(result, entry, "hash does not match the entry's content (it was changed after posting)")
        for account, amount in lines:
            row = tb.setdefault(account, {"debit_fen": 0, "credit_fen": 0})
            if amount > 0:
                row["debit_fen"] += amount
            else:
                row["credit_fen"] -= amount
        prev_hash, expected_seq, last = recomputed, expected_seq + 1, entry
        result.checked += 1
    result.head = {"seq": last["seq"], "hash": last["hash"]} if last else None
    if head is not None:
        want = (head.get("seq") or 0, head.get("hash") or GENESIS)
        have = (last["seq"], last["hash"]) if last else (0, GENESIS)
        if want != have:
            return _fail(result, {"seq": want[0], "entry_id": None},
                         f"the chain head says seq {want[0]} but the entries end at seq {have[0]} "
                         "(entries after it were removed, or the head was changed)")
    return result


def verify_export(doc) -> Verification:
    """Verify an export as GET /ledger/export writes it."""
    if not isinstance(doc, Mapping) or doc.get("format") != EXPORT_FORMAT:
        return _fail(Verification(), None, f"not an {EXPORT_FORMAT} document")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        return _fail(Verification(), None, "the export has no entries list")
    return verify(entries, head=doc.get("head"), district=doc.get("district"))
