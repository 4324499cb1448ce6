"""Issue 29: an output never replaces an input, special paths are refused or followed, every
output is checked before the first byte, every CSV is well formed and inert, and the file
locks live in a folder of the user's own. Through the CLI, on real files.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import EXAMPLES

from hrk_workbench.cli.program import main
from hrk_workbench.foundations import atomic

AIR = EXAMPLES / "air-quality.hrk.json"
BOOK = Path(__file__).resolve().parent / "data" / "example_1_fi_v2.xlsx"
POSIX = os.name == "posix"


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _assessment(folder: Path, name: str = "a.hrk.json") -> Path:
    target = folder / name
    shutil.copyfile(AIR, target)
    return target


def _data(folder: Path) -> Path:
    """A small data file with hostile text: formulas, line breaks, signed numbers."""
    path = folder / "d.csv"
    rows = [["age", "sex", "town", "note"]]
    notes = ["=HYPERLINK(\"http://x\")", "+358 40 123", "-5", "+3.5", "@SUM(A1)", "\tx=1",
             "\r=1", "two\r\nlines", "lone\rcr", "new\nline", "-", "plain"]
    for i, note in enumerate(notes):
        rows.append([str(30 + i % 3), "mf"[i % 2], "AB"[i % 2], note])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def _recipe(folder: Path, name: str = "r.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"key_variables": ["sex", "town"],
                                "steps": [{"op": "band", "column": "age", "width": 10}]}),
                    encoding="utf-8")
    return path


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before


# --- 1. an output never replaces an input ------------------------------------------------------

def test_puf_refuses_every_input_as_an_output_under_any_name(tmp_path, capsys):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    key = tmp_path / "k.key"
    key.write_text("0123456789abcdef" * 4, encoding="utf-8")
    os.symlink(data, tmp_path / "link.csv")
    os.link(data, tmp_path / "hard.csv")
    before = {p: p.read_bytes() for p in (data, recipe, key)}
    cases = [(["-o", data], "is the input DATA"),
             (["-o", tmp_path / "link.csv"], "is the input DATA"),
             (["-o", tmp_path / "hard.csv"], "is the input DATA"),
             (["-o", tmp_path / "sub" / ".." / "d.csv"], "is the input DATA"),
             (["-o", tmp_path / "o.csv", "--report", recipe], "is the input --recipe"),
             (["-o", tmp_path / "o.csv", "--report", key, "--key-file", key],
              "is the input --key-file"),
             (["-o", tmp_path / "o.csv", "--report", tmp_path / "o.csv"],
              "is also the output -o")]
    (tmp_path / "sub").mkdir()
    for extra, said in cases:
        code, out, err = run(capsys, "puf", data, "--recipe", recipe, *extra)
        assert code == 2 and said in err and out == "", (extra, err)
        assert "Traceback" not in err
    for path, content in before.items():
        _unchanged(path, content)
    assert not (tmp_path / "o.csv").exists()
    assert (tmp_path / "link.csv").is_symlink()


def test_metadata_never_writes_over_its_assessment_nor_guesses_ckan_from_its_suffix(
        tmp_path, capsys):
    source = _assessment(tmp_path)
    before = source.read_bytes()
    code, _, err = run(capsys, "metadata", source, "-o", source)
    assert code == 2 and "-o: is the input FILE" in err
    # another assessment's name is not a CKAN package's name: nothing guessed, nothing made
    code, _, err = run(capsys, "metadata", source, "-o", tmp_path / "b.hrk.json")
    assert code == 2 and "is an assessment file" in err
    assert not (tmp_path / "b.hrk.json").exists()
    _unchanged(source, before)


@pytest.mark.parametrize("lang, said", [("en", "is the input FILE"),
                                        ("fi", "on syöte FILE"), ("sv", "är indata FILE")])
def test_report_through_a_link_to_its_own_assessment_is_refused_in_lang(tmp_path, capsys,
                                                                         lang, said):
    source = _assessment(tmp_path)
    before = source.read_bytes()
    os.symlink(source, tmp_path / "memo.md")
    code, _, err = run(capsys, "report", source, "-o", tmp_path / "memo.md", "--lang", lang)
    assert code == 2 and said in err
    _unchanged(source, before)
    assert (tmp_path / "memo.md").is_symlink()


def test_dictionary_export_excel_import_excel_and_tables_refuse_their_inputs(tmp_path,
                                                                            capsys):
    source = _assessment(tmp_path)
    before = source.read_bytes()
    assert "is the input FILE" in run(capsys, "dictionary", source, "-o", source)[2]
    os.symlink(source, tmp_path / "book.xlsx")
    code, _, err = run(capsys, "export-excel", source, "-o", tmp_path / "book.xlsx", "--force")
    assert code == 2 and "is the input FILE" in err
    _unchanged(source, before)

    book = tmp_path / "in.xlsx"
    shutil.copyfile(BOOK, book)
    book_bytes = book.read_bytes()
    code, _, err = run(capsys, "import-excel", book, "-o", tmp_path / "new.hrk.json",
                       "--report", book)
    assert code == 2 and "--report: is the input BOOK_OR_FOLDER" in err
    _unchanged(book, book_bytes)
    assert not (tmp_path / "new.hrk.json").exists()  # the report was checked first

    data = _data(tmp_path)
    data_bytes = data.read_bytes()
    code, _, err = run(capsys, "tables", data, "--rows", "town", "-o", data)
    assert code == 2 and "is the input DATA" in err
    _unchanged(data, data_bytes)
    code, _, err = run(capsys, "tables", data, "--rows", "town", "-o", tmp_path / "t.csv",
                       "--save", data)
    assert code == 2 and "--save" in err
    _unchanged(data, data_bytes)


def test_risk_save_may_be_the_assessment_it_is_judged_by(tmp_path, capsys):
    source = _assessment(tmp_path)
    data = _data(tmp_path)
    code, _, err = run(capsys, "risk", data, "--key", "sex,town", "--save", source,
                       "--assessment", source)
    assert code == 0, err


# --- 2. special paths ------------------------------------------------------------------------

def test_dev_null_stays_a_device_and_a_folder_stays_a_folder(tmp_path, capsys):
    source = _assessment(tmp_path)
    code, _, err = run(capsys, "report", source, "-o", "/dev/null", "--format", "md")
    assert code == 2 and "/dev/null: -o: is a device, pipe or socket" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    folder = tmp_path / "out.ttl"
    folder.mkdir()
    code, _, err = run(capsys, "metadata", source, "-o", folder)
    assert code == 2 and "is a folder" in err and folder.is_dir()
    # and below the commands, the atomic write itself refuses (root included)
    with pytest.raises(OSError):
        atomic.atomic_write_bytes("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_output_is_refused_without_waiting_for_a_reader(tmp_path):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "puf", str(data),
                           "--recipe", str(recipe), "-o", str(fifo)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "is a device, pipe or socket" in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    target = _assessment(real)
    link = tmp_path / "link.hrk.json"
    os.symlink(target, link)
    code, _, err = run(capsys, "set", link, "benefits.B1.value=3")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["benefits"]["B1"]["value"] == 3
    # new --force over a link replaces the file it points to, not the link
    code, _, err = run(capsys, "new", "--title", "Fresh", "-o", link, "--force")
    assert code == 0, err
    assert link.is_symlink()
    assert "Fresh" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in real.iterdir()) == ["a.hrk.json"]  # no temporary left


def test_names_up_to_the_file_systems_limit_are_written(tmp_path, capsys):
    source = _assessment(tmp_path)
    longest = tmp_path / ("m" * 252 + ".md")  # 255 bytes
    code, _, err = run(capsys, "report", source, "-o", longest)
    assert code == 0, err
    assert longest.read_bytes().startswith(b"#")
    assert run(capsys, "report", source, "-o", longest)[0] == 0  # replaced in place
    saved = tmp_path / ("s" * 246 + ".hrk.json")  # 255 bytes: saved, then edited
    assert run(capsys, "new", "--title", "Long", "-o", saved)[0] == 0
    code, _, err = run(capsys, "set", saved, "benefits.B1.value=2")
    assert code == 0, err
    too_long = tmp_path / ("m" * 253 + ".md")
    code, _, err = run(capsys, "report", source, "-o", too_long)
    assert code == 2 and "256 bytes long" in err and "at most 255" in err
    assert {len(p.name.encode()) for p in tmp_path.iterdir()} <= {255, 10}


def test_a_newline_in_a_printed_path_is_escaped(tmp_path, capsys):
    source = _assessment(tmp_path)
    odd = tmp_path / "two\nlines\x1b[31m.md"
    code, out, err = run(capsys, "report", source, "-o", odd)
    assert code == 0, err
    assert out.count("\n") == 1 and "two\\u000alines\\u001b[31m.md" in out
    assert odd.exists()
    code, _, err = run(capsys, "report", source, "-o", tmp_path / "no\nfolder" / "m.md")
    assert code == 2 and err.count("\n") == 1 and "no\\u000afolder" in err


# --- 3. all outputs checked before the first byte ------------------------------------------------

def test_several_bad_outputs_are_each_named_and_nothing_is_written(tmp_path, capsys):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    code, _, err = run(capsys, "puf", data, "--recipe", recipe, "-o", "/dev/null",
                       "--report", folder)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2
    assert lines[0].startswith("/dev/null: -o: ") and lines[1].startswith(f"{folder}: --report")


def test_puf_writes_no_public_file_when_the_report_folder_is_missing(tmp_path, capsys):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    source = _assessment(tmp_path)
    before = source.read_bytes()
    code, _, err = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "public.csv",
                       "--report", tmp_path / "missing" / "r.json", "--save", source)
    assert code == 2 and "the folder" in err and "does not exist" in err
    assert not (tmp_path / "public.csv").exists()
    _unchanged(source, before)


def _read_only(folder: Path) -> bool:
    """Make ``folder`` refuse new files: permission bits for a user, the immutable flag for
    root (whom no permission stops); False when neither is possible here."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        return True
    chattr = shutil.which("chattr")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False) \
        if chattr else None
    return done is not None and done.returncode == 0


