"""Issue 23: the labs' results bind the recommendation (points 1, 3 and 5).

A data-protection officer found that a risk-lab result could say one thing and the
recommendation another: a henkilötunnus column relabelled "other" opened, keyed pseudonyms
opened, and the lab gave numbers without a verdict. Every test here goes through the command
line (or the Risk lab page) on real files and failed on the code before the fix.
"""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from helpers import ALL_NO, EXAMPLES, make

from hrk_workbench.cli.program import main
from hrk_workbench.model.assessment import Assessment
from hrk_workbench.model.store import load_assessment, save_assessment

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HIGH = {"B1": 3, "B2": 3, "B3": 3, "B4": 3}
SAFE_UNIT = {"A1": "no", "A2": "no", "A3": "no", "A5": "no", "A9": "no"}
KEY = "a-long-and-random-pseudonymisation-key-123"
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu(rng: random.Random) -> str:
    """A valid henkilötunnus (correct check character) for a person born 1950-1999."""
    dd, mm, yy, zzz = rng.randint(1, 28), rng.randint(1, 12), rng.randint(50, 99), \
        rng.randint(2, 899)
    body = f"{dd:02d}{mm:02d}{yy:02d}"
    return f"{body}-{zzz:03d}{CHECK[int(body + f'{zzz:03d}') % 31]}"


def personal_unit(anon: dict[str, Any] | None = None, **dataset: Any) -> Assessment:
    """Complete personal unit data that opens (benefit high, low risks) unless a rule stops it."""
    return make(gates=ALL_NO, benefits=HIGH, risks={"R1": (1, 2), "R2": (1, 2)},
                personal_data=True, granularity="unit",
                anonymisation={**SAFE_UNIT, **(anon or {})}, **dataset)


def saved(a: Assessment, path: Path) -> Path:
    save_assessment(a, path, author="test")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def score(capsys: pytest.CaptureFixture[str], path: Path, lang: str = "en") -> dict[str, Any]:
    code, out, _ = run(capsys, "score", path, "--json", "--lang", lang)
    assert code == 0
    return json.loads(out)


