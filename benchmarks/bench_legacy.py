"""Time importing a folder of legacy HRK workbooks and print the figure.

    .venv/bin/python benchmarks/bench_legacy.py [N]

Builds N workbooks (default 200) from the three example layouts in tests/data, each with its
answers varied (numbers, labels, some as text), then runs ``hrk-workbench import-excel FOLDER
-o OUT --report r.json`` as a user would (a fresh process, start-up included). The target from
the issue is under 20 s for 200 workbooks.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TARGET_S = 20.0
FI_SCALE = {0: "Ei lainkaan / ei tiedossa", 1: "Vähäinen", 2: "Kohtalainen", 3: "Merkittävä"}


def _vary(src: Path, dst: Path, rng: random.Random, i: int) -> None:
    wb = openpyxl.load_workbook(src)
    names = wb.sheetnames
    if "Hyödyt" in names or "Nyttor" in names:
        ws = wb["Hyödyt" if "Hyödyt" in names else "Nyttor"]
        for r in range(2, 11):
            value = rng.randint(0, 3)
            ws.cell(row=r, column=3, value=str(value) if rng.random() < 0.2 else value)
        info = wb["Perustiedot" if "Perustiedot" in names else "Grunduppgifter"]
        info["B3"] = f"{info['B3'].value} {i}"
    else:
        ws = wb["HRK-arviointi"]
        for r in range(21, 30):
            ws.cell(row=r, column=5, value=FI_SCALE[rng.randint(0, 3)])
        ws["C3"] = f"{ws['C3'].value} {i}"
    wb.save(dst)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(16)
    sources = sorted(DATA.glob("example_*.xlsx"))
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "books", Path(tmp) / "out"
        folder.mkdir()
        for i in range(n):
            _vary(sources[i % len(sources)], folder / f"book_{i:04d}.xlsx", rng, i)
        exe = Path(sys.executable).with_name("hrk-workbench")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "hrk_workbench.cli"]
        env = {**os.environ, "HRK_AUTHOR": "bench"}
        start = time.perf_counter()
        done = subprocess.run([*cmd, "import-excel", str(folder), "-o", str(out), "--report",
                               str(Path(tmp) / "r.json")], env=env, capture_output=True,
                              text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        reports = json.loads((Path(tmp) / "r.json").read_text(encoding="utf-8"))
        imported = sum(1 for r in reports if r["status"] == "imported")
        files = len(list(out.glob("*.hrk.json")))
    verdict = "ok" if elapsed < TARGET_S * n / 200 else "SLOW"
    print(f"import-excel of {n} workbooks: {elapsed:.2f} s ({elapsed / n * 1000:.1f} ms each); "
          f"{imported} imported, {files} files written; target < {TARGET_S:.0f} s for 200: "
          f"{verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
