"""Every figure reaches the page through ui.figures.show_figure (lecture styling, Plotly's tooltips translated)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIRECT_CALL = re.compile(r"\.plotly_chart\(")


def test_no_page_calls_plotly_chart_directly():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")), ROOT / "app.py"]
        if path.name != "figures.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIRECT_CALL.search(line)
    ]
    assert not offenders, f"use ui.figures.show_figure instead: {offenders}"
