"""The public fund-flow report (资金流向公开): per source, per fund (general, project, relief):
opening balance, received, disbursed, other adjustments and closing balance over a period; per
source, what the money was used for (per project; relief only as totals by category); relief
issued and paid by category. Nothing about a person appears: no names, no person_ref, no
household, no single relief payment.

The figures come from the ledger: closing = opening + received − disbursed + adjustments for
every fund (adjustments: accountants' entries and their reversals). Yuan amounts are exact
text made from integer fen (money.yuan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .funds import SOURCE_LABELS, FundSource
from .money import yuan
from .relief import CATEGORY_LABELS

AMOUNTS = ("opening_fen", "received_fen", "disbursed_fen", "adjustments_fen", "closing_fen")


@dataclass(frozen=True)
class FundFlow:
    source: str
    earmark: str            # general | project | relief
    project_id: str | None
    opening_fen: int
    received_fen: int
    disbursed_fen: int
    closing_fen: int

    @property
    def adjustments_fen(self) -> int:
        return self.closing_fen - self.opening_fen - self.received_fen + self.disbursed_fen


@dataclass(frozen=True)
class Use:
    source: str
    use: str                # project | relief
    key: str                # the project id or the relief category
    disbursed_fen: int


@dataclass(frozen=True)
class ReliefTotal:
    category: str
    paid_count: int
    paid_fen: int
    pending_count: int
    pending_fen: int


def fund_label(earmark: str, project_id: str | None) -> str:
    return {"general": "统筹使用", "relief": "帮扶救助"}.get(earmark) or f"项目 {project_id}"


def _money(values: Mapping[str, int]) -> dict:
    out = {}
    for key, fen in values.items():
        out[key] = fen
        out[key.removesuffix("_fen") + "_yuan"] = yuan(fen)
    return out


def build(district: str, period_from: date, period_to: date, funds: Iterable[FundFlow], uses: Iterable[Use],
          relief: Iterable[ReliefTotal], head: Mapping | None) -> dict:
    funds, uses = list(funds), list(uses)
    sources = []
    for src in FundSource:
        mine = sorted((f for f in funds if f.source == src.value),
                      key=lambda f: (("general", "project", "relief").index(f.earmark), f.project_id or ""))
        used = sorted((u for u in uses if u.source == src.value), key=lambda u: (u.use, u.key))
        if not mine and not used:
            continue
        totals = {k: sum(getattr(f, k) for f in mine) for k in AMOUNTS}
        sources.append({
            "source": src.value, "label": SOURCE_LABELS[src], **_money(totals),
            "funds": [{"earmark": f.earmark, "project_id": f.project_id, "label": fund_label(f.earmark, f.project_id),
                       **_money({k: getattr(f, k) for k in AMOUNTS})} for f in mine],
            "uses": [{"use": u.use, ("project_id" if u.use == "project" else "category"): u.key,
                      "label": (f"项目 {u.key}" if u.use == "project" else
                                f"帮扶救助—{CATEGORY_LABELS.get(u.key, u.key)}"),
                      **_money({"disbursed_fen": u.disbursed_fen})} for u in used],
        })
    relief = sorted(relief, key=lambda r: r.category)
    relief_rows = [{"category": r.category, "label": CATEGORY_LABELS.get(r.category, r.category),
                    "paid_count": r.paid_count, "pending_count": r.pending_count,
                    **_money({"paid_fen": r.paid_fen, "pending_fen": r.pending_fen})} for r in relief]
    relief_totals = {"paid_count": sum(r.paid_count for r in relief),
                     "pending_count": sum(r.pending_count for r in relief),
                     **_money({"paid_fen": sum(r.paid_fen for r in relief),
                               "pending_fen": sum(r.pending_fen for r in relief)})}
    return {
        "title": "资金流向公开 fund-flow report", "district": district,
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "currency": "CNY", "sources": sources,
        "totals": _money({k: sum(getattr(f, k) for f in funds) for k in AMOUNTS}),
        "relief": {"by_category": relief_rows, "totals": relief_totals},
        "ledger_head": dict(head) if head else {"seq": 0, "hash": "0" * 64},
    }


CSV_HEADER = ("section", "source", "source_label", "fund_or_use", "project_id", "category", "opening_yuan",
              "received_yuan", "disbursed_yuan", "adjustments_yuan", "closing_yuan", "paid_count",
              "pending_count", "pending_yuan")


def csv_rows(report: Mapping) -> list[tuple]:
    """The report as CSV rows (the header first). Yuan as plain decimals ("1234.56")."""
    def plain(fen: int | None) -> str:
        return "" if fen is None else yuan(fen).replace(",", "")

    rows: list[tuple] = [CSV_HEADER]
    for s in report["sources"]:
        for f in s["funds"]:
            rows.append(("fund", s["source"], s["label"], f["earmark"], f["project_id"] or "", "",
                         *(plain(f[k]) for k in AMOUNTS), "", "", ""))
        for u in s["uses"]:
            rows.append(("use", s["source"], s["label"], u["use"], u.get("project_id", ""), u.get("category", ""),
                         "", "", plain(u["disbursed_fen"]), "", "", "", "", ""))
        rows.append(("source_total", s["source"], s["label"], "", "", "", *(plain(s[k]) for k in AMOUNTS), "", "", ""))
    t = report["totals"]
    rows.append(("total", "", "", "", "", "", *(plain(t[k]) for k in AMOUNTS), "", "", ""))
    for r in report["relief"]["by_category"]:
        rows.append(("relief", "", "", "relief", "", r["category"], "", "", plain(r["paid_fen"]), "", "",
                     str(r["paid_count"]), str(r["pending_count"]), plain(r["pending_fen"])))
    head = report["ledger_head"]
    rows.append(("ledger_head", "", "", str(head["seq"]), "", head["hash"], "", "", "", "", "", "", "", ""))
    return rows
