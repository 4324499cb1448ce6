"""Issue 32, point 6, through the command line: ``set`` reads a decimal comma in a number
answer as the app does ("2,5" days), keeps text answers as typed, and lists given to other
commands (``risk --key A,B``) stay comma-separated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def config_home(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("HRK_LANG", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def example(tmp_path: Path) -> Path:
    path = tmp_path / "a.hrk.json"
    shutil.copy(EXAMPLES / "city-bike-trips.hrk.json", path)
    return path


def saved(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_decimal_comma_is_a_number_where_a_number_is_asked(tmp_path, capsys):
    path = example(tmp_path)
    code, _, err = run(capsys, "set", str(path), "costs.lines.C1.one_off_days=2,5",
                       "costs.day_rate_eur=1 234,5", "dataset.size_mb=12,75")
    assert code == 0, err
    data = saved(path)
    assert data["costs"]["lines"]["C1"]["one_off_days"] == 2.5
    assert data["costs"]["day_rate_eur"] == 1234.5
    assert data["dataset"]["size_mb"] == 12.75


def test_a_point_still_works_and_a_whole_number_stays_whole(tmp_path, capsys):
    path = example(tmp_path)
    assert run(capsys, "set", str(path), "costs.lines.C2.yearly_days=1.5",
               "dataset.record_count=1 200")[0] == 0
    data = saved(path)
    assert data["costs"]["lines"]["C2"]["yearly_days"] == 1.5
    assert data["dataset"]["record_count"] == 1200


def test_text_answers_keep_the_comma_as_typed(tmp_path, capsys):
    path = example(tmp_path)
    assert run(capsys, "set", str(path), "dataset.title.fi=2,5",
               "dataset.comment=1,2")[0] == 0
    data = saved(path)
    assert data["dataset"]["title"]["fi"] == "2,5"
    assert data["dataset"]["comment"] == "1,2"


def test_a_comma_that_is_no_number_is_refused_and_nothing_is_written(tmp_path, capsys):
    path = example(tmp_path)
    before = path.read_bytes()
    code, _, err = run(capsys, "set", str(path), "--lang", "fi",
                       "costs.lines.C1.one_off_days=2,5,1")
    assert code != 0
    assert "costs.lines.C1.one_off_days" in err  # the command line names the path it takes
    assert "Traceback" not in err
    assert path.read_bytes() == before


def test_key_lists_stay_comma_separated(tmp_path, capsys):
    data = tmp_path / "people.csv"
    rows = ["age,area,income"] + [f"{20 + i % 3},{'AB'[i % 2]},{1000 + i}" for i in range(12)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "risk", str(data), "--key", "age,area", "--json")
    assert code in (0, 1), err
    result = json.loads(out)
    assert "Traceback" not in err
    assert sorted(result["key_variables"]) == ["age", "area"]
