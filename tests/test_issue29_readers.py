"""Issue 29, points 4, 5 and 9: readers leave no plaintext copy behind, read what the steward
sees, and turn hostile values into clear messages, all through the command line.

Every command runs as its own process (``python -m hrk_workbench.cli``) where it matters: a
real SIGKILL, a pipe in cp1252, a FIFO in a folder, the memory a workbook takes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from hrk_workbench import cli

ROWS = [("age", "zip", "name")] + [(str(20 + i % 4), f"0010{i % 3}", f"Mäki€ {i}")
                                   for i in range(40)]


def run(args: list[str], tmp: Path, timeout: float = 120,
        **env: str) -> subprocess.CompletedProcess:
    """One CLI run in its own process, with a temporary folder of its own to inspect."""
    (tmp / "tmpdir").mkdir(exist_ok=True)
    (tmp / "spill").mkdir(exist_ok=True, mode=0o700)
    full = {**os.environ, "TMPDIR": str(tmp / "tmpdir"), "HRK_SPILL_DIR": str(tmp / "spill"),
            "PYTHONIOENCODING": "utf-8", **env}
    full.pop("HRK_LANG", None)
    return subprocess.run([sys.executable, "-m", "hrk_workbench.cli", *args], cwd=tmp,
                          env=full, capture_output=True, timeout=timeout)


def write_csv(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8",
              sep: str = ",", newline: str = "\n") -> Path:
    path.write_bytes(newline.join(sep.join(r) for r in rows).encode(encoding)
                     + newline.encode(encoding))
    return path


def risk_json(tmp: Path, data: Path, *extra: str) -> dict:
    done = run(["risk", str(data), "--key", "age,zip", "--json", *extra], tmp)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def measures(result: dict) -> tuple:
    return result["rows"], result["k"], result["sample_uniques"], result["records_below_k"]


# --- point 4: no plaintext copy left behind --------------------------------------------------

def test_cp1252_file_is_measured_without_any_copy(tmp_path: Path) -> None:
    utf8 = risk_json(tmp_path, write_csv(tmp_path / "u.csv", ROWS))
    cp = risk_json(tmp_path, write_csv(tmp_path / "c.csv", ROWS, "cp1252", ";"))
    assert measures(cp) == measures(utf8)
    assert list((tmp_path / "tmpdir").iterdir()) == []
    assert list((tmp_path / "spill").iterdir()) == []


def test_sigkilled_risk_leaves_nothing_in_the_temporary_folders(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.write("age;zip;name\n".encode("cp1252"))
        line = "".join(f"{20 + i % 70};{i % 9000:05d};Mäki€ {i}\n" for i in range(20_000))
        for _ in range(60):  # 1.2 million records, cp1252
            handle.write(line.encode("cp1252"))
    (tmp_path / "tmpdir").mkdir()
    (tmp_path / "spill").mkdir(mode=0o700)
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmpdir"),
           "HRK_SPILL_DIR": str(tmp_path / "spill")}
    proc = subprocess.Popen([sys.executable, "-m", "hrk_workbench.cli", "risk", str(big),
                             "--key", "age,zip"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "spill").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)  # the read has begun once its private spill folder exists
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert list((tmp_path / "tmpdir").iterdir()) == []
    leftovers = [p for p in tmp_path.iterdir()
                 if p.name not in ("big.csv", "tmpdir", "spill")]
    assert leftovers == []
    # the killed run's private folder is removed by the next run
    small = write_csv(tmp_path / "s.csv", ROWS, "cp1252", ";")
    risk_json(tmp_path, small)
    assert list((tmp_path / "spill").iterdir()) == []


def test_sigkilled_puf_leaves_no_rows_beside_its_output(tmp_path: Path) -> None:
    rows = [("age", "zip", "name")] + [(str(20 + i % 70), f"{i % 9000:05d}", "x" * 200)
                                       for i in range(400_000)]
    data = write_csv(tmp_path / "d.csv", rows)
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"steps": [], "key_variables": ["age"]}))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "hrk_workbench.cli", "puf", str(data),
                             "--recipe", str(recipe), "-o", str(out_dir / "p.csv")],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(out_dir.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert [p.name for p in out_dir.iterdir() if p.name != "p.csv"] == []


# --- point 5: what you see is what is read ---------------------------------------------------

def hidden_workbook(path: Path) -> Path:
    wb = Workbook()
    secret = wb.active
    secret.title = "secret"
    secret.append(["age", "zip"])
    for i in range(5):
        secret.append(["99", f"9999{i}"])
    secret.sheet_state = "hidden"
    shown = wb.create_sheet("data")
    shown.append(["age", "zip"])
    for i in range(12):
        shown.append([20 + i % 2, "00100"])  # numbers as Excel keeps them
    very = wb.create_sheet("macro")
    very.append(["age", "zip"])
    very.append(["1", "2"])
    very.sheet_state = "veryHidden"
    wb.save(path)
    return path


def test_workbook_reads_first_visible_sheet_and_names_hidden_ones(tmp_path: Path) -> None:
    book = hidden_workbook(tmp_path / "h.xlsx")
    done = run(["risk", str(book), "--key", "age,zip", "--json", "--lang", "fi"], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert result["rows"] == 12 and result["k"] == 6
    err = done.stderr.decode()
    assert "piilotettuja taulukoita ei luettu: secret, macro" in err
    assert err.count("secret, macro") == 1  # once, though the file is read twice


def test_sheet_option_reads_the_sheet_named(tmp_path: Path) -> None:
    book = hidden_workbook(tmp_path / "h.xlsx")
    result = risk_json(tmp_path, book, "--sheet", "secret")
    assert result["rows"] == 5 and result["k"] == 1
    done = run(["tables", str(book), "--rows", "zip", "--sheet", "secret", "-o", "t.csv"],
               tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    table = (tmp_path / "t.csv").read_text()
    assert "99990" in table and "00100" not in table
    done = run(["risk", str(book), "--key", "age", "--sheet", "nope", "--lang", "sv"], tmp_path)
    assert done.returncode == 2
    assert "inget blad nope (förväntat ett av: secret, data, macro)" in done.stderr.decode()


def test_numbers_in_a_workbook_read_as_text_without_decimals(tmp_path: Path) -> None:
    book = hidden_workbook(tmp_path / "h.xlsx")
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"steps": [], "key_variables": ["age"]}))
    done = run(["puf", str(book), "--recipe", str(recipe), "-o", "p.csv"], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    lines = (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].split(",")[0] in ("20", "21")


def test_declared_dimensions_allocate_nothing(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["age", "zip"])
    ws.append(["30", "00100"])
    ws["XFD1048576"] = "far away"
    wb.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    with open(tmp_path / "err.txt", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "hrk_workbench.cli", "risk", "far.xlsx",
                                 "--key", "age"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 2
    assert "far.xlsx: XFD1048576: a value outside the header's columns" in \
        (tmp_path / "err.txt").read_text()
    # KiB: a grid of the declared size would be ~TiB; the reader itself takes ~200 MB, the
    # bound leaves room for the libraries' own arenas on a busy machine
    assert usage.ru_maxrss < 2 * 1024 * 1024


def test_damaged_workbook_names_a_reason(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    done = run(["risk", "bad.xlsx", "--key", "age"], tmp_path)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.startswith("bad.xlsx: $: cannot read the data: ")
    assert err.strip().split("cannot read the data: ")[1]  # never an empty reason


def test_out_of_memory_is_reported_as_too_large(tmp_path: Path, monkeypatch, capsys) -> None:
    import pandas as pd

    data = write_csv(tmp_path / "d.csv", ROWS)
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"steps": [], "key_variables": ["age"]}))

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(pd, "read_csv", exhausted)
    code = cli.main(["puf", str(data), "--recipe", str(recipe), "-o", str(tmp_path / "o.csv")])
    assert code == 2
    assert f"{data}: $: the data is too large for memory" in capsys.readouterr().err


# --- point 9: hostile values --------------------------------------------------------------

def test_cr_only_and_utf16_files_read_as_their_utf8_twin(tmp_path: Path) -> None:
    expected = measures(risk_json(tmp_path, write_csv(tmp_path / "u.csv", ROWS)))
    for name, encoding, newline in (("cr.csv", "utf-8", "\r"), ("bom16.csv", "utf-16", "\n"),
                                    ("le16.csv", "utf-16-le", "\r\n"),
                                    ("be16.csv", "utf-16-be", "\n")):
        data = write_csv(tmp_path / name, ROWS, encoding, newline=newline)
        assert measures(risk_json(tmp_path, data)) == expected, name
        recipe = tmp_path / "r.json"
        recipe.write_text(json.dumps({"steps": [], "key_variables": ["age"]}))
        done = run(["puf", name, "--recipe", "r.json", "-o", f"out-{name}"], tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        text = (tmp_path / f"out-{name}").read_text(encoding="utf-8-sig")
        assert "Mäki€ 7" in text


def test_ten_million_character_value(tmp_path: Path) -> None:
    data = tmp_path / "long.csv"
    data.write_text("age,zip\n" + "x" * 10_000_000 + ",1\n2,3\n")
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"steps": [], "key_variables": ["age"]}))
    done = run(["puf", "long.csv", "--recipe", "r.json", "-o", "o.csv", "--lang", "fi"],
               tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "long.csv: record 1, column age: arvo on yli 1 000 000 merkkiä pitkä (odotettiin "
        "lyhyempiä arvoja: jäikö lainausmerkki auki, vai eikö tämä ole CSV-tiedosto?)")
    assert not (tmp_path / "o.csv").exists()


def test_header_of_a_million_columns(tmp_path: Path) -> None:
    data = tmp_path / "wide.csv"
    data.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n"
                    + ",".join("1" for _ in range(1_000_000)) + "\n")
    done = run(["risk", "wide.csv", "--key", "c1"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "wide.csv: line 1: the header line is longer than 256 KiB (expected a header of at "
        "most 16,384 column names ending in a line break)")
    data.write_text(",".join(f"c{i}" for i in range(20_000)) + "\n")
    done = run(["tables", "wide.csv", "--rows", "c1", "-o", "t.csv", "--lang", "sv"],
               tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == \
        "wide.csv: line 1: 20 000 kolumner (förväntat högst 16 384)"


def test_binary_file_given_as_csv(tmp_path: Path) -> None:
    (tmp_path / "img.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(500))
    done = run(["risk", "img.csv", "--key", "a"], tmp_path)
    assert done.returncode == 2
    assert "img.csv: $: not a text file: it holds NUL bytes" in done.stderr.decode()


def test_json_with_long_integer_or_deep_nesting(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "d.csv", ROWS)
    (tmp_path / "long.json").write_text('{"steps": [], "x": ' + "7" * 5000 + "}")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    done = run(["puf", str(data), "--recipe", "long.json", "-o", "o.csv", "--lang", "sv"],
               tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("long.json: $: ett tal med fler siffror än som kan")
    done = run(["puf", str(data), "--recipe", "deep.json", "-o", "o.csv"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("deep.json: $: JSON nested too deeply")
    (tmp_path / "long.hrk.json").write_text('{"schema_version": ' + "1" * 5000 + "}")
    (tmp_path / "deep.hrk.json").write_text("{\"a\": " + "[" * 100_000 + "]" * 100_000 + "}")
    done = run(["validate", "long.hrk.json", "deep.hrk.json", "--lang", "fi"], tmp_path)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "long.hrk.json: $: luvussa on enemmän numeroita kuin voidaan lukea" in err
    assert "deep.hrk.json: $: JSON on sisäkkäistetty liian syvälle" in err
    assert "internal error" not in err


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
def test_output_to_a_narrow_pipe_never_crashes(tmp_path: Path, encoding: str) -> None:
    done = run(["new", "--title", "Данные ☃ € ä", "-o", "t.hrk.json"], tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    done = run(["summary", "t.hrk.json", "--lang", "fi"], tmp_path, PYTHONIOENCODING=encoding)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    text = done.stdout.decode(encoding)  # every byte is the pipe's encoding
    assert "\\u0414\\u0430" in text and "\\u2603" in text
    assert ("€" in text) == (encoding == "cp1252")
    done = run(["validate", "missing-☃.hrk.json"], tmp_path, PYTHONIOENCODING=encoding)
    assert done.returncode == 2
    assert "missing-\\u2603.hrk.json: $: file not found" in done.stderr.decode(encoding)


def test_portfolio_skips_fifo_and_device_links(tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    folder.mkdir()
    assert run(["new", "--title", "Real", "-o", "pf/real.hrk.json"], tmp_path).returncode == 0
    os.mkfifo(folder / "pipe.hrk.json")
    (folder / "zero.hrk.json").symlink_to("/dev/zero")
    done = run(["portfolio", "pf", "--json"], tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    ranked = json.loads(done.stdout)["ranking"]
    assert [r["title"] for r in ranked] == ["Real"]
    err = done.stderr.decode()
    assert "pf/pipe.hrk.json: $: warning: not a regular file but a pipe or a device" in err
    assert "pf/zero.hrk.json: $: warning: not a regular file" in err
    done = run(["portfolio", "pf/pipe.hrk.json"], tmp_path, timeout=60)
    assert done.returncode == 2


def test_fifo_or_device_as_any_input_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    data = write_csv(tmp_path / "d.csv", ROWS)
    cases = [["risk", "pipe.csv", "--key", "age"],
             ["tables", "/dev/zero", "--rows", "a", "-o", "t.csv"],
             ["puf", str(data), "--recipe", "pipe.csv", "-o", "o.csv"],
             ["validate", "/dev/zero"], ["score", "pipe.csv"],
             ["import-excel", "pipe.csv", "-o", "x.hrk.json"],
             ["tables", str(data), "--rows", "age", "--hierarchy", "age=pipe.csv",
              "-o", "t.csv"]]
    for args in cases:
        done = run(args, tmp_path, timeout=60)
        assert done.returncode == 2, args
        assert "not a regular file but a pipe or a device" in done.stderr.decode(), args


def test_saving_a_measure_reads_the_file_as_the_measure_does(tmp_path: Path) -> None:
    """The data dictionary's sample of a cp1252 file with one of its five undefined bytes,
    and of a UTF-16 file without a byte-order mark, is read like the measure reads it."""
    assert run(["new", "--title", "T", "-o", "s.hrk.json"], tmp_path).returncode == 0
    (tmp_path / "und.csv").write_bytes(b"age;zip\n20;a\x81b\n20;x\n21;y\n")
    write_csv(tmp_path / "le.csv", ROWS, "utf-16-le")
    for name in ("und.csv", "le.csv"):
        done = run(["risk", name, "--key", "age", "--save", "s.hrk.json"], tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        saved = json.loads((tmp_path / "s.hrk.json").read_text(encoding="utf-8"))
        columns = [e["column"] for e in saved["risk_lab"]["dictionary"]]
        assert columns[:2] == ["age", "zip"], name


def test_closed_standard_output_is_no_internal_error(tmp_path: Path) -> None:
    assert run(["new", "--title", "T", "-o", "t.hrk.json"], tmp_path).returncode == 0
    done = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m hrk_workbench.cli '
                                       'summary t.hrk.json >&-'],
                          cwd=tmp_path, capture_output=False, stderr=subprocess.PIPE,
                          timeout=60)
    assert done.returncode == 0
    assert b"internal error" not in done.stderr


def test_a_file_larger_than_memory_is_refused_before_reading(tmp_path: Path, monkeypatch,
                                                             capsys) -> None:
    """tables and puf read the data into memory: a file that cannot fit is refused up front
    with both sizes (here the computer is said to have 1 MiB); risk measures it from disk."""
    from hrk_workbench.disclosure import loading

    rows = [("age", "zip")] + [(str(20 + i % 5), f"{i % 7:05d}") for i in range(60_000)]
    data = write_csv(tmp_path / "d.csv", rows)
    monkeypatch.setattr(loading, "physical_memory", lambda: 1024 * 1024)
    code = cli.main(["tables", str(data), "--rows", "age", "-o", str(tmp_path / "t.csv"),
                     "--lang", "fi"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"{data}: $: aineisto tarvitsee noin 1 Mt muistia, ja tässä tietokoneessa on 1 Mt "
        "(odotettiin pienempää tiedostoa; risk-komento mittaa minkä kokoisen tiedoston "
        "tahansa suoraan levyltä)")
    assert not (tmp_path / "t.csv").exists()
    assert cli.main(["risk", str(data), "--key", "age"]) == 0


def test_hand_made_row_number_beyond_excels_limit(tmp_path: Path) -> None:
    """A sheet's XML may number a row 2,000,000; nothing past Excel's limit is dropped
    silently, the file is refused saying so."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.append(["age"])
    ws.append(["1"])
    ws["A3"] = "2"
    wb.save(tmp_path / "src.xlsx")
    with zipfile.ZipFile(tmp_path / "src.xlsx") as zin, \
            zipfile.ZipFile(tmp_path / "rows.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'r="3"', b'r="2000000"').replace(b'r="A3"', b'r="A2000000"')
            zout.writestr(info, data)
    done = run(["risk", "rows.xlsx", "--key", "age"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "rows.xlsx: $: the sheet has rows beyond row 1,048,576 (expected at most 1,048,576 "
        "rows, as Excel allows)")
