"""Size and start time of the desktop bundle: what IT copies to each desktop, and how long a
steward waits after a double-click (not a test).

    .venv/bin/python benchmarks/bench_package.py [--build] [--runs N] [--bundle DIR]

Uses ``dist/hrk-workbench`` (``make package``) unless ``--build`` or it is missing, in which
case it builds into ``build/bench-package`` and times the build. Prints:
- build time (measured, or from the bundle's BUILD-INFO.json) and bundle size, with the
  biggest parts, so a dependency that grows the bundle shows up;
- CLI cold start: ``--version`` and ``validate`` on the example as new processes (the first
  run, after the files were just written or copied, is reported on its own: it is what the
  first double-click after installation costs);
- GUI cold start: process start until the main window is shown and its first events are
  processed (``HRK_EXIT_WHEN_SHOWN=1``, see packaging/entry.py), offscreen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
NAME = "hrk-workbench"


def build(dist: Path) -> float:
    """Build into ``dist`` and return the wall-clock seconds."""
    started = time.perf_counter()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist),
                    "--work", str(dist.parent / "work")], check=True, cwd=ROOT, env=env)
    return time.perf_counter() - started


def sizes(bundle: Path) -> tuple[int, int, list[tuple[int, str]]]:
    """Total bytes, file count and the ten biggest top-level parts of ``_internal``."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    parts: dict[str, int] = {}
    internal = bundle / "_internal"
    for p in files:
        rel = p.relative_to(internal if internal in p.parents else bundle)
        parts[rel.parts[0]] = parts.get(rel.parts[0], 0) + p.stat().st_size
    return total, len(files), sorted(((v, k) for k, v in parts.items()), reverse=True)[:10]


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                            check=True)
    return time.perf_counter() - started, result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="build a fresh bundle and time it")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / NAME)
    args = parser.parse_args()

    bundle: Path = args.bundle
    if args.build or not (bundle / NAME).is_file():
        bundle = ROOT / "build" / "bench-package" / "dist" / NAME
        seconds = build(bundle.parent)
        print(f"build          {seconds:6.1f} s (wall clock, {os.cpu_count()} cores)")
    else:
        info = json.loads((bundle / "BUILD-INFO.json").read_text(encoding="utf-8"))
        print(f"build          {info['build_seconds']:6.1f} s (from BUILD-INFO.json)")
    total, count, biggest = sizes(bundle)
    print(f"bundle size    {total / 1e6:6.0f} MB in {count} files ({bundle})")
    for size, name in biggest:
        print(f"  {size / 1e6:6.1f} MB  {name}")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HRK_", "QT_"))}
        env.update(HOME=str(work / "home"), QT_QPA_PLATFORM="offscreen",
                   XDG_CONFIG_HOME=str(work / "home" / ".config"))
        exe = str(bundle / NAME)
        example = work / EXAMPLE.name
        example.write_bytes(EXAMPLE.read_bytes())
        for label, command in (("--version", [exe, "--version"]),
                               ("validate", [exe, "validate", str(example)])):
            times = [timed(command, env, work)[0] for _ in range(args.runs + 1)]
            print(f"CLI {label:<10} first {times[0] * 1000:6.0f} ms  median of the next "
                  f"{args.runs} {statistics.median(times[1:]) * 1000:6.0f} ms")
        shown_env = dict(env, HRK_EXIT_WHEN_SHOWN="1")
        walls, insides = [], []
        for _ in range(args.runs):
            wall, out = timed([exe, "gui", str(example), "--lang", "fi"], shown_env, work)
            walls.append(wall)
            insides += [float(line.split()[1]) for line in out.splitlines()
                        if line.startswith("shown-after-s")]
        print(f"GUI cold start median {statistics.median(walls) * 1000:6.0f} ms process start "
              f"to exit after the window was shown; {statistics.median(insides) * 1000:6.0f} ms "
              f"from the entry script to the window shown ({args.runs} runs, offscreen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
