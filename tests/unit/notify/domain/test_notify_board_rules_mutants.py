"""公示栏 the board's texts and chart in full (issue 20), beyond test_notify_board_rules.py: the SVG
of one source written out by hand (row height 18 + 2 × 14 + 2 × 6 = 58 px, bars at y 18 and 38,
their texts at 11 px below each bar's top and 4 px right of its end), a second source one row
lower; the empty chart; both notices' texts and content in full; a notice of one day; open-ended
notices; bar widths' refusals in words.

Equivalent mutants (scripts/mutate.py excludes them from the score): none.
"""
from datetime import date

import pytest

from services.notify.domain.board import allocation_notice, approval_notice, bar_width, fund_flow_svg, is_current

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="资金流向图" '
        'viewBox="0 0 470 {h}" width="100%">')


def _source(label, received_fen, disbursed_fen, received_yuan, disbursed_yuan):
    return {"label": label, "received_fen": received_fen, "disbursed_fen": disbursed_fen,
            "received_yuan": received_yuan, "disbursed_yuan": disbursed_yuan}


def test_one_source_in_full():
    svg = fund_flow_svg([_source("A&B", 1_000, 250, "10.00", "2.50")])
    assert svg == (HEAD.format(h=58)
                   + '<text x="0" y="13" font-size="13">A&amp;B</text>'
                   + '<rect x="0" y="18" width="320.0" height="14" fill="#2e7d32"/>'
                   + '<text x="324.0" y="29" font-size="11">收到 10.00 元</text>'
                   + '<rect x="0" y="38" width="80.0" height="14" fill="#c62828"/>'
                   + '<text x="84.0" y="49" font-size="11">支出 2.50 元</text>'
                   + "</svg>")


def test_a_second_source_is_one_row_lower_and_the_largest_of_either_kind_scales():
    svg = fund_flow_svg([_source("a", 100, 0, "1.00", "0.00"), _source("b", 0, 400, "0.00", "4.00")])
    assert svg.startswith(HEAD.format(h=116))
    assert '<text x="0" y="71" font-size="13">b</text>' in svg
    assert '<rect x="0" y="76" width="0.0" height="14" fill="#2e7d32"/>' in svg
    assert '<rect x="0" y="96" width="320.0" height="14" fill="#c62828"/>' in svg
    assert '<rect x="0" y="18" width="80.0" height="14" fill="#2e7d32"/>' in svg  # 100 of 400
    assert '<text x="324.0" y="107" font-size="11">支出 4.00 元</text>' in svg


def test_the_empty_chart_in_full():
    assert fund_flow_svg([]) == HEAD.format(h=58) + '<text x="0" y="20" font-size="13">本期暂无资金收支</text></svg>'
    # the largest amount draws the whole width, even when it is a single fen
    assert 'width="320.0" height="14" fill="#2e7d32"' in fund_flow_svg([_source("f", 1, 0, "0.01", "0.00")])
    # all zero: the scale is 1 fen, bars of width 0
    assert 'width="0.0" height="14"' in fund_flow_svg([_source("z", 0, 0, "0.00", "0.00")])


@pytest.mark.parametrize("fen,top", [(-1, 100), (1, 0), (1, -5)])
def test_bar_width_refuses_with_words(fen, top):
    with pytest.raises(ValueError, match="^amounts are not negative and the scale is positive$"):
        bar_width(fen, top)


def test_the_approval_notice_in_full():
    n = approval_notice(name_masked="张*三", enterprise="E1", programme_label="公共租赁住房", points="87.5",
                        starts=date(2026, 11, 23), ends=date(2026, 11, 29), application_id="A1",
                        id_number_masked="350102********1234")
    assert (n.kind, n.title, n.start_on, n.end_on) == ("approval", "住房保障申请公示：张*三", date(2026, 11, 23),
                                                       date(2026, 11, 29))
    assert n.body == ("张*三（身份证号 350102********1234），E1，申请公共租赁住房，积分 87.5 分，"
                      "公示期 2026-11-23 至 2026-11-29。如有异议，请在公示期内提出。")
    assert n.content == {"application_id": "A1", "name_masked": "张*三", "id_number_masked": "350102********1234",
                         "enterprise": "E1", "programme": "公共租赁住房", "points": "87.5"}
    plain = approval_notice(name_masked="李*", enterprise="E", programme_label="p", points="1",
                            starts=date(2026, 1, 1), ends=date(2026, 1, 2), application_id="A")
    assert plain.body.startswith("李*，E，申请p，积分 1 分") and plain.content["id_number_masked"] == ""


def test_the_allocation_notice_in_full():
    n = allocation_notice(round_id="r1234567890", programme_label="公共租赁住房", commitment="c1", secret_hex="s1",
                          public_values=("v1", "v2"), combination_rule="rule", seed_hex="e1", results_digest="d1",
                          matched=12, waitlisted=30, export_path="/x", on=date(2026, 12, 31), days=1)
    assert (n.kind, n.title) == ("allocation_result", "分配结果公示：公共租赁住房第 r1234567 轮")
    assert (n.start_on, n.end_on) == (date(2026, 12, 31), date(2026, 12, 31))  # one day: first day is last day
    assert n.body == ("本轮配租 12 户，轮候 30 户。摇号种子承诺值（抽签前公布）c1；抽签后公开种子 e1；结果摘要 d1。"
                      "核验方法：下载本轮公开数据 /x，运行 anju verify-round 文件名，应显示 MATCH。")
    assert n.content == {"round_id": "r1234567890", "programme": "公共租赁住房", "commitment": "c1",
                         "secret_hex": "s1", "public_values": ["v1", "v2"], "combination_rule": "rule",
                         "seed_hex": "e1", "results_digest": "d1", "matched": 12, "waitlisted": 30,
                         "export_path": "/x", "verify": "anju verify-round <文件>"}
    with pytest.raises(ValueError, match="^an allocation notice lasts at least a day$"):
        allocation_notice(round_id="r", programme_label="p", commitment="c", secret_hex="s", public_values=[],
                          combination_rule="", seed_hex="", results_digest="", matched=0, waitlisted=0,
                          export_path="", on=date(2026, 12, 1), days=0)


def test_open_ended_notices():
    assert is_current(date(2026, 12, 1), None, date(2030, 1, 1))
    assert not is_current(date(2026, 12, 1), None, date(2026, 11, 30))
    assert is_current(None, date(2026, 12, 1), date(2026, 12, 1))
    assert not is_current(None, date(2026, 12, 1), date(2026, 12, 2))