def _writable_again(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run([shutil.which("chattr") or "chattr", "-i", str(folder)], check=False)
    else:
        os.chmod(folder, 0o755)


@pytest.mark.skipif(not POSIX, reason="permission bits")
def test_puf_writes_no_public_file_when_the_report_folder_is_read_only(tmp_path, capsys):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    if not _read_only(locked):
        pytest.skip("no way to make a folder read-only for this user here")
    try:
        code, _, err = run(capsys, "puf", data, "--recipe", recipe, "-o",
                           tmp_path / "public.csv", "--report", locked / "r.json")
    finally:
        _writable_again(locked)
    assert code == 2, err
    assert f"{locked}/r.json: --report: the folder {locked} may not be written to" in err
    assert not (tmp_path / "public.csv").exists() and not list(locked.iterdir())


# --- 6. every CSV well formed and inert ---------------------------------------------------------

def _records(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert b"\r" not in raw  # one line ending for the file, inside values too
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_puf_csv_quotes_line_breaks_and_neutralises_formulas(tmp_path, capsys):
    data, recipe = _data(tmp_path), _recipe(tmp_path)
    out = tmp_path / "public.csv"
    code, _, err = run(capsys, "puf", data, "--recipe", recipe, "-o", out)
    assert code == 0, err
    rows = _records(out)
    assert len(rows) == 13 and all(len(r) == 4 for r in rows)
    notes = [r[3] for r in rows[1:]]
    assert notes == ["'=HYPERLINK(\"http://x\")", "'+358 40 123", "-5", "+3.5", "'@SUM(A1)",
                     "'\tx=1", "'\n=1", "two\nlines", "lone\ncr", "new\nline", "-", "plain"]
    assert not any(n.startswith(("=", "@", "\t", "\r")) for n in notes)


def test_tables_csv_is_inert_and_one_record_per_line(tmp_path, capsys):
    data = tmp_path / "firms.csv"
    towns = ["=cmd", "+1+2", "-3", "Line\r\nbreak", "@x"] * 20
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["town"])
        writer.writerows([t] for t in towns)
    out = tmp_path / "t.csv"
    code, _, err = run(capsys, "tables", data, "--rows", "town", "-o", out, "--json")
    assert code == 0, err
    rows = _records(out)
    assert rows[0] == ["town", "value"]  # the public table: codes and values only
    codes = {r[0] for r in rows[1:]}
    assert codes == {"Total", "'=cmd", "'+1+2", "-3", "Line\nbreak", "'@x"}
    assert all(len(r) == 2 for r in rows)


# --- 10. the locks live in a folder of the user's own --------------------------------------------

@pytest.mark.skipif(not hasattr(os, "getuid"), reason="per-user folders by uid")
def test_locks_live_in_a_private_folder_another_user_cannot_block(tmp_path, monkeypatch,
                                                                 capsys):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "shared"))
    (tmp_path / "shared").mkdir()
    own = atomic.lock_path(tmp_path / "x.hrk.json").parent
    assert own == tmp_path / "shared" / f"hrk-workbench-locks-{os.getuid()}"
    info = os.lstat(own)
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()

    # another user made that folder first: this user's saves go to the next private folder
    shutil.rmtree(own)
    own.mkdir(mode=0o777)
    if os.geteuid() == 0:
        os.chown(own, 65534, 65534)
    else:
        os.chmod(own, 0o755)
        monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)
    target = _assessment(tmp_path)
    code, _, err = run(capsys, "set", target, "benefits.B1.value=1")
    assert code == 0, err
    fallback = atomic.lock_path(target).parent
    assert fallback != own and fallback.is_relative_to(tmp_path / "cache")
    assert not list(own.iterdir())  # nothing of ours in the other user's folder
    assert stat.S_IMODE(os.lstat(fallback).st_mode) == 0o700


