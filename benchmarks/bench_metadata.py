"""Time catalogue metadata with SHACL validation and print the figures.

    .venv/bin/python benchmarks/bench_metadata.py [REPEATS]

The issue's budget is under 2 s for metadata with validation. Measured on the largest example
(city bike trips) and the high-value one (air quality, DCAT-AP + HVD shapes): building the
record and graph, the first validation (parsing the shapes, once per process), a repeated
validation, each serialisation, and the whole command as a steward runs it (a new process:
start-up, imports, load, build, validate, write).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hrk_workbench.forms.loader import load_forms
from hrk_workbench.metadata.export import _serialise
from hrk_workbench.metadata.profiles import DcatAp3Profile, HvdProfile
from hrk_workbench.metadata.record import build_record
from hrk_workbench.metadata.shacl import DCAT_AP, HVD, validate
from hrk_workbench.model.store import load_assessment

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BUDGET_S = 2.0


def timed(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    forms = load_forms()
    print(f"metadata benchmark, median of {repeats} (budget with validation: {BUDGET_S} s)")
    start = time.perf_counter()
    validate(_graph("city-bike-trips", forms)[0], [DCAT_AP])
    validate(_graph("air-quality", forms)[0], [DCAT_AP, HVD])
    print(f"  first validations, shapes parsed:          {time.perf_counter() - start:6.3f} s")
    worst = 0.0
    for name in ("city-bike-trips", "air-quality"):
        graph, sets = _graph(name, forms)
        build = timed(lambda n=name: _graph(n, forms), repeats)
        check = timed(lambda g=graph, s=sets: validate(g, s), repeats)
        print(f"  {name:17} {len(graph):4} triples  build {build * 1000:6.1f} ms  "
              f"validate ({' + '.join(sets)}) {check * 1000:6.1f} ms")
        for fmt in ("turtle", "json-ld", "rdf-xml"):
            t = timed(lambda g=graph, f=fmt: _serialise(g, f), repeats)
            print(f"      {fmt:8} {t * 1000:6.1f} ms")
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "hrk_workbench.cli", "metadata",
                   str(EXAMPLES / f"{name}.hrk.json"), "-o", str(Path(tmp) / "out.ttl"),
                   "--validate"]
            whole = timed(lambda c=cmd: subprocess.run(c, check=True, capture_output=True),
                          repeats)
        worst = max(worst, whole)
        print(f"      whole command with --validate (new process): {whole:6.3f} s")
    verdict = "within" if worst < BUDGET_S else "OVER"
    print(f"slowest whole command {worst:.3f} s: {verdict} the {BUDGET_S} s budget")
    if worst >= BUDGET_S:
        sys.exit(1)


def _graph(name: str, forms: object) -> tuple[object, list[str]]:
    record = build_record(load_assessment(EXAMPLES / f"{name}.hrk.json"), forms)  # type: ignore[arg-type]
    profile = HvdProfile(forms) if record.hvd else DcatAp3Profile(forms)  # type: ignore[arg-type]
    graph, _ = profile.graph(record)
    return graph, [DCAT_AP, *([HVD] if record.hvd else [])]


if __name__ == "__main__":
    main()
