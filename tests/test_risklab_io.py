"""Risk lab loading (the CSV dialects of Finnish and Swedish exports, bad files) and the
column-role suggestions with identity-code checksums."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from hrk_workbench.disclosure.loading import (
    duckdb_table,
    memory_estimate,
    read_csv,
    read_sample,
    read_table,
    sniff_csv,
)
from hrk_workbench.disclosure.microdata.measures import measure_file
from hrk_workbench.disclosure.microdata.roles import (
    is_henkilotunnus,
    is_organisationsnummer,
    is_personnummer,
    is_y_tunnus,
    suggest_roles,
)
from hrk_workbench.foundations.problems import InputError

ROWS = [("kunta", "ikä", "tulot"), ("Hämeenlinna", "34", "1234.50"), ("Åbo", "7", "€ 5"),
        ("Espoo", "34", "0")]


def _write(path, rows, delim, encoding, bom=False):
    text = "\r\n".join(delim.join(r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize(("delim", "encoding", "bom", "expected"), [
    (",", "utf-8", False, "utf-8"), (";", "utf-8", True, "utf-8-sig"),
    (";", "cp1252", False, "cp1252"), ("\t", "utf-8", False, "utf-8"),
    ("\t", "cp1252", False, "cp1252")])
def test_csv_dialects(tmp_path, delim, encoding, bom, expected):
    path = _write(tmp_path / "d.csv", ROWS, delim, encoding, bom)
    dialect = sniff_csv(path)
    assert (dialect.delimiter, dialect.encoding) == (delim, expected)
    assert dialect.header == ("kunta", "ikä", "tulot")
    df = read_table(path)
    assert list(df["kunta"]) == ["Hämeenlinna", "Åbo", "Espoo"]
    assert list(df["tulot"]) == ["1234.50", "€ 5", "0"]
    with duckdb_table(path, ["kunta", "ikä"]) as con:
        assert sorted(r[0] for r in con.execute("SELECT kunta FROM data").fetchall()) == \
            ["Espoo", "Hämeenlinna", "Åbo"]
    assert measure_file(path, ["ikä"]).sample_uniques == 1


def test_quoted_delimiters_do_not_fool_the_sniffer(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a;b\n"x,y";1\n"z,w";2\n', encoding="utf-8")
    assert sniff_csv(path).delimiter == ";"
    assert list(read_table(path)["a"]) == ["x,y", "z,w"]


@pytest.mark.parametrize("reader", ["pandas", "duckdb"])
def test_a_bad_row_names_file_and_line(tmp_path, reader):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        if reader == "pandas":
            read_table(path)
        else:
            measure_file(path, ["a"])
    assert info.value.source == str(path)
    problem = info.value.problems[0]
    assert problem.location == "line 4" and problem.code == "data_wrong_fields"
    assert problem.params["fields"] == 4 and problem.params["expected"] == 3


@pytest.mark.parametrize(("content", "code"), [
    (b"", "data_empty"), (b"a,a\n1,2\n", "data_duplicate_column"),
    (b"a,,c\n1,2,3\n", "data_empty_column_name")])
def test_other_bad_files(tmp_path, content, code):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.problems[0].code == code
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "missing.csv")
    assert info.value.problems[0].code == "data_not_found"


def test_damaged_workbook_and_parquet(tmp_path):
    for name in ("x.xlsx", "x.parquet"):
        (tmp_path / name).write_bytes(b"not really")
        with pytest.raises(InputError) as info:
            read_table(tmp_path / name)
        assert info.value.problems[0].code == "data_unreadable"


@pytest.mark.parametrize(("text", "ok"), [
    ("131052-308T", True), ("131052-308U", False), ("321052-308T", False),
    ("010101A123N", True), ("310299-123X", False)])  # 31 February
def test_henkilotunnus_checksum(text, ok):
    assert is_henkilotunnus(text) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("811218-9876", True), ("19811218-9876", True), ("8112189876", True),
    ("811218-9875", False), ("811278-9879", is_personnummer("811278-9879"))])
def test_personnummer_luhn(text, ok):
    assert is_personnummer(text) is ok


def test_business_ids():
    assert is_y_tunnus("0112038-9") and not is_y_tunnus("0112038-8")
    assert is_organisationsnummer("556036-0793") and not is_organisationsnummer("556036-0794")
    assert not is_organisationsnummer("811218-9876")  # a personnummer is not an org number


def test_role_suggestions():
    n = 30
    df = pd.DataFrame({
        "tunniste": ["131052-308T"] * n,  # henkilötunnus by value, whatever the name
        "pnr": ["811218-9876"] * n,
        "email": [f"p{i}@example.fi" for i in range(n)],
        "puhelin": ["+358 40 123 4567"] * n,
        "osoite": ["Mannerheimintie 5"] * n,
        "sukunimi": ["Virtanen"] * n,
        "ikä": [str(i) for i in range(n)],
        "kön": ["M"] * n,
        "postinumero": ["00100"] * n,
        "diagnoosi": ["J45"] * n,
        "inkomst": ["100"] * n,
        "y_tunnus": ["0112038-9"] * n,
        "colour": ["red"] * n,
    })
    got = {s.column: (s.role, s.basis) for s in suggest_roles(df)}
    assert got["tunniste"] == ("direct", "henkilotunnus")
    assert got["pnr"] == ("direct", "personnummer")
    assert got["email"] == ("direct", "email")
    assert got["puhelin"][0] == "direct" and got["osoite"][0] == "direct"
    assert got["sukunimi"] == ("direct", "name_hint:name")
    assert got["y_tunnus"] == ("direct", "y_tunnus")
    assert got["ikä"][0] == "quasi" and got["kön"][0] == "quasi"
    assert got["postinumero"][0] == "quasi"
    assert got["diagnoosi"][0] == "sensitive" and got["inkomst"][0] == "sensitive"
    assert got["colour"] == ("other", "")
    # a column of look-alike codes with wrong check characters is not an identity code
    fake = pd.DataFrame({"code": ["131052-308U"] * n})
    assert suggest_roles(fake)[0].basis != "henkilotunnus"


# --- reading in chunks (the GUI's progress and Cancel), samples of files too big to load ----

class _Stop(Exception):
    pass


@pytest.mark.parametrize(("delim", "encoding"), [(",", "utf-8"), (";", "cp1252")])
def test_read_with_progress_reports_blocks_and_equals_a_plain_read(tmp_path, delim, encoding):
    rows = [("kunta", "ikä", "tulot")] + [(("Åbo", "Hämeenlinna", "Espoo")[i % 3], str(i % 90),
                                          f"{i}.5") for i in range(60_000)]
    path = _write(tmp_path / "c.csv", rows, delim, encoding)
    calls = []
    reported = read_csv(path, progress=lambda *a: calls.append(a))
    pd.testing.assert_frame_equal(reported, read_table(path))
    size = path.stat().st_size
    assert size > 3 * 256 * 1024  # several blocks
    assert calls[0] == (0, size, 0) and calls[-1] == (size, size, 60_000)
    assert len(calls) >= 5 and 0 < calls[1][0] < size and 0 < calls[1][2] < 60_000
    assert all(a[0] <= b[0] and a[1] == size for a, b in itertools.pairwise(calls))
    assert read_table(path, progress=lambda *a: None).equals(reported)  # passed on
    empty = _write(tmp_path / "e.csv", rows[:1], delim, encoding)
    assert list(read_table(empty, progress=lambda *a: None).columns) == list(rows[0])


def test_an_exception_from_progress_stops_the_read_at_once(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(200_000)), encoding="utf-8")
    calls = []

    def progress(done, total, lines):
        calls.append(done)
        if done > 0:
            raise _Stop

    with pytest.raises(_Stop):
        read_csv(path, progress=progress)
    assert len(calls) == 2 and calls[1] < path.stat().st_size / 4  # the rest never read


def test_read_with_progress_still_names_a_bad_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n" + "1,2\n" * 100_000 + "3,4,5\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_csv(path, progress=lambda *a: None)
    assert info.value.problems[0].location == "line 100002"


@pytest.mark.parametrize("chunked", [False, True])
def test_one_field_too_many_on_every_row_is_an_error(tmp_path, chunked):
    """pandas would quietly take the first column as the row labels and shift every value."""
    path = tmp_path / "shift.csv"
    path.write_text("a,b,c\n1,2,3,4\n5,6,7,8\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_csv(path, progress=(lambda *a: None) if chunked else None)
    problem = info.value.problems[0]
    assert problem.code == "data_wrong_fields" and problem.location == "line 2"


def test_sample_and_memory_estimate(tmp_path):
    path = _write(tmp_path / "d.csv", ROWS, ";", "cp1252")
    sample = read_sample(path, 2)
    assert list(sample["kunta"]) == ["Hämeenlinna", "Åbo"]
    assert memory_estimate(path) == path.stat().st_size
    frame = pd.DataFrame({"x": ["same text"] * 50_000})
    pq = tmp_path / "d.parquet"
    frame.to_parquet(pq)
    assert memory_estimate(pq) > pq.stat().st_size  # compressed on disk
    assert list(read_sample(pq, 3)["x"]) == ["same text"] * 3


def test_an_interrupted_query_is_not_reported_as_a_bad_file(tmp_path):
    """The app's Cancel interrupts DuckDB; that must surface as an interruption, not as a
    complaint about the file."""
    import duckdb

    from hrk_workbench.disclosure.loading import duckdb_table

    data = tmp_path / "p.csv"
    data.write_text("age,sex\n30,F\n41,M\n", encoding="utf-8")
    with pytest.raises(duckdb.InterruptException), duckdb_table(data, ["age", "sex"]) as con:
        assert con.execute("SELECT count(*) FROM data").fetchone() == (2,)
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
    seen = []
    measure_file(data, ["age", "sex"], on_connection=seen.append)
    assert len(seen) == 1 and hasattr(seen[0], "interrupt")
