"""Time the core's heavy paths on generated assessments and print the figures.

    .venv/bin/python benchmarks/bench_core.py [N]

Measures: loading the forms, save + load of one assessment, scoring + advice of one
assessment, and ranking a portfolio of N assessment files read from disk (default 1000).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from hrk_workbench.decision.portfolio import rank_assessments
from hrk_workbench.decision.summary import summarise
from hrk_workbench.forms.loader import _load, load_forms
from hrk_workbench.model.assessment import (
    Assessment,
    BenefitAnswer,
    CostLine,
    DatasetDescription,
    GateAnswer,
    RiskAnswer,
)
from hrk_workbench.model.store import load_assessment, save_assessment
from hrk_workbench.overview.advice import advise


def generated(rng: random.Random, i: int) -> Assessment:
    return Assessment(
        dataset=DatasetDescription(title={"en": f"Dataset {i}", "fi": f"Aineisto {i}"},
                                   personal_data=rng.random() < 0.4,
                                   granularity=rng.choice(["unit", "aggregated"])),
        gates={g: GateAnswer(value=rng.choice(["no", "no", "no", "unknown", "yes"]))
               for g in ("G1", "G2", "G3", "G4")},
        benefits={f"B{j}": BenefitAnswer(value=rng.randint(0, 3)) for j in range(1, 10)},
        risks={f"R{j}": RiskAnswer(likelihood=rng.randint(1, 5), impact=rng.randint(1, 5))
               for j in range(1, 10)},
        costs={"lines": {f"C{j}": CostLine(one_off_days=rng.randint(0, 10),
                                           yearly_eur=rng.randint(0, 3000))
                         for j in range(1, 10)}},
    )


def timed(label: str, fn, repeat: int = 1) -> object:
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"{label:<46} {elapsed * 1000:9.2f} ms")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(1)
    _load.cache_clear()
    forms = timed("load and check all forms (cold)", load_forms)
    one = generated(rng, 0)
    timed("score one assessment (mean of 200)", lambda: summarise(one, forms), 200)
    timed("advice for one assessment (mean of 200)", lambda: advise(one, forms), 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timed("save one assessment, atomic (mean of 50)",
              lambda: save_assessment(one, folder / "one.hrk.json", author="bench"), 50)
        timed("load + validate one (mean of 50)",
              lambda: load_assessment(folder / "one.hrk.json"), 50)
        for i in range(n):
            save_assessment(generated(rng, i), folder / f"a{i:05d}.hrk.json", author="bench")

        def portfolio():
            items = [(str(p), load_assessment(p)) for p in sorted(folder.glob("a*.hrk.json"))]
            return rank_assessments(items, forms)

        ranked = timed(f"portfolio: read + rank {n} files", portfolio)
    assert len(ranked) == n  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
