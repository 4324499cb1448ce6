"""The assessment file: round trips, precise validation errors, atomic saves, change log."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from helpers import make
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrk_workbench.decision.check import check_against_forms
from hrk_workbench.decision.summary import summarise
from hrk_workbench.forms.schema import RECOMMENDATIONS
from hrk_workbench.foundations.problems import has_errors
from hrk_workbench.model.assessment import (
    SCHEMA_VERSION,
    Answer,
    Assessment,
    BenefitAnswer,
    Change,
    ChangeLogEntry,
    Contact,
    CostLine,
    Costs,
    DatasetDescription,
    Decision,
    GateAnswer,
    LicenceChoice,
    Participant,
    QualityAnswer,
    RiskAnswer,
    TemporalCoverage,
)
from hrk_workbench.model.store import (
    AssessmentFileError,
    dumps,
    load_assessment,
    parse_assessment,
    save_assessment,
    write_assessment,
)

# --- strategies for any valid assessment ----------------------------------------------------

# any text the model keeps: no control characters but tab, LF and CR (model/text.py refuses
# them; test_issue23_hostile.py checks that), no lone surrogates
text = st.text(st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n\r",
                              exclude_characters="\ufffe\uffff"),
               max_size=20)
langs = st.sampled_from(["en", "fi", "sv", "se"])
local_text = st.dictionaries(langs, text, max_size=3)
qid = st.from_regex(r"[A-Z][A-Z0-9_]{0,3}", fullmatch=True)
money = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
small = st.none() | st.integers(min_value=0, max_value=9)
utc_times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                         timezones=st.just(UTC))
values = (st.none() | text | st.integers(-10**6, 10**6)
          | st.floats(allow_nan=False, allow_infinity=False) | st.lists(text, max_size=3))

datasets = st.builds(
    DatasetDescription,
    title=local_text, description=local_text, publisher=text,
    contact=st.builds(Contact, name=text, email=text),
    keywords=st.dictionaries(langs, st.lists(text, max_size=3), max_size=3),
    themes=st.lists(st.sampled_from(["TRAN", "ENVI", "SOCI"]), max_size=2),
    temporal_coverage=st.builds(TemporalCoverage, start=st.none() | st.dates(),
                                end=st.none() | st.dates()),
    update_frequency=st.none() | st.sampled_from(["ANNUAL", "DAILY"]),
    size_mb=st.none() | money, record_count=st.none() | st.integers(0, 10**12),
    personal_data=st.none() | st.booleans(),
    granularity=st.none() | st.sampled_from(["unit", "aggregated"]),
    longitudinal=st.none() | st.booleans(),
    hvd_category=st.none() | st.sampled_from(["statistics", "mobility"]),
    use_cases=local_text,
)
assessments = st.builds(
    Assessment,
    id=st.uuids().map(str),
    created=utc_times,
    language=st.sampled_from(["en", "fi", "sv"]),
    dataset=datasets,
    participants=st.lists(st.builds(Participant, name=text, email=text,
                                    roles=st.lists(st.sampled_from(["data_steward",
                                                                    "it_expert"]))),
                          max_size=3),
    gates=st.dictionaries(qid, st.builds(GateAnswer, value=st.none() | st.sampled_from(
        ["yes", "no", "unknown"]), comment=text), max_size=4),
    benefits=st.dictionaries(qid, st.builds(BenefitAnswer, value=small, comment=text),
                             max_size=9),
    risks=st.dictionaries(qid, st.builds(RiskAnswer, likelihood=small, impact=small,
                                         mitigation=text, residual_likelihood=small,
                                         residual_impact=small, owner=text), max_size=9),
    costs=st.builds(Costs, day_rate_eur=st.none() | st.floats(1, 5000),
                    lines=st.dictionaries(qid, st.builds(
                        CostLine, one_off_days=money, one_off_eur=money, yearly_days=money,
                        yearly_eur=money, comment=text), max_size=9)),
    anonymisation=st.dictionaries(qid, st.builds(Answer, value=values, comment=text),
                                  max_size=5),
    channel=st.dictionaries(qid, st.builds(Answer, value=values), max_size=5),
    quality=st.dictionaries(qid, st.builds(QualityAnswer, rating=small,
                                           weaknesses=local_text), max_size=11),
    licence=st.builds(LicenceChoice, licence_id=st.none() | st.sampled_from(["CC-BY-4.0",
                                                                             "CC0-1.0"]),
                      disclaimer=local_text),
    decision=st.builds(Decision, outcome=st.none() | st.just("open"), decided_by=text,
                       date=st.none() | st.dates(), residual_risks_accepted=st.lists(qid),
                       conditions=text),
    change_log=st.lists(st.builds(ChangeLogEntry, at=utc_times, by=text, changes=st.lists(
        st.builds(Change, path=text, old=values, new=values), max_size=3)), max_size=3),
)

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(assessments)
def test_write_then_load_round_trips_unchanged(tmp_path, a):
    path = tmp_path / "a.hrk.json"
    write_assessment(a, path)
    assert load_assessment(path) == a
    assert path.read_text(encoding="utf-8") == dumps(a)  # deterministic bytes


@PROPERTY
@given(assessments)
def test_save_then_load_gives_what_save_returned(tmp_path, a):
    path = tmp_path / "a.hrk.json"
    path.unlink(missing_ok=True)
    saved = save_assessment(a, path, author="tester")
    assert load_assessment(path) == saved
    assert saved.model_copy(update={"change_log": a.change_log}) == a
    assert len(saved.change_log) in (len(a.change_log), len(a.change_log) + 1)


@PROPERTY
@given(assessments, st.data())
def test_truncated_file_is_a_validation_error(a, data):
    text = dumps(a).rstrip()
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    with pytest.raises(AssessmentFileError) as exc:
        parse_assessment(text[:cut], "cut.hrk.json")
    assert exc.value.problems
    assert all(line.startswith("cut.hrk.json: ") for line in exc.value.lines())


@PROPERTY
@given(assessments, st.data())
def test_corrupted_file_is_scored_or_refused_never_crashes(forms, a, data):
    """Every damaged file has one of two outcomes: refused with located, coded problems, or
    read, checked and scored with finite numbers and a known recommendation."""
    raw = bytearray(dumps(a).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 5))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    try:
        parsed = parse_assessment(bytes(raw), "bad.hrk.json")
    except AssessmentFileError as exc:
        assert exc.problems
        assert all(p.location and p.code for p in exc.problems)
        assert all(line.startswith("bad.hrk.json: ") for line in exc.lines())
        return
    _scores_finitely(parsed, forms)


def _scores_finitely(parsed: Assessment, forms) -> None:
    problems = check_against_forms(parsed, forms)
    if has_errors(problems):
        assert all(p.code for p in problems)
        return
    result = summarise(parsed, forms).to_json(forms, "fi")
    json.dumps(result, allow_nan=False)  # raises on inf or nan anywhere in the output
    assert result["recommendation"] in RECOMMENDATIONS


EXTREME = (st.floats() | st.sampled_from([1e308, -1e308, 1e306, 1e400, float("nan"),
                                          float("inf"), float("-inf"), 5e-324, 1e9, 1e9 + 1])
           | st.integers(-10**400, 10**400))
NUMBER_FIELDS = {
    "costs.lines.C1.one_off_eur": ("costs", "lines", "C1", "one_off_eur"),
    "costs.lines.C1.yearly_eur": ("costs", "lines", "C1", "yearly_eur"),
    "costs.lines.C1.one_off_days": ("costs", "lines", "C1", "one_off_days"),
    "costs.lines.C9.yearly_days": ("costs", "lines", "C9", "yearly_days"),
    "costs.day_rate_eur": ("costs", "day_rate_eur"),
    "dataset.size_mb": ("dataset", "size_mb"),
    "dataset.record_count": ("dataset", "record_count"),
    "anonymisation.A1.value": ("anonymisation", "A1", "value"),
}


@PROPERTY
@given(st.sampled_from(sorted(NUMBER_FIELDS)), EXTREME)
def test_extreme_numbers_are_refused_at_their_path_or_scored_finitely(forms, path, value):
    """1e308, NaN, infinities and huge integers, as a hand-edited file may hold them."""
    doc: dict = {"schema_version": 1}
    node = doc
    *parents, leaf = NUMBER_FIELDS[path]
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    text = json.dumps(doc)  # writes NaN and Infinity as Python's json does
    try:
        parsed = parse_assessment(text, "x.hrk.json")
    except AssessmentFileError as exc:
        assert [p.location for p in exc.problems] == [path]
        return
    _scores_finitely(parsed, forms)


@PROPERTY
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_are_rejected_cleanly(raw):
    with pytest.raises(AssessmentFileError):
        parse_assessment(raw, "noise")


# --- precise validation errors --------------------------------------------------------------

def _problems(doc: dict) -> list[tuple[str, str]]:
    with pytest.raises(AssessmentFileError) as exc:
        parse_assessment(json.dumps(doc), "x.hrk.json")
    return [(p.location, p.expected) for p in exc.value.problems]


def _doc(**parts) -> dict:
    return {**json.loads(dumps(make())), **parts}


def test_every_problem_is_reported_with_its_path():
    problems = _problems(_doc(
        risks={"R1": {"likelihood": "three", "impact": 4}},
        benefits={"B2": {"value": 1.5}},
        gates={"G1": {"value": "maybe"}},
        colour="red",
    ))
    locations = dict(problems)
    assert locations["risks.R1.likelihood"] == "a whole number"
    assert "benefits.B2.value" in locations
    assert "'yes', 'no' or 'unknown'" in locations["gates.G1.value"]
    assert locations["colour"] == "no such field"


def test_negative_cost_and_bad_date_are_reported():
    doc = _doc(costs={"lines": {"C1": {"one_off_eur": -5}}})
    doc["decision"]["date"] = "31.12.2025"
    locations = dict(_problems(doc))
    assert locations["costs.lines.C1.one_off_eur"] == "a number >= 0"
    assert "decision.date" in locations


def test_truncated_file_says_where_and_what():
    text = dumps(make(title={"en": "x"}))
    with pytest.raises(AssessmentFileError) as exc:
        parse_assessment(text[:40], "cut.hrk.json")
    [p] = exc.value.problems
    assert p.location.startswith("line ")
    assert "cut short" in p.expected


def test_newer_schema_version_is_refused_with_advice():
    problems = _problems(_doc(schema_version=SCHEMA_VERSION + 1))
    assert problems == [("schema_version", "update HRK Workbench to open this file")]


@pytest.mark.parametrize("doc", [[], "text", 3])
def test_document_must_be_an_object(doc):
    assert _problems(doc) == [("$", "a JSON object")]  # type: ignore[arg-type]


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(AssessmentFileError, match="file not found"):
        load_assessment(tmp_path / "none.hrk.json")
    (tmp_path / "empty.hrk.json").write_bytes(b"")
    with pytest.raises(AssessmentFileError, match="empty"):
        load_assessment(tmp_path / "empty.hrk.json")
    (tmp_path / "latin.hrk.json").write_bytes('{"a": "\xe4"}'.encode("latin-1"))
    with pytest.raises(AssessmentFileError, match="not UTF-8"):
        load_assessment(tmp_path / "latin.hrk.json")


# --- atomic save ----------------------------------------------------------------------------

def test_a_killed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "a.hrk.json"
    first = save_assessment(make(title={"en": "First"}), path, author="a")
    before = path.read_bytes()

    import hrk_workbench.foundations.atomic as atomic

    calls = []

    def dying_fsync(fd):
        calls.append(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", dying_fsync)
    changed = first.model_copy(deep=True)
    changed.dataset.title = {"en": "Second"}
    with pytest.raises(OSError, match="No space"):
        save_assessment(changed, path, author="a")
    assert calls, "the save must have been interrupted mid-write"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.hrk.json"]  # no temp left


def test_an_interrupt_during_the_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.hrk.json"
    save_assessment(make(title={"en": "First"}), path, author="a")
    before = path.read_bytes()
    import hrk_workbench.foundations.atomic as atomic

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_assessment(make(title={"en": "Second"}), path, author="a")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.hrk.json"]


def test_save_keeps_file_permissions(tmp_path):
    path = tmp_path / "a.hrk.json"
    a = save_assessment(make(title={"en": "x"}), path, author="a")
    os.chmod(path, 0o640)
    a.dataset.publisher = "Org"
    save_assessment(a, path, author="a")
    assert path.stat().st_mode & 0o777 == 0o640


# --- change log -----------------------------------------------------------------------------

def test_every_save_records_who_when_and_which_answers_changed(tmp_path, monkeypatch):
    path = tmp_path / "a.hrk.json"
    t1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    a = save_assessment(make(title={"en": "Trees"}, benefits={"B1": 2}), path,
                        author="Aino", now=t1)
    [entry] = a.change_log
    assert (entry.by, entry.at) == ("Aino", t1)
    paths = {c.path: (c.old, c.new) for c in entry.changes}
    assert paths["dataset.title.en"] == (None, "Trees")
    assert paths["benefits.B1.value"] == (None, 2)

    reloaded = load_assessment(path)
    reloaded.benefits["B1"] = BenefitAnswer(value=3, comment="more requests")
    reloaded.risks["R1"] = RiskAnswer(likelihood=2, impact=4)
    monkeypatch.setenv("HRK_AUTHOR", "Johan")
    b = save_assessment(reloaded, path)
    last = b.change_log[-1]
    assert last.by == "Johan"
    assert {c.path: (c.old, c.new) for c in last.changes} == {
        "benefits.B1.value": (2, 3),
        "benefits.B1.comment": ("", "more requests"),
        "risks.R1.likelihood": (None, 2),
        "risks.R1.impact": (None, 4),
    }
    assert load_assessment(path).change_log == b.change_log


def test_a_save_without_changes_adds_no_entry(tmp_path):
    path = tmp_path / "a.hrk.json"
    a = save_assessment(make(title={"en": "x"}), path, author="a")
    again = save_assessment(load_assessment(path), path, author="b")
    assert again.change_log == a.change_log


def test_author_defaults_to_the_os_user(tmp_path, monkeypatch):
    import getpass
    monkeypatch.delenv("HRK_AUTHOR", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: "os-user")
    a = save_assessment(make(title={"en": "x"}), tmp_path / "a.hrk.json")
    assert a.change_log[-1].by == "os-user"


def test_older_files_are_migrated_on_load(monkeypatch):
    """A version-n file passes through MIGRATIONS[n] on its way to the current schema."""
    from hrk_workbench.model import migrations

    def rename_title(doc):
        doc["dataset"] = {"title": {"en": doc.pop("name")}}
        return doc

    current = SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, current, rename_title)
    data, problems = migrations.migrate({"schema_version": current, "name": "Old trees"})
    assert problems == []
    assert data == {"schema_version": current + 1, "dataset": {"title": {"en": "Old trees"}}}


def test_version_1_files_gain_an_empty_publication_section():
    """Schema 2 only adds the publication addresses; a version-1 file keeps every answer."""
    from hrk_workbench.model import migrations

    data, problems = migrations.migrate({"schema_version": 1, "gates": {"G1": {"value": "no"}}})
    assert problems == []
    assert data == {"schema_version": SCHEMA_VERSION, "gates": {"G1": {"value": "no"}},
                    "publication": {"distributions": {}, "api": {}}}


def test_version_2_files_only_change_their_version():
    """Schema 3 adds risk_lab, table_lab and publication.schema_url, all empty by default."""
    from hrk_workbench.model import migrations

    doc = {"schema_version": 2, "gates": {"G1": {"value": "no"}},
           "anonymisation": {"A10": {"value": "yes"}}}
    data, problems = migrations.migrate(json.loads(json.dumps(doc)))
    assert problems == []
    assert data == {**doc, "schema_version": SCHEMA_VERSION}


@pytest.mark.parametrize("version", [None, "1", 0, True])
def test_missing_or_odd_schema_version_is_refused(version):
    doc = _doc()
    if version is None:
        del doc["schema_version"]
    else:
        doc["schema_version"] = version
    [(location, _)] = _problems(doc)
    assert location == "schema_version"


def test_a_value_of_no_allowed_type_is_one_problem():
    problems = _problems(_doc(anonymisation={"A1": {"value": {"x": 1}}}))
    assert problems == [("anonymisation.A1.value",
                         "text or a whole number or a number or a list")]


@pytest.mark.parametrize(("part", "location"), [
    ({"benefits": {"B1": {"value": True}}}, "benefits.B1.value"),
    ({"risks": {"R1": {"likelihood": "3"}}}, "risks.R1.likelihood"),
    ({"costs": {"lines": {"C1": {"one_off_eur": "1 000"}}}}, "costs.lines.C1.one_off_eur"),
    ({"dataset": {"personal_data": "yes"}}, "dataset.personal_data"),
    ({"anonymisation": {"A1": {"value": True}}}, "anonymisation.A1.value"),
])
def test_wrongly_typed_answers_are_errors_not_guesses(part, location):
    """JSON true is not the rating 1 and "3" is not 3: a hand edit must be corrected."""
    assert location in dict(_problems(_doc(**part)))
