"""Issue 28 in the Risk lab page, driven as a steward would and checked against the command
line on the same real files: the worst period decides, an unmeasured quasi-identifier makes
the verdict not safe until the steward marks it not identifying (and that mark is saved),
coordinates are found as direct identifiers, and a sampling weight gives sdcMicro's risks.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest

from hrk_workbench.cli.program import main as cli_main
from hrk_workbench.forms.loader import Forms
from hrk_workbench.gui.document import Document
from hrk_workbench.gui.pages.risklab import RiskLabPage
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.store import save_assessment

WAIT_MS = 15_000


def cli_json(capsys: pytest.CaptureFixture[str], *argv: Any) -> dict[str, Any]:
    capsys.readouterr()
    assert cli_main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def page_for(qtbot: Any, forms: Forms, data: Path, roles: dict[str, str],
             lang: str = "en") -> RiskLabPage:
    """The page with ``data`` loaded and the given roles confirmed (every other column
    keeps its suggested role), measured."""
    page = RiskLabPage(Document(forms, Assessment(language=lang), lang=lang))
    qtbot.addWidget(page)
    page.show()
    page.load_file(data)
    wait(qtbot, page)
    for column, role in roles.items():
        page.set_role(column, role)
    page.recompute()
    wait(qtbot, page)
    return page


def wait(qtbot: Any, page: RiskLabPage) -> None:
    qtbot.waitUntil(lambda: page.result is not None and not page.busy()
                    and not page._timer.isActive(), timeout=WAIT_MS)


def shown(page: RiskLabPage) -> dict[str, str]:
    t = page.measures
    return {t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())}


def test_panel_is_judged_in_its_worst_period(tmp_path, capsys, forms, qtbot):
    rng = random.Random(3)
    people = [(rng.choice("FM"), rng.randint(1940, 2004), f"{rng.randint(1, 40):03d}")
              for _ in range(150)]
    data = write_csv(tmp_path / "panel.csv", ["year", "sex", "birth_year", "kunta"],
                     [[2018 + y, *p] for y in range(4) for p in people])
    page = page_for(qtbot, forms, data, {"year": "other", "sex": "quasi",
                                         "birth_year": "quasi", "kunta": "quasi"})
    before = page.result.before
    cli = cli_json(capsys, "risk", data, "--key", "sex,birth_year,kunta", "--json")
    assert before.per_period["k"] == cli["per_period"]["k"] == 1
    assert before.k == cli["k"] >= 4
    text = page.verdict_label.text()
    assert "would count a person's rows" in text and "Not safe at k ≥ 5" in text
    assert any(label.startswith("k within periods") for label in shown(page))


def test_unmeasured_quasi_identifier_and_the_not_identifying_mark(tmp_path, capsys, forms,
                                                                   qtbot):
    rows = [["F" if i % 2 else "M", "N" if i % 3 else "S",
             "married" if i != 7 else "widowed"] for i in range(60)]
    data = write_csv(tmp_path / "m.csv", ["sex", "region", "marital"], rows)
    page = page_for(qtbot, forms, data, {"sex": "quasi", "region": "quasi",
                                         "marital": "other"})
    assert page.result.before.unmeasured_quasi == ("marital",)
    assert "marital is a quasi-identifier but was not measured: with it k = 1" in \
        page.verdict_label.text()
    same = tmp_path / "same.hrk.json"
    save_assessment(page.document.assessment, same, author="test")
    cli = cli_json(capsys, "risk", data, "--key", "sex,region", "--assessment", same, "--json")
    assert page.verdict_label.text() == "\n".join(cli["verdict"]["text"])

    page.set_not_identifying("marital")
    page.recompute()
    qtbot.waitUntil(lambda: not page.busy() and page.result.before is not None
                    and page.result.before.unmeasured_quasi == (), timeout=WAIT_MS)
    assert "marital" not in page.verdict_label.text()
    assert page.save_result()
    lab = page.document.assessment.risk_lab
    assert lab.not_identifying == ["marital"] and lab.safe is True
    # the mark comes back when the same file is loaded again
    page.load_file(data)
    wait(qtbot, page)
    assert page.not_identifying() == ["marital"]


def test_coordinates_are_found_and_block_the_verdict(tmp_path, forms, qtbot):
    rng = random.Random(9)
    rows = [[rng.randint(6_650_000, 7_700_000), rng.randint(300_000, 700_000),
             "F" if i % 2 else "M"] for i in range(120)]
    data = write_csv(tmp_path / "geo.csv", ["pohjoinen", "itä", "sex"], rows)
    page = page_for(qtbot, forms, data, {"sex": "quasi"})
    assert page.suggestions["pohjoinen"].basis == "coordinates"
    assert page.role("itä") == "direct"
    assert "coordinates" in page._basis("itä")
    assert "direct identifiers" in page.verdict_label.text()


def test_weighted_survey_in_the_lab_equals_the_command_line(tmp_path, capsys, forms, qtbot):
    rng = random.Random(4)
    rows = [[rng.choice("FM"), rng.randint(2, 9) * 10, f"{rng.uniform(5, 60):.4f}"]
            for _ in range(500)]
    data = write_csv(tmp_path / "survey.csv", ["sex", "age", "w"], rows)
    page = page_for(qtbot, forms, data, {"sex": "quasi", "age": "quasi", "w": "other"})
    page.set_weight("w")
    qtbot.waitUntil(lambda: not page.busy() and page.result.before is not None
                    and page.result.before.weighted is not None, timeout=WAIT_MS)
    wait(qtbot, page)
    got = page.result.before.to_dict()
    cli = cli_json(capsys, "risk", data, "--key", "sex,age", "--weight", "w", "--json")
    for field in ("population_estimate", "individual_risk", "global_risk"):
        assert got[field] == pytest.approx(cli[field], rel=1e-12)
    rows_shown = shown(page)
    assert "Highest individual risk" in rows_shown and "Classes (sum of 1/f)" in rows_shown
    assert page.save_result()
    lab = page.document.assessment.risk_lab
    assert lab.weight == "w"
    assert lab.above_threshold == cli["individual_risk"]["above_threshold"]
    assert lab.global_risk_share == pytest.approx(cli["global_risk"]["share"], rel=1e-12)
