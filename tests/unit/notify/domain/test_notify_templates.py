"""What a template may name, and the yuan text."""

import pytest

from services.notify.domain.templates import (
    Reference,
    TemplateRejected,
    check_lengths,
    context_fields,
    first_unknown,
    yuan,
)

TREE = context_fields({"points": None, "breakdown": {"total": None, "lines": None}})


def test_known_names_pass_and_the_first_unknown_is_named_with_its_line():
    ok = [Reference(("points",), 1), Reference(("breakdown", "total"), 2), Reference(("event_id",), 3),
          Reference(("breakdown", "lines", "0"), 3), Reference(("points", "upper"), 4)]
    assert first_unknown(ok, TREE) is None
    bad = ok + [Reference(("breakdown", "nope"), 5), Reference(("pointz",), 7)]
    assert first_unknown(bad, TREE) == ("breakdown.nope", 5)
    assert first_unknown([Reference(("x",), 9), Reference(("y",), 2)], TREE) == ("y", 2)


@pytest.mark.parametrize("fen,text", [(0, "0.00"), (5, "0.05"), (100, "1.00"), (123456, "1,234.56"),
                                      (100000000, "1,000,000.00"), (-250, "-2.50")])
def test_yuan(fen, text):
    assert yuan(fen) == text


def test_lengths():
    check_lengths("sms", "", "x" * 500)
    with pytest.raises(TemplateRejected) as refused:
        check_lengths("sms", "", "x" * 501)
    assert refused.value.field == "body"
    with pytest.raises(TemplateRejected):
        check_lengths("email", "s" * 201, "ok")
    with pytest.raises(TemplateRejected):
        check_lengths("inapp", "", "   ")
