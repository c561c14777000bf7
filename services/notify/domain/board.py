"""The public notice board (公示栏): what each notice says, and the fund-flow chart.

No personal data: names arrive masked (张*三) and the board shows nothing else about a person.
The allocation notice states everything needed to re-check a draw: the seed's commitment
(published before the draw), the revealed secret and public values, the combination rule, the
seed, and the digest of the results; anyone downloads the round's public export and runs
``anju verify-round FILE``.

The chart is an SVG drawn on the server (no JavaScript): per fund source, a bar for the yuan
received and one for the yuan disbursed, widths proportional to the largest amount (integer
fen compared exactly; the width is rounded to a tenth of a pixel for drawing only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

PROGRAMME_LABELS = {"staff_apartment": "职工公寓", "public_rental": "公共租赁住房", "shared_ownership": "共有产权住房",
                    "talent_apartment": "人才公寓", "relocation": "安置住房"}
CHART_WIDTH = 320  # px of the longest bar; the page is read on phones
BAR, GAP, LABEL = 14, 6, 18


@dataclass(frozen=True)
class NoticeText:
    kind: str
    title: str
    body: str
    start_on: date
    end_on: date
    content: dict


def approval_notice(*, name_masked: str, enterprise: str, programme_label: str, points: str,
                    starts: date, ends: date, application_id: str) -> NoticeText:
    """申请审核公示: one approved-at-review application on notice until ``ends``."""
    return NoticeText(
        "approval", f"住房保障申请公示：{name_masked}",
        f"{name_masked}（{enterprise}）申请{programme_label}，积分 {points} 分，"
        f"公示期 {starts.isoformat()} 至 {ends.isoformat()}。如有异议，请在公示期内提出。",
        starts, ends, {"application_id": application_id, "name_masked": name_masked, "enterprise": enterprise,
                       "programme": programme_label, "points": points})


def allocation_notice(*, round_id: str, programme_label: str, commitment: str, secret_hex: str,
                      public_values: list[str], combination_rule: str, seed_hex: str, results_digest: str,
                      matched: int, waitlisted: int, export_path: str, on: date, days: int) -> NoticeText:
    """分配结果公示: a drawn round, with what anyone needs to re-check it."""
    if days < 1:
        raise ValueError("an allocation notice lasts at least a day")
    return NoticeText(
        "allocation_result", f"分配结果公示：{programme_label}第 {round_id[:8]} 轮",
        f"本轮配租 {matched} 户，轮候 {waitlisted} 户。摇号种子承诺值（抽签前公布）{commitment}；"
        f"抽签后公开种子 {seed_hex}；结果摘要 {results_digest}。"
        f"核验方法：下载本轮公开数据 {export_path}，运行 anju verify-round 文件名，应显示 MATCH。",
        on, on + timedelta(days=days - 1),
        {"round_id": round_id, "programme": programme_label, "commitment": commitment, "secret_hex": secret_hex,
         "public_values": list(public_values), "combination_rule": combination_rule, "seed_hex": seed_hex,
         "results_digest": results_digest, "matched": matched, "waitlisted": waitlisted,
         "export_path": export_path, "verify": "anju verify-round <文件>"})


def is_current(start_on: date | None, end_on: date | None, today: date) -> bool:
    """A notice is on the board from its first day to its last, inclusive."""
    return (start_on is None or start_on <= today) and (end_on is None or today <= end_on)


def fund_flow_svg(sources: list[dict]) -> str:
    """A horizontal bar chart: per source ``label``, ``received_fen`` and ``disbursed_fen`` with
    their yuan texts ``received_yuan`` / ``disbursed_yuan``. Text is escaped."""
    top = max([1] + [max(int(s["received_fen"]), int(s["disbursed_fen"])) for s in sources])
    row = LABEL + 2 * BAR + 2 * GAP
    height = max(row * len(sources), row)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="资金流向图" '
             f'viewBox="0 0 {CHART_WIDTH + 150} {height}" width="100%">']
    for i, s in enumerate(sources):
        y = i * row
        parts.append(f'<text x="0" y="{y + 13}" font-size="13">{escape(str(s["label"]))}</text>')
        for j, (key, colour, word) in enumerate((("received", "#2e7d32", "收到"), ("disbursed", "#c62828", "支出"))):
            width = bar_width(int(s[f"{key}_fen"]), top)
            by = y + LABEL + j * (BAR + GAP)
            parts.append(f'<rect x="0" y="{by}" width="{width}" height="{BAR}" fill="{colour}"/>')
            parts.append(f'<text x="{float(width) + 4:.1f}" y="{by + 11}" font-size="11">{word} '
                         f'{escape(str(s[f"{key}_yuan"]))} 元</text>')
    if not sources:
        parts.append('<text x="0" y="20" font-size="13">本期暂无资金收支</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_width(fen: int, top_fen: int) -> str:
    """The bar's width in px for ``fen`` when ``top_fen`` draws CHART_WIDTH (a tenth of a pixel)."""
    if fen < 0 or top_fen <= 0:
        raise ValueError("amounts are not negative and the scale is positive")
    tenths = (fen * CHART_WIDTH * 10 + top_fen // 2) // top_fen  # half-up, integers only
    return f"{tenths // 10}.{tenths % 10}"
