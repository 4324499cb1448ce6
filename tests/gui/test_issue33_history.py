"""Issue 33 in the app: the History view (Edit > History) shows the decision record in the
app's language, and a lab result on a changed data file is said in the summary's list, never
in a dialog on opening."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hrk_workbench.cli.program import main


def _assessment(tmp_path: Path) -> Path:
    """A file with a saved lab result on data.csv and two answers set by name."""
    data = tmp_path / "data.csv"
    data.write_text("sex,region\n" + "M,North\n" * 6 + "F,South\n" * 6)
    a = tmp_path / "a.hrk.json"
    assert main(["new", "--title", "T", "-o", str(a)]) == 0
    assert main(["risk", str(data), "--key", "sex,region", "--save", str(a),
                 "--author", "Liisa"]) == 0
    assert main(["set", str(a), "gates.G1.value=no", "risks.R1.likelihood=3",
                 "--author", "Maija"]) == 0
    return a


def test_history_dialog_in_finnish(tmp_path: Path, make_window: Any, dialogs: Any) -> None:
    a = _assessment(tmp_path)
    window = make_window(lang="fi")
    assert window.open_path(str(a), ask=False)
    assert window.history_action.text().replace("&", "") == "Historia…"
    dialog = window.show_history()
    assert dialog.table.accessibleName() == "Historia: päätöksenteon kirjaus"
    heads = [dialog.table.horizontalHeaderItem(i).text() for i in range(5)]
    assert heads == ["Milloin", "Kuka", "Mitä", "Ennen", "Jälkeen"]
    rows = dialog.row_texts()
    lab = next(r for r in rows if r[2] == "Riskilaboratorion tulos tallennettu")
    assert lab[1] == "Liisa" and lab[4] == "k = 6"
    g1 = next(r for r in rows if r[2].startswith("G1 "))
    assert g1[1] == "Maija" and (g1[3], g1[4]) == ("—", "ei")
    assert "Onko tieto" in g1[2] and not any("gates.G1" in c for r in rows for c in r)
    r1 = next(r for r in rows if r[2].startswith("R1 "))
    assert r1[2].endswith("(todennäköisyys)") and r1[4] == "3"
    dialog.close()


def test_a_changed_data_file_is_listed_not_shown_in_a_dialog(
        tmp_path: Path, make_window: Any, dialogs: Any) -> None:
    a = _assessment(tmp_path)
    (tmp_path / "data.csv").write_text("sex,region\nF,Tiny\n")
    window = make_window(lang="sv")
    assert window.open_path(str(a), ask=False)
    assert dialogs.shown == []  # nothing pops up on opening
    # said in the still-missing list (with its step), not among the reasons for the scores
    texts = window.summary.missing.texts()
    stale = [t for t in texts if "data.csv" in t]
    assert stale and "har ändrats" in stale[0]
    assert stale[0].startswith(window.t("gui_step_risk_lab") + " → ")
    assert not [t for t in window.summary.reason_texts() if "data.csv" in t]
    assert window.step_state("risk_lab") == "problems"
    # the result saved again on the same file: the line goes
    fp = json.loads(a.read_text())["risk_lab"]["source"]
    assert fp["path"] == "data.csv"
