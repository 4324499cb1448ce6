"""Issue 29, point 10: the pseudonymisation key file and the assessment id.

A key file others can read, a symbolic link or a key with little randomness still works but
is warned about in the steward's language (the key itself is never printed); a huge key file
or one that is not a file is refused with a clear message. An assessment file without an id
gets one on its first save and keeps it on every later save.
"""

from __future__ import annotations

import json
import os
import secrets
import sys

import pandas as pd
import pytest

from hrk_workbench.cli.program import main
from hrk_workbench.disclosure.microdata.recipe import (
    MAX_KEY_FILE_BYTES,
    key_entropy_bytes,
    key_warnings,
    read_key,
)
from hrk_workbench.foundations.problems import InputError

STRONG = secrets.token_hex(32)  # 64 hex digits: 32 random bytes


def _data(tmp_path):
    data = tmp_path / "people.csv"
    pd.DataFrame({"person_id": [f"P{i:05d}" for i in range(60)],
                  "age": [str(20 + i % 7) for i in range(60)]}).to_csv(data, index=False)
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"key_variables": ["age"], "seed": 1, "steps": [
        {"op": "pseudonymise", "columns": ["person_id"]}]}), encoding="utf-8")
    return data, recipe


def _key_file(tmp_path, text: str | bytes, mode: int = 0o600):
    path = tmp_path / "secret.key"
    path.write_bytes(text if isinstance(text, bytes) else (text + "\n").encode())
    path.chmod(mode)
    return path


def _puf(tmp_path, key_path, lang="en"):
    data, recipe = _data(tmp_path)
    return main(["puf", str(data), "--recipe", str(recipe), "-o",
                 str(tmp_path / "out.csv"), "--key-file", str(key_path), "--lang", lang])


def test_strong_private_key_file_has_no_warning(tmp_path, capsys):
    key = _key_file(tmp_path, STRONG)
    assert _puf(tmp_path, key) == 0
    err = capsys.readouterr().err
    assert "warning" not in err.lower()
    assert STRONG not in err


@pytest.mark.skipif(os.name != "posix", reason="permission bits: Linux and macOS")
@pytest.mark.parametrize("lang, word", [("en", "other users"), ("fi", "muut käyttäjät"),
                                        ("sv", "andra användare")])
def test_key_file_readable_by_others_is_warned_in_each_language(tmp_path, capsys, lang, word):
    key = _key_file(tmp_path, STRONG, mode=0o644)
    assert _puf(tmp_path, key, lang) == 0  # a warning, not a refusal
    err = capsys.readouterr().err
    assert word in err and "644" in err and str(key) in err
    assert STRONG not in err
    assert (tmp_path / "out.csv").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges there")
def test_key_file_behind_symlink_is_warned(tmp_path, capsys):
    real = _key_file(tmp_path, STRONG)
    link = tmp_path / "link.key"
    link.symlink_to(real)
    assert _puf(tmp_path, link) == 0
    err = capsys.readouterr().err
    assert "symbolic link" in err
    assert STRONG not in err


@pytest.mark.parametrize("text", [
    "correct horse battery staple 42",  # 31 printable characters: about 25 random bytes
    secrets.token_hex(16),  # 32 hex digits: 16 random bytes
    "a" * 200,  # long, but one symbol
], ids=["words", "hex16", "one-symbol"])  # fixed ids: the same tests in every worker
def test_weak_key_is_warned_with_its_estimate(tmp_path, capsys, text):
    key = _key_file(tmp_path, text)
    assert _puf(tmp_path, key) == 0
    err = capsys.readouterr().err
    assert "bytes of randomness" in err and "at least 32" in err
    assert text not in err


def test_entropy_estimate_by_alphabet():
    assert key_entropy_bytes(secrets.token_hex(32).encode()) == 32
    assert key_entropy_bytes(secrets.token_bytes(32)) == 32
    # openssl rand -base64 32: 44 characters with padding, 43 symbols of 6 bits
    import base64

    b64 = base64.b64encode(secrets.token_bytes(32))
    assert key_entropy_bytes(b64) >= 32
    assert not key_warnings(b64)
    assert key_entropy_bytes(b"abab" * 20) <= 20
    assert key_warnings(b"0123456789abcdef" * 2)  # 16 bytes as hex


def test_key_file_too_large_is_refused_without_reading_it_whole(tmp_path, capsys):
    key = _key_file(tmp_path, b"x" * (MAX_KEY_FILE_BYTES + 10))
    assert _puf(tmp_path, key) == 2
    err = capsys.readouterr().err
    assert "larger than 65,536 bytes" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_key_file_that_is_a_folder_or_missing_is_a_clear_message(tmp_path, capsys):
    assert _puf(tmp_path, tmp_path) == 2
    assert _puf(tmp_path, tmp_path / "nope.key") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") >= 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: Linux and macOS")
def test_named_pipe_as_key_file_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.key"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        read_key(fifo)
    assert info.value.problems[0].code == "key_not_a_file"


def test_read_key_collects_warnings_for_the_caller(tmp_path):
    key = _key_file(tmp_path, "short but ok key!")
    warnings: list = []
    assert read_key(key, warnings) == b"short but ok key!"
    assert [w.code for w in warnings] == ["key_weak"]
    assert all(w.severity == "warning" for w in warnings)


# --- the assessment id ----------------------------------------------------------------------

def _without_id(tmp_path, **extra):
    path = tmp_path / "no-id.hrk.json"
    path.write_text(json.dumps({"schema_version": 4, "dataset": {"title": {"en": "Trees"}},
                                **extra}), encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", [{}, {"id": ""}, {"id": "  "}, {"id": None}])
def test_file_without_id_gets_one_on_first_save_and_keeps_it(tmp_path, capsys, extra):
    path = _without_id(tmp_path, **extra)
    assert main(["validate", str(path)]) == 0
    assert main(["set", str(path), "benefits.B1.value=3"]) == 0
    first = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(first["id"], str) and len(first["id"]) == 36
    assert main(["set", str(path), "benefits.B2.value=2"]) == 0
    second = json.loads(path.read_text(encoding="utf-8"))
    assert second["id"] == first["id"]
    # each save logs only what it changed, not the whole document as new
    assert [c["path"] for c in second["change_log"][-1]["changes"]] == ["benefits.B2.value"]


def test_save_of_loaded_file_without_id_logs_only_the_edit(tmp_path):
    """The app's save passes no baseline: the file on disk (no id yet) is still the baseline."""
    from hrk_workbench.model.store import load_assessment, save_assessment

    path = _without_id(tmp_path)
    doc = load_assessment(path)
    doc.benefits = {"B1": {"value": 3}}  # type: ignore[assignment]
    saved = save_assessment(doc, path)
    assert [c.path for c in saved.change_log[-1].changes] == ["benefits.B1.value"]
    assert load_assessment(path).id == doc.id
