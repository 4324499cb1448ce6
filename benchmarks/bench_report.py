"""Time the decision memo for the largest bundled example and print the figures.

    .venv/bin/python benchmarks/bench_report.py [REPEATS]

The target is a memo in under 1 s (content plus one format, fonts already loaded once per
process as in the GUI; the first PDF of a process also pays for parsing the TTF). Each figure
is the best of REPEATS runs (default 5), in milliseconds, for en, fi and sv.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from hrk_workbench.forms.loader import load_forms
from hrk_workbench.model.store import load_assessment
from hrk_workbench.reporting.content import build_memo
from hrk_workbench.reporting.render import render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LIMIT_S = 1.0


def best(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    forms = load_forms()
    largest = max(EXAMPLES.glob("*.hrk.json"), key=lambda p: p.stat().st_size)
    assessment = load_assessment(largest)
    start = time.perf_counter()
    render(build_memo(assessment, forms, "en"), "pdf")
    first = time.perf_counter() - start
    print(f"largest example: {largest.name} ({largest.stat().st_size:,} bytes)")
    print(f"first PDF in a fresh process (font parsing, imports): {first * 1000:7.1f} ms")
    worst = first
    for lang in ("en", "fi", "sv"):
        content = best(lambda lang=lang: build_memo(assessment, forms, lang), repeats)
        memo = build_memo(assessment, forms, lang)
        parts = [f"content {content * 1000:6.1f} ms"]
        for fmt in ("pdf", "docx", "html", "md"):
            t = best(lambda fmt=fmt, memo=memo: render(memo, fmt), repeats)
            worst = max(worst, content + t)
            parts.append(f"{fmt} {t * 1000:6.1f} ms")
        print(f"{lang}: " + ", ".join(parts))
    verdict = "ok" if worst < LIMIT_S else "TOO SLOW"
    print(f"slowest memo (content + format): {worst * 1000:.1f} ms "
          f"(limit {LIMIT_S * 1000:.0f} ms): {verdict}")
    return 0 if worst < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