def codes(r: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [x["params"] for x in r["reason_codes"] if x["code"] == code]


def persons_csv(path: Path, n: int = 400, *, with_hetu: bool = True, seed: int = 3) -> Path:
    """Persons with a neutrally named henkilötunnus column (found by its values), two coarse
    key variables that keep every class at 5 or more, and a diagnosis."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow([*(["tunniste"] if with_hetu else []), "sex", "region", "diagnosis"])
        for _ in range(n):
            w.writerow([*([hetu(rng)] if with_hetu else []), rng.choice("FM"),
                        rng.choice(["North", "South"]), rng.choice(["E11", "I10", "J45"])])
    return path


# --- point 1: a direct identifier in the measured file blocks open ------------------------

def test_henkilotunnus_in_the_file_blocks_open_even_when_relabelled_other(tmp_path, capsys):
    target = saved(personal_unit({"A2": "yes"}), tmp_path / "a.hrk.json")
    data = persons_csv(tmp_path / "persons.csv")
    assert run(capsys, "risk", data, "--key", "sex,region", "--save", target)[0] == 0
    a = load_assessment(target)
    assert a.risk_lab is not None and a.risk_lab.k >= 5
    assert "tunniste" in a.risk_lab.columns
    entry = next(e for e in a.risk_lab.dictionary if e.column == "tunniste")
    assert (entry.detected_role, entry.detected_basis) == ("direct", "henkilotunnus")

    # the steward relabels the column "other" by hand and measures again
    raw = json.loads(target.read_text(encoding="utf-8"))
    for e in raw["risk_lab"]["dictionary"]:
        if e["column"] == "tunniste":
            e["role"] = "other"
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "risk", data, "--key", "sex,region", "--save", target)[0] == 0
    entry = next(e for e in load_assessment(target).risk_lab.dictionary
                 if e.column == "tunniste")
    assert entry.role == "other" and entry.detected_role == "direct"

    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation"
    assert codes(r, "lab_direct_identifier")[0]["column"] == ["tunniste"]
    assert "lab_remove_direct" in r["conditions"]
    assert any("tunniste" in t for t in r["reasons"])
    texts = {lang: score(capsys, target, lang)["conditions_text"] for lang in ("en", "fi", "sv")}
    assert len({json.dumps(t) for t in texts.values()}) == 3
    assert all(any("tunniste" in t for t in ts) for ts in texts.values())


def test_the_same_file_without_the_identifier_opens(tmp_path, capsys):
    target = saved(personal_unit({"A2": "yes"}), tmp_path / "a.hrk.json")
    data = persons_csv(tmp_path / "persons.csv", with_hetu=False)
    # HRK-METHOD rev. 3: the sensitive diagnosis needs its l measured too
    assert run(capsys, "risk", data, "--key", "sex,region", "--save", target)[0] == 0
    assert score(capsys, target)["recommendation"] == "open_after_mitigation"
    assert run(capsys, "risk", data, "--key", "sex,region", "--sensitive", "diagnosis",
               "--save", target)[0] == 0
    r = score(capsys, target)
    assert r["recommendation"] == "open"
    assert not codes(r, "lab_direct_identifier")


@pytest.mark.parametrize(("column", "values"), [
    ("email", lambda i, rng: f"person{i}@example.fi"),
    ("nimi", lambda i, rng: rng.choice(["Anna", "Pekka", "Liisa"])),
    ("yritys", lambda i, rng: "0737546-2"),  # a Y-tunnus, by its check digit
    ("pnr", lambda i, rng: "811218-9876"),  # a personnummer, by its Luhn digit
])
def test_other_direct_identifiers_block_open(tmp_path, capsys, column, values):
    rng = random.Random(5)
    data = tmp_path / "d.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow([column, "sex", "region"])
        for i in range(200):
            w.writerow([values(i, rng), rng.choice("FM"), rng.choice(["N", "S"])])
    target = saved(personal_unit({"A2": "yes"}), tmp_path / "a.hrk.json")
    assert run(capsys, "risk", data, "--key", "sex,region", "--save", target)[0] == 0
    r = score(capsys, target)
    assert r["recommendation"] != "open"
    assert codes(r, "lab_direct_identifier")[0]["column"] == [column]


def people_csv(path: Path, n: int = 600) -> Path:
    rng = random.Random(11)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["name", "person_id", "age", "sex", "municipality", "diagnosis"])
        for i in range(n):
            w.writerow([f"Person {i}", f"ID{i:05d}", rng.randint(18, 94), rng.choice("FM"),
                        rng.choice(["091", "049", "092"]), rng.choice(["E11", "I10", "J45"])])
    return path


def recipe_file(path: Path, steps: list[dict[str, Any]], **extra: Any) -> Path:
    path.write_text(json.dumps({"format": "hrk-puf-recipe", "version": 1,
                                "key_variables": ["age", "sex", "municipality"],
                                "sensitive": ["diagnosis"], "steps": steps, **extra}),
                    encoding="utf-8")
    return path


PROTECT = [{"op": "band", "column": "age", "width": 20}, {"op": "suppress", "k": 5}]


def test_keyed_pseudonyms_in_the_public_file_never_open(tmp_path, capsys):
    data = people_csv(tmp_path / "people.csv")
    key = tmp_path / "key.txt"
    key.write_text(KEY, encoding="utf-8")
    target = saved(personal_unit({"A1": "yes", "A2": "yes"}), tmp_path / "a.hrk.json")
    recipe = recipe_file(tmp_path / "r.json", [
        {"op": "remove_direct_identifiers", "columns": ["name"]},
        {"op": "pseudonymise", "columns": ["person_id"]}, *PROTECT])
    code, out, _ = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                       "--key-file", key, "--save", target, "--json")
    assert code == 0 and json.loads(out)["still_personal_data"] is True
    lab = load_assessment(target).risk_lab
    assert lab.still_personal and lab.k >= 5 and "person_id" in lab.columns
    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation"
    assert codes(r, "lab_still_personal")[0]["column"] == ["person_id"]
    assert "lab_drop_pseudonyms" in r["conditions"]
    assert not codes(r, "lab_direct_identifier")  # a pseudonym is not an identifier in clear

    # the same protection without the pseudonyms opens
    recipe = recipe_file(tmp_path / "r2.json", [
        {"op": "remove_direct_identifiers", "columns": ["name", "person_id"]}, *PROTECT])
    assert run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o2.csv",
               "--save", target)[0] == 0
    r = score(capsys, target)
    assert r["recommendation"] == "open", r["reasons"]
    assert not load_assessment(target).risk_lab.still_personal


def test_pseudonymised_longitudinal_data_needs_trajectories_measured_after_protection(
        tmp_path, capsys):
    target = saved(personal_unit({"A5": "yes"}, longitudinal=True), tmp_path / "a.hrk.json")
    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation"
    assert codes(r, "lab_trajectories_unmeasured")
    assert "lab_measure_trajectories" in r["conditions"]

    # a panel protected with person and time in the recipe: measured again after protection
    rng = random.Random(2)
    data = tmp_path / "panel.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["person", "year", "sex", "region"])
        for p in range(120):
            sex, region = rng.choice("FM"), rng.choice(["N", "S"])
            for year in (2022, 2023, 2024):
                w.writerow([f"P{p:04d}", year, sex, region])
    key = tmp_path / "key.txt"
    key.write_text(KEY, encoding="utf-8")
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"key_variables": ["sex", "region"], "person": "person",
                                  "time": "year", "steps": [
                                      {"op": "pseudonymise", "columns": ["person"]}]}),
                      encoding="utf-8")
    assert run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
               "--key-file", key, "--save", target)[0] == 0
    lab = load_assessment(target).risk_lab
    assert lab.protected and lab.unique_trajectory_share is not None
    assert (lab.person, lab.time) == ("person", "year")
    r = score(capsys, target)
    assert not codes(r, "lab_trajectories_unmeasured")
    assert r["recommendation"] != "open"  # the pseudonyms themselves still keep it closed


# --- point 3: the verdict -------------------------------------------------------------------

def classes_csv(path: Path, smallest: int, *, unique_age: bool = False) -> Path:
    """sex x region classes, the smallest with ``smallest`` records, the others 20."""
    rows = []
    for sex in "FM":
        for region in ("N", "S", "E"):
            n = smallest if (sex, region) == ("F", "N") else 20
            rows += [[sex, region]] * n
    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["sex", "region", "age"])
        for i, row in enumerate(rows):
            w.writerow([*row, 20 + i if unique_age else 40])
    return path


def test_risk_verdict_at_k5_and_at_the_special_category_threshold(tmp_path, capsys):
    data = classes_csv(tmp_path / "c.csv", smallest=6)
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json")
    v = json.loads(out)["verdict"]
    assert code == 0 and v["safe_k5"] is True and v["safe_threshold"] is None
    assert "verdict_no_assessment" in [c["code"] for c in v["reason_codes"]]

    special = saved(personal_unit({"A3": "yes"}), tmp_path / "s.hrk.json")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                       "--assessment", special, "--not-identifying", "age")
    v = json.loads(out)["verdict"]
    assert (v["safe_k5"], v["threshold"], v["safe_threshold"]) == (True, 10, False)
    assert v["threshold_basis"] == ["verdict_threshold_special"]
    unsafe = next(c for c in v["reason_codes"] if c["code"] == "verdict_unsafe_threshold")
    assert unsafe["params"] == {"k": 6, "threshold": 10, "records": 6}
    assert v["next_step"] == "verdict_next_suppress"

    # age, a quasi-identifier by its name, left out of the keys: a hole in the measure
    # (HRK-METHOD rev. 3) until it is measured or marked not identifying
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                       "--assessment", special)
    v = json.loads(out)["verdict"]
    assert v["safe"] is False and v["next_step"] == "verdict_next_unmeasured"
    assert v["reason_codes"][0] == {"code": "verdict_unmeasured_quasi",
                                    "params": {"column": ["age"], "k": 6}}
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--assessment", special,
                       "--lang", "fi")
    assert "Arvio:" in out and "Ei turvallinen tämän arvioinnin kynnyksellä k ≥ 10" in out
    assert "Turvallinen tasolla k ≥ 5" in out


def test_risk_verdict_names_the_variable_causing_uniques(tmp_path, capsys):
    data = classes_csv(tmp_path / "c.csv", smallest=6, unique_age=True)
    plain = saved(personal_unit(), tmp_path / "p.hrk.json")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region,age", "--json",
                       "--assessment", plain)
    v = json.loads(out)["verdict"]
    assert (v["safe_k5"], v["threshold"], v["safe_threshold"]) == (False, 5, False)
    assert v["causes"] == ["age"]
    assert v["next_step"] == "verdict_next_recode"
    assert len(v["text"]) == len(v["reason_codes"])
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region,age", "--lang", "sv")
    assert code == 0
    assert "Bedömning:" in out and "Inte säker vid k ≥ 5" in out and "age" in out


def test_grid_threshold_is_50(tmp_path, capsys):
    data = classes_csv(tmp_path / "c.csv", smallest=12)
    grid = saved(personal_unit({"A8": "grid"}), tmp_path / "g.hrk.json")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                       "--assessment", grid)
    assert code == 0
    v = json.loads(out)["verdict"]
    assert (v["threshold"], v["safe_threshold"]) == (50, False)
    assert "verdict_unsafe_threshold_k" in [c["code"] for c in v["reason_codes"]]


def test_loss_report_has_no_means_of_codes(tmp_path, capsys):
    rng = random.Random(4)
    data = tmp_path / "d.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["x", "postinumero", "luokka", "tol", "sex", "salary"])
        for _ in range(300):
            w.writerow([rng.choice(["091", "049", "092"]), rng.choice(["00100", "33100"]),
                        rng.choice(["101", "205", "309"]), rng.choice(["4711", "6201"]),
                        rng.choice("FM"), rng.randint(1500, 6000)])
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"key_variables": ["sex", "x"], "steps": [
        {"op": "suppress", "k": 5}]}), encoding="utf-8")
    code, out, _ = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                       "--json")
    assert code == 0
    variables = json.loads(out)["loss"]["variables"]
    for column in ("x", "postinumero", "luokka", "tol", "sex"):
        assert variables[column]["numeric"] is None, column
    assert variables["salary"]["numeric"]["mean"]["before"] is not None


# --- point 5: HVD breaches are conditions ---------------------------------------------------

def hvd(**publication: Any) -> Assessment:
    a = make(gates=ALL_NO, benefits=HIGH, risks={"R1": (1, 2)}, personal_data=False,
             hvd_category="statistics")
    for where, value in publication.items():
        section, _, field = where.partition("__")
        if section == "api":
            setattr(a.publication.api, field, value)
    return a


def test_hvd_breaches_are_listed_as_conditions(tmp_path, capsys, forms):
    a = hvd(api__endpoint_url="https://api.example.fi/v1")
    a.licence.licence_id = "CC-BY-SA-4.0"
    path = saved(a, tmp_path / "h.hrk.json")
    r = score(capsys, path)
    assert r["recommendation"] == "open"
    assert {"hvd_breach_licence", "hvd_breach_no_bulk"} <= set(r["conditions"])
    assert "hvd_breach_no_api" not in r["conditions"]
    for lang in ("en", "fi", "sv"):
        texts = score(capsys, path, lang)["conditions_text"]
        assert any("CC-BY-4.0" in t for t in texts), (lang, texts)

    assert main(["set", str(path), "publication.api.endpoint_url=", "channel.CH3.value=no",
                 "licence.licence_id=CC-BY-4.0",
                 "publication.distributions.CSV.download_url=https://data.example.fi/a.csv"]
                ) == 0
    r = score(capsys, path)
    assert [c for c in r["conditions"] if c.startswith("hvd_")] == ["hvd_breach_no_api"]


def test_air_quality_example_has_no_hvd_breach(capsys):
    r = score(capsys, EXAMPLES / "air-quality.hrk.json")
    assert not [c for c in r["conditions"] if c.startswith("hvd_")]


# --- puf follows --lang ---------------------------------------------------------------------

def test_puf_messages_follow_lang(tmp_path, capsys):
    data = people_csv(tmp_path / "people.csv")
    target = saved(personal_unit({"A1": "yes", "A2": "yes"}), tmp_path / "a.hrk.json")
    recipe = recipe_file(tmp_path / "r.json", [
        {"op": "remove_direct_identifiers", "columns": ["name", "person_id"]}, *PROTECT])
    code, out, err = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                         "--save", target, "--lang", "sv")
    assert code == 0
    assert "Skrev" in out and "Bedömning:" in out
    assert "risk_lab sparad" in err and "saved" not in err
    code, out, err = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                         "--save", target, "--lang", "fi")
    assert "Kirjoitettiin" in out and "risk_lab tallennettu" in err


# --- the Risk lab page shows the verdict ----------------------------------------------------

def measured_page(qtbot, forms, a: Assessment, lang: str, data: Path, other: str) -> Any:
    """The Risk lab page with ``data`` loaded and measured on the keys sex and region
    (``other`` given no role), as a steward does it."""
    pytest.importorskip("PySide6")
    from hrk_workbench.gui.document import Document
    from hrk_workbench.gui.pages.risklab import RiskLabPage

    page = RiskLabPage(Document(forms, a, lang=lang))
    qtbot.addWidget(page)
    page.show()
    page.load_file(data)
    qtbot.waitUntil(lambda: page.result is not None and not page.busy()
                    and not page._timer.isActive(), timeout=15_000)
    for column in ("sex", "region"):
        page.set_role(column, "quasi")
    page.set_role(other, "other")
    page.recompute()
    qtbot.waitUntil(lambda: not page.busy() and page.result is not None
                    and page.result.before is not None
                    and page.result.before.key_variables == ("sex", "region"),
                    timeout=15_000)
    return page


def test_risk_lab_page_shows_the_verdict_with_an_accessible_name(tmp_path, capsys, forms,
                                                                 qtbot):
    data = classes_csv(tmp_path / "c.csv", smallest=6)
    a = personal_unit({"A3": "yes"})
    page = measured_page(qtbot, forms, a, "fi", data, other="age")
    label = page.verdict_label
    assert label.isVisible()
    assert label.accessibleName() == "Arvio paljastumisriskistä"
    saved_a = saved(a, tmp_path / "s.hrk.json")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                       "--assessment", saved_a, "--lang", "fi")
    assert code == 0
    assert label.text() == "\n".join(json.loads(out)["verdict"]["text"])
    assert "k ≥ 10" in label.text()


# --- findings of an independent check: the flag, the share, the threshold, the verdict ----

def test_a_pseudonym_dropped_later_is_not_kept_and_a_saved_flag_is_honoured(tmp_path, capsys):
    data = people_csv(tmp_path / "people.csv")
    key = tmp_path / "key.txt"
    key.write_text(KEY, encoding="utf-8")
    target = saved(personal_unit({"A1": "yes", "A2": "yes"}), tmp_path / "a.hrk.json")
    recipe = recipe_file(tmp_path / "r.json", [
        {"op": "remove_direct_identifiers", "columns": ["name"]},
        {"op": "pseudonymise", "columns": ["person_id"]},
        {"op": "drop", "columns": ["person_id"]}, *PROTECT])
    code, out, _ = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                       "--key-file", key, "--save", target, "--json")
    report = json.loads(out)
    assert code == 0 and report["still_personal_data"] is False and report["notes"] == []
    assert report["verdict"]["safe"] is True
    assert score(capsys, target)["recommendation"] == "open"
    # a saved result that says the file is still personal data is never overruled
    raw = json.loads(target.read_text(encoding="utf-8"))
    raw["risk_lab"]["still_personal"] = True
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation" and codes(r, "lab_still_personal")


def test_unique_trajectories_measured_again_still_block_open(tmp_path, capsys):
    """Measured again after protection is not enough: if persons are still alone in their
    sequence of records, the file does not open (and the verdict says not safe)."""
    rng = random.Random(4)
    data = tmp_path / "panel.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["pid", "year", "sex", "region", "status"])
        for p in range(150):  # people move: the sequence of regions singles most out
            sex = rng.choice("FM")
            for year in (2022, 2023, 2024):
                w.writerow([f"X{p:04d}", year, sex, rng.choice("NSEW"), rng.choice("ABCD")])
    target = saved(personal_unit({"A5": "yes"}, longitudinal=True), tmp_path / "a.hrk.json")
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps({"key_variables": ["sex", "region"], "person": "pid",
                                  "time": "year", "steps": [
                                      {"op": "drop", "columns": ["status"]}]}),
                      encoding="utf-8")
    code, out, _ = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                       "--save", target, "--json", "--lang", "fi")
    assert code == 0
    lab = load_assessment(target).risk_lab
    assert lab.protected and lab.unique_trajectory_share and lab.unique_trajectory_share > 0.1
    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation"
    share = round(100 * lab.unique_trajectory_share, 1)
    assert codes(r, "lab_trajectories_unique") == [{"share": share, "file": "o.csv"}]
    assert "lab_break_trajectories" in r["conditions"]
    verdict = json.loads(out)["verdict"]
    assert verdict["safe"] is False
    assert verdict["next_step"] in ("verdict_next_break_trajectories",
                                    "verdict_next_remove_direct")
    assert any("yksilöllinen tietueiden sarja" in t for t in verdict["text"])


def test_a_file_below_the_special_category_threshold_does_not_open(tmp_path, capsys):
    """The verdict says "not safe at k >= 10" for special-category data; the recommendation
    agrees (it used to check k >= 5 only)."""
    data = classes_csv(tmp_path / "c.csv", smallest=6)
    target = saved(personal_unit({"A3": "yes", "A10": "yes"}), tmp_path / "s.hrk.json")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--save", target,
                       "--json")
    assert code == 0 and json.loads(out)["verdict"]["safe_threshold"] is False
    r = score(capsys, target)
    assert r["recommendation"] == "open_after_mitigation"
    assert codes(r, "measured_k_too_small") == [{"k": 6, "min_group": 10}]


def test_the_verdict_is_not_safe_while_the_file_holds_identifiers(tmp_path, capsys):
    """k counts the keys only: a file with henkilötunnus (a fifth of them valid, the rest
    placeholders, in a column with a neutral name) is never "safe", in any language."""
    rng = random.Random(8)
    data = tmp_path / "p.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["koodi", "sex", "region"])
        for i in range(300):
            w.writerow([hetu(rng) if i % 3 == 0 else "tuntematon", rng.choice("FM"),
                        rng.choice(["N", "S"])])
    for lang, said in (("en", "still holds direct identifiers (koodi)"),
                       ("fi", "yhä suoria tunnisteita (koodi)"),
                       ("sv", "fortfarande direkta identifierare (koodi)")):
        code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                           "--lang", lang)
        v = json.loads(out)["verdict"]
        assert code == 0 and v["safe_k5"] is True
        assert v["safe"] is False and v["direct_identifiers"] == ["koodi"]
        assert v["next_step"] == "verdict_next_remove_direct"
        assert said in v["text"][0]
    target = saved(personal_unit({"A2": "yes"}), tmp_path / "a.hrk.json")
    assert run(capsys, "risk", data, "--key", "sex,region", "--save", target)[0] == 0
    assert codes(score(capsys, target), "lab_direct_identifier")[0]["column"] == ["koodi"]
    # and the saved dictionary (so the Table Schema) keeps the detected role
    entry = next(e for e in load_assessment(target).risk_lab.dictionary if e.column == "koodi")
    assert (entry.role, entry.detected_role) == ("direct", "direct")


def test_puf_save_gives_an_unnamed_column_its_detected_role(tmp_path, capsys):
    rng = random.Random(9)
    data = tmp_path / "p.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["tunniste", "age", "sex", "municipality", "diagnosis"])
        for _ in range(300):
            w.writerow([hetu(rng), rng.randint(20, 80), rng.choice("FM"),
                        rng.choice(["091", "049"]), rng.choice(["E11", "I10"])])
    target = saved(personal_unit({"A2": "yes"}), tmp_path / "a.hrk.json")
    recipe = recipe_file(tmp_path / "r.json", PROTECT)
    code, out, _ = run(capsys, "puf", data, "--recipe", recipe, "-o", tmp_path / "o.csv",
                       "--save", target, "--json")
    assert code == 0 and json.loads(out)["verdict"]["direct_identifiers"] == ["tunniste"]
    entry = next(e for e in load_assessment(target).risk_lab.dictionary
                 if e.column == "tunniste")
    assert (entry.role, entry.detected_basis) == ("direct", "henkilotunnus")
    schema = tmp_path / "schema.json"
    assert run(capsys, "dictionary", target, "-o", schema)[0] == 0
    field = next(f for f in json.loads(schema.read_text())["fields"] if f["name"] == "tunniste")
    assert field["hrk:role"] == "direct"


def test_risk_lab_page_verdict_names_the_identifiers_as_the_command_does(tmp_path, capsys,
                                                                         forms, qtbot):
    data = persons_csv(tmp_path / "p.csv")  # tunniste: henkilötunnus, not a key
    a = personal_unit({"A2": "yes"})
    page = measured_page(qtbot, forms, a, "sv", data, other="diagnosis")
    code, out, _ = run(capsys, "risk", data, "--key", "sex,region", "--json",
                       "--assessment", saved(a, tmp_path / "a.hrk.json"), "--lang", "sv")
    verdict = json.loads(out)["verdict"]
    assert code == 0 and verdict["direct_identifiers"] == ["tunniste"]
    assert page.verdict_label.text() == "\n".join(verdict["text"])
    assert "direkta identifierare (tunniste)" in page.verdict_label.text()
