"""Issue 23 point 8: two programs editing one assessment file never lose an update.

``set`` holds a lock across load, edit and save, and every save compares the file on disk
with the version that was read just before it renames the new one into place, so a second
writer is told to reopen instead of silently overwriting the first one's answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.model import edit
from hrk_workbench.model.store import (
    FileChangedError,
    document_fingerprint,
    load_assessment,
    read_assessment,
    save_assessment,
)

COST_FIELDS = ("one_off_days", "one_off_eur", "yearly_days", "yearly_eur")


def _forty_assignments() -> list[str]:
    """40 different answers: four amounts on each of the nine cost lines, and the four gates."""
    out = [f"costs.lines.C{i}.{field}={i * 10 + j + 1}"
           for i in range(1, 10) for j, field in enumerate(COST_FIELDS)]
    out += [f"gates.G{i}.value=no" for i in range(1, 5)]
    assert len(out) == 40
    return out


def _new(tmp_path: Path) -> Path:
    target = tmp_path / "shared.hrk.json"
    assert main(["new", "--title", "Shared", "-o", str(target)]) == 0
    return target


def test_twenty_concurrent_set_pairs_keep_all_forty_answers(tmp_path):
    target = _new(tmp_path)
    entries_before = len(load_assessment(target).change_log)
    assignments = _forty_assignments()
    env = {**os.environ, "HRK_AUTHOR": "racer", "HRK_LANG": "en"}
    # twenty pairs, all started at once: each pair's two processes set different answers
    procs = [subprocess.Popen([sys.executable, "-m", "hrk_workbench.cli", "set", str(target), a],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a in assignments]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [r for r in results if r[0] != 0] == []
    saved = load_assessment(target)
    for a in assignments:
        path, _, value = a.partition("=")
        section, qid, *rest = path.split(".")
        node = getattr(saved, section)
        if section == "costs":
            line = node.lines[rest[0]]
            assert getattr(line, rest[1]) == float(value), a
        else:
            assert getattr(node[qid], rest[0]) == value, a
    # one change-log entry per run, each naming the answer that run set (a new cost line
    # also records its other amounts, from nothing to 0)
    entries = saved.change_log[entries_before:]
    assert len(entries) == 40
    logged = [{c.path for c in e.changes} for e in entries]
    for a in assignments:
        assert sum(a.partition("=")[0] in paths for paths in logged) == 1, a
    # the lock lives outside the steward's folder: nothing beside the file but the file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.hrk.json"]


def test_set_refuses_to_overwrite_a_change_made_while_it_worked(tmp_path, monkeypatch, capsys):
    """Another program (an editor that takes no lock) saves while ``set`` is editing."""
    target = _new(tmp_path)
    real = edit.set_answer

    def meanwhile(assessment, path, value, forms):
        data = json.loads(target.read_text(encoding="utf-8"))
        data["dataset"]["publisher"] = "Written by an editor"
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return real(assessment, path, value, forms)

    monkeypatch.setattr(edit, "set_answer", meanwhile)
    code = main(["set", str(target), "benefits.B3.value=2"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{target}: $: the file was changed by another program since it was opened" in err
    assert "reopen it and apply your change again" in err
    kept = load_assessment(target)
    assert kept.dataset.publisher == "Written by an editor"  # the other program's change kept
    assert "B3" not in kept.benefits


@pytest.mark.parametrize(("lang", "words"), [("fi", "muutti tiedostoa"),
                                             ("sv", "ändrade filen")])
def test_changed_file_message_in_finnish_and_swedish(tmp_path, lang, words):
    target = _new(tmp_path)
    assessment, fingerprint = read_assessment(target)
    assert main(["set", str(target), "benefits.B1.value=1"]) == 0
    assessment.dataset.publisher = "Kaupunki"
    with pytest.raises(FileChangedError) as caught:
        save_assessment(assessment, target, expected=fingerprint)
    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.foundations.i18n import render_problem

    assert words in render_problem(caught.value.problems[0], lang, load_forms())


def test_save_with_the_fingerprint_it_read_succeeds_and_gives_the_next_one(tmp_path):
    target = _new(tmp_path)
    assessment, fingerprint = read_assessment(target)
    assessment.dataset.publisher = "City"
    saved = save_assessment(assessment, target, expected=fingerprint)
    again, second = read_assessment(target)
    assert second == document_fingerprint(saved) != fingerprint
    again.dataset.publisher = "Town"
    save_assessment(again, target, expected=second)  # no other writer: no complaint
    assert load_assessment(target).dataset.publisher == "Town"
