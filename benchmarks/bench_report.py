"""Time the PDF memo as a steward's command makes it (a new process each time) against its
floor, and the longest-field memo.

    .venv/bin/python benchmarks/bench_report.py [RUNS]

1. ``report examples/city-bike-trips.hrk.json -o memo.pdf`` paired with
   ``benchmarks/report_floor.py`` (WeasyPrint rendering one page: a heading, 300 words and
   a 29-row table in DejaVu Sans), run in turn so a machine whose speed drifts moves both:
   every pair and the median ratio are printed (target: within 1.5x).
2. The longest-field memo: the same example with every text the memo prints at its limit
   (titles 500 characters, descriptions, comments and the other long texts 20,000), each
   one unbroken word, the worst case for line breaking (target: under 30 s).
3. Where the time goes: the example's memo in one fresh process, each step's wall seconds
   (imports, loading, the memo's HTML, WeasyPrint's parse, cascade and layout, writing the
   file), and the floor's page laid out and written in the same process: how many pages the
   memo has and what one page of each costs. ``bench_report.py --phases FILE`` prints the
   steps of any file (part 2's file takes minutes).

Figures are CPU seconds of the child (user + system), which a busy machine disturbs less
than wall-clock time; wall seconds are printed too.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli_start import run  # one fresh process: CPU and wall seconds

from hrk_workbench.model.text import MAX_LONG_TEXT_CHARS, MAX_TITLE_CHARS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
RATIO_TARGET = 1.5
LONGEST_TARGET_S = 30.0
LIMITS = {"title": MAX_TITLE_CHARS, **dict.fromkeys((
    "description", "comment", "mitigation", "use_cases", "weaknesses", "disclaimer",
    "residual_risk_note", "conditions", "ownership", "precision", "end_of_life"),
    MAX_LONG_TEXT_CHARS)}


def longest(source: Path, target: Path) -> int:
    """``source`` with every text the memo prints at its limit (the answers' language, en);
    the number of texts changed."""
    data = json.loads(source.read_text(encoding="utf-8"))
    count = 0

    def walk(value: object) -> None:
        nonlocal count
        if isinstance(value, list):
            for item in value:
                walk(item)
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if key == "change_log":
                continue
            limit = LIMITS.get(key)
            if limit and isinstance(item, str):
                value[key] = chr(65 + count % 26) * limit
                count += 1
            elif limit and isinstance(item, dict) and isinstance(item.get("en"), str):
                item["en"] = chr(65 + count % 26) * limit
                count += 1
            else:
                walk(item)

    walk(data)
    target.write_text(json.dumps(data), encoding="utf-8")
    return count


def phases(source: Path) -> None:
    """Print the wall seconds of each step of one PDF memo of ``source`` (run in a fresh
    process: the imports are steps too), then the floor's page in the same process."""
    steps: list[tuple[str, float]] = []
    last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps.append((name, now - last))
        last = now

    from weasyprint import HTML
    step("import WeasyPrint")
    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.model.store import load_assessment
    from hrk_workbench.reporting.content import build_memo
    from hrk_workbench.reporting.pdf import lay_out, print_page, write_pdf
    step("import ours")
    forms = load_forms()
    memo = build_memo(load_assessment(source), forms, "en")
    step("load the file, build the memo")
    page = print_page(memo)
    step("the memo's HTML (templates)")
    document = lay_out(page)
    step("WeasyPrint: parse, cascade and layout")
    write_pdf(memo, document)
    step("WeasyPrint: draw, tag and write the PDF")
    pages = len(document.pages)
    for name, seconds in steps:
        print(f"  {seconds:7.2f} s  {name}")
    print(f"  {sum(s for _, s in steps):7.2f} s  in all; {pages} pages")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from report_floor import page as floor_page

    start = time.perf_counter()
    floor = HTML(string=floor_page()).render()
    floor.write_pdf()
    floor_s = time.perf_counter() - start
    layout = sum(s for name, s in steps if name.startswith("WeasyPrint"))
    print(f"  a page of the memo {layout / pages:.3f} s (lay out and write), the floor's "
          f"page {floor_s:.3f} s")


def main() -> int:
    if sys.argv[1:2] == ["--phases"]:
        phases(Path(sys.argv[2]))
        return 0
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = [sys.executable, "-m", "hrk_workbench.cli", "report", str(EXAMPLE),
                "-o", str(out / "memo.pdf")]
        floor = [sys.executable, str(ROOT / "benchmarks" / "report_floor.py"),
                 str(out / "floor.pdf")]
        run(ours), run(floor)  # one warm-up each: caches filled, files in the page cache
        ratios = []
        print("city-bike-trips memo: ours vs floor (cpu s, wall s)")
        for i in range(runs):
            floor_cpu, floor_wall = run(floor)
            our_cpu, our_wall = run(ours)
            ratios.append(our_cpu / floor_cpu)
            print(f"  {i + 1:2d}  ours {our_cpu:6.2f} {our_wall:6.2f}   floor {floor_cpu:6.2f} "
                  f"{floor_wall:6.2f}   ratio {ratios[-1]:5.2f}")
        ratio = statistics.median(ratios)
        print(f"  median ratio {ratio:.2f} (target {RATIO_TARGET:g}x: "
              f"{'met' if ratio <= RATIO_TARGET else 'MISSED'})")

        print("where the time goes (wall s, one fresh process)")
        subprocess.run([sys.executable, __file__, "--phases", str(EXAMPLE)], check=True,
                       cwd=ROOT)

        hostile = out / "longest.hrk.json"
        count = longest(EXAMPLE, hostile)
        cpu, wall = run([sys.executable, "-m", "hrk_workbench.cli", "report", str(hostile),
                         "-o", str(out / "longest.pdf")])
        print(f"longest-field memo ({count} texts at their limit): cpu {cpu:.1f} s, "
              f"wall {wall:.1f} s (target under {LONGEST_TARGET_S:g} s: "
              f"{'met' if wall < LONGEST_TARGET_S else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