def test_runtime_folder_is_used_when_the_system_gives_one(tmp_path, monkeypatch):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    lock = atomic.lock_path(tmp_path / "y.hrk.json")
    assert lock.parent == runtime / "hrk-workbench-locks"
    with atomic.file_lock(tmp_path / "y.hrk.json"):
        assert stat.S_IMODE(os.stat(lock).st_mode) & 0o077 == 0


# --- held-out style: crashes and odd paths -------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "kill") or os.name != "posix", reason="POSIX signals")
def test_a_kill_during_a_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path,
                                                                          monkeypatch):
    import signal

    target = _assessment(tmp_path)
    before = target.read_bytes()
    real_fsync = os.fsync

    def killed_while_writing(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic.os, "fsync", killed_while_writing)
    with pytest.raises(SystemExit) as ended:
        main(["set", str(target), "benefits.B1.value=3"])
    assert ended.value.code == 128 + signal.SIGTERM
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.hrk.json"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back afterwards


def test_a_link_loop_and_an_overlong_folder_name_are_said_plainly(tmp_path, capsys):
    source = _assessment(tmp_path)
    loop = tmp_path / "loop.md"
    os.symlink(loop, loop)
    code, _, err = run(capsys, "report", source, "-o", loop)
    assert code == 2 and "loops back on itself" in err
    deep = tmp_path / ("d" * 256) / "m.ttl"
    code, _, err = run(capsys, "metadata", source, "-o", deep)
    assert code == 2 and "256 bytes long" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.hrk.json", "loop.md"]


