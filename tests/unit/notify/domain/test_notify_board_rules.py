"""The board's texts and its SVG chart: hand-computed bar widths, escaping, notice periods."""

from datetime import date

import pytest

from services.notify.domain.board import allocation_notice, approval_notice, bar_width, fund_flow_svg, is_current


@pytest.mark.parametrize("fen,top,width", [
    (100, 100, "320.0"), (50, 100, "160.0"), (0, 100, "0.0"),
    (1, 3, "106.7"),  # 320/3 = 106.666… → 106.7 (half-up at the tenth)
    (2, 3, "213.3"),  # 213.333…
    (1, 64, "5.0"), (1, 6400, "0.1"), (1, 12800, "0.0"),  # 0.025 px → 0.0 (half-up: 0.25 tenths)
    (123456789, 987654321, "40.0"),  # 320 × 0.12499… = 39.99… → 40.0
])
def test_bar_widths(fen, top, width):
    assert bar_width(fen, top) == width


def test_bar_width_refuses_nonsense():
    with pytest.raises(ValueError):
        bar_width(-1, 100)
    with pytest.raises(ValueError):
        bar_width(1, 0)


def test_the_chart_draws_two_bars_per_source_scaled_to_the_largest_and_escapes_labels():
    svg = fund_flow_svg([
        {"label": "财政资金", "received_fen": 1_000_000, "disbursed_fen": 250_000, "received_yuan": "10,000.00",
         "disbursed_yuan": "2,500.00"},
        {"label": "<script>x</script>", "received_fen": 500_000, "disbursed_fen": 0, "received_yuan": "5,000.00",
         "disbursed_yuan": "0.00"},
    ])
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert [w.split('"')[0] for w in svg.split('width="')[2:]] == ["320.0", "80.0", "160.0", "0.0"]
    assert "收到 10,000.00 元" in svg and "支出 2,500.00 元" in svg
    assert "本期暂无资金收支" in fund_flow_svg([])


def test_notice_texts():
    a = approval_notice(name_masked="张*三", enterprise="E1", programme_label="公共租赁住房", points="87.5",
                        starts=date(2026, 11, 23), ends=date(2026, 11, 29), application_id="A1")
    assert a.title == "住房保障申请公示：张*三" and "积分 87.5 分" in a.body and "2026-11-23 至 2026-11-29" in a.body
    r = allocation_notice(round_id="r1234567890", programme_label="公共租赁住房", commitment="c" * 64,
                          secret_hex="s", public_values=["v"], combination_rule="sha256(...)", seed_hex="e" * 64,
                          results_digest="d" * 64, matched=12, waitlisted=30, export_path="/public/rounds/r1/export",
                          on=date(2026, 12, 1), days=7)
    assert (r.start_on, r.end_on) == (date(2026, 12, 1), date(2026, 12, 7))
    assert "anju verify-round" in r.body and "c" * 64 in r.body and r.content["matched"] == 12
    with pytest.raises(ValueError):
        allocation_notice(round_id="r", programme_label="x", commitment="c", secret_hex="s", public_values=[],
                          combination_rule="", seed_hex="", results_digest="", matched=0, waitlisted=0,
                          export_path="", on=date(2026, 12, 1), days=0)


def test_a_notice_is_up_from_its_first_to_its_last_day():
    first, last = date(2026, 12, 1), date(2026, 12, 7)
    assert [is_current(first, last, date(2026, 12, d)) for d in (1, 7, 8)] == [True, True, False]
    assert not is_current(first, last, date(2026, 11, 30))
    assert is_current(None, None, date(2026, 1, 1))
