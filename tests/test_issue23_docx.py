"""Issue 23: the Word memo's core properties come from the assessment, as the PDF's do.

Before, every .docx said ``dcterms:created`` and ``dcterms:modified`` 2013-12-23T23:15:00Z
(python-docx's template) and an empty "last modified by". Now created is the assessment's
``created``, modified its last change-log entry (created when there is none), and the author
and last modifier are the memo's author, never the login of whoever renders it. Through the CLI,
read back with python-docx, and compared with the PDF of the same assessment.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from helpers import EXAMPLES
from pypdf import PdfReader

from hrk_workbench.cli.program import main

TEMPLATE_DATE = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _copy(tmp_path: Path, name: str, **changes: object) -> Path:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _report(path: Path, out: Path, *more: str) -> None:
    assert main(["report", str(path), "-o", str(out), *more]) == 0
    assert out.exists()


@pytest.fixture
def os_login(monkeypatch):
    """An OS login and change-log author that must not reach the file's properties."""
    for var in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(var, "oslogin-x9")
    monkeypatch.setenv("HRK_AUTHOR", "saver-x9")


def test_docx_dates_are_the_assessments_created_and_last_save(tmp_path, capsys, os_login):
    log = [{"at": "2026-10-01T06:00:00Z", "by": "saver-x9",
            "changes": [{"path": "benefits.B1.value", "old": None, "new": 3}]},
           {"at": "2026-11-05T21:47:13Z", "by": "saver-x9",
            "changes": [{"path": "benefits.B1.value", "old": 3, "new": 4}]}]
    path = _copy(tmp_path, "city-bike-trips.hrk.json", created="2025-03-01T07:05:09Z",
                 change_log=log)
    out = tmp_path / "memo.docx"
    _report(path, out)
    props = docx.Document(str(out)).core_properties
    assert props.created == _moment("2025-03-01T07:05:09Z")
    assert props.modified == _moment("2026-11-05T21:47:13Z")
    assert TEMPLATE_DATE not in (props.created, props.modified)
    # who: the assessors (the data steward here), as the PDF's author says
    assert props.author == "Aino Virtanen" and props.last_modified_by == "Aino Virtanen"
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert "oslogin-x9" not in core and "saver-x9" not in core
    assert "2025-03-01T07:05:09Z" in core and "2026-11-05T21:47:13Z" in core

    # the PDF of the same assessment says the same moments and the same author
    pdf = tmp_path / "memo.pdf"
    _report(path, pdf)
    meta = PdfReader(str(pdf)).metadata
    assert meta.author == props.author
    assert meta.creation_date == props.created and meta.modification_date == props.modified


def test_an_assessment_never_saved_gives_created_as_modified(tmp_path, capsys, os_login):
    path = _copy(tmp_path, "air-quality.hrk.json", created="2026-02-28T23:30:00Z",
                 change_log=[], decision={})  # no decision: no decider to name either
    out = tmp_path / "memo.docx"
    _report(path, out, "--lang", "fi")
    props = docx.Document(str(out)).core_properties
    assert props.created == props.modified == _moment("2026-02-28T23:30:00Z")
    # no participants: the memo's author is the publisher, in both properties
    publisher = json.loads(path.read_text(encoding="utf-8"))["dataset"]["publisher"]
    assert props.author == props.last_modified_by == publisher
    assert props.language == "fi"


def test_the_same_assessment_gives_the_same_properties(tmp_path, capsys):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    _report(EXAMPLES / "social-assistance.hrk.json", first, "--lang", "sv")
    _report(EXAMPLES / "social-assistance.hrk.json", second, "--lang", "sv")
    core = [zipfile.ZipFile(p).read("docProps/core.xml") for p in (first, second)]
    assert core[0] == core[1]
    a = json.loads((EXAMPLES / "social-assistance.hrk.json").read_text(encoding="utf-8"))
    props = docx.Document(str(first)).core_properties
    assert props.created == _moment(a["created"])
    assert props.modified == _moment(a["change_log"][-1]["at"])
