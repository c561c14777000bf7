"""The plain-text progress bar: not on a terminal, a line as the phase starts and per tenth of it (not per step),
the full bar once, and the phase's note on its last line."""

from __future__ import annotations

import io

from services.demo.progress import Progress


def test_a_line_per_tenth_and_the_note_at_the_end():
    out = io.StringIO()
    bar = Progress(stream=out).phase("applications", 200)
    for _ in range(200):
        bar.advance()
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("applications") and "200/200" in lines[-1]
    assert lines[-1].count("#") == Progress.WIDTH
    out = io.StringIO()
    bar = Progress(stream=out).phase("notice period", 3)
    bar.advance(3)
    bar.finish("122 approved")
    assert out.getvalue().splitlines()[-1].endswith("122 approved")
