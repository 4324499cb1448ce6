"""Issue 23 point 8 in the app: a save never overwrites what another program saved."""

from __future__ import annotations

import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.gui.document import Document
from hrk_workbench.model.store import FileChangedError, load_assessment


def test_gui_save_does_not_overwrite_what_set_changed(tmp_path, qtbot, forms):
    target = tmp_path / "shared.hrk.json"
    assert main(["new", "--title", "Shared", "-o", str(target)]) == 0
    doc = Document(forms)
    doc.load(target)
    assert doc.edit("benefits.B2.value", 3)
    assert main(["set", str(target), "benefits.B1.value=1"]) == 0  # meanwhile, on the CLI
    with pytest.raises(FileChangedError):
        doc.save()
    assert load_assessment(target).benefits["B1"].value == 1  # set's answer survives
    assert doc.is_dirty()  # the app still holds the unsaved edit
    # reopening and applying the change again works, and a second save needs no reopen
    doc.load(target)
    assert doc.edit("benefits.B2.value", 3)
    doc.save()
    assert doc.edit("benefits.B4.value", 1)
    doc.save()
    saved = load_assessment(target)
    assert (saved.benefits["B1"].value, saved.benefits["B2"].value,
            saved.benefits["B4"].value) == (1, 3, 1)


@pytest.mark.parametrize(("lang", "words"), [("en", "changed by another program"),
                                             ("fi", "toinen ohjelma muutti"),
                                             ("sv", "ett annat program ändrade")])
def test_window_says_the_file_changed_and_keeps_the_edits(make_window, dialogs, tmp_path,
                                                          lang, words):
    target = tmp_path / "shared.hrk.json"
    assert main(["new", "--title", "Shared", "-o", str(target)]) == 0
    window = make_window(lang)
    assert window.open_path(str(target))
    assert window.document.edit("benefits.B2.value", 3)
    assert main(["set", str(target), "benefits.B1.value=1"]) == 0
    assert window.save() is False
    shown = [d for d in dialogs.shown if d["kind"] == "critical"]
    assert len(shown) == 1 and words in shown[0]["text"]
    assert window.t("gui_save_changed_hint") in shown[0]["text"]
    assert window.document.is_dirty() and window.document.assessment.benefits["B2"].value == 3
    assert load_assessment(target).benefits["B1"].value == 1
    assert "B2" not in load_assessment(target).benefits