def test_the_apps_export_refuses_the_open_assessment(tmp_path):
    pytest.importorskip("PySide6")
    from hrk_workbench.gui.pages.outputs import METADATA_EXPORTS, _refused_output

    source = _assessment(tmp_path)
    ckan = next(e for e in METADATA_EXPORTS if e.fmt == "ckan")
    problems = _refused_output(str(source), source, ckan)
    assert [p.code for p in problems] == ["output_is_input"]
    assert _refused_output("/dev/null", source, ckan)[0].code == "output_is_special"
    assert _refused_output(str(tmp_path / "fine.json"), source, ckan) == []


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
@pytest.mark.parametrize("alias", ["/dev/stdout", "/proc/self/fd/1", "link"])
def test_an_alias_of_the_redirected_stdout_never_replaces_the_log(tmp_path, alias):
    """``-o /dev/stdout >> log``: the log is the file behind the alias, and a rename would
    replace it; the output is refused and the log keeps what it had."""
    source = _assessment(tmp_path)
    if alias == "link":
        alias = str(tmp_path / "memo.md")
        os.symlink("/dev/fd/1", alias)
    log = tmp_path / "log.txt"
    log.write_text("earlier lines\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as handle:
        done = subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "report",
                               str(source), "-o", alias, "--format", "md"], stdout=handle,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "is a device, pipe or socket" in done.stderr
    assert log.read_text(encoding="utf-8") == "earlier lines\n"
