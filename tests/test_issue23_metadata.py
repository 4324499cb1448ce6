"""Issue 23 point 4: the catalogue record claims no more openness than was decided, and the
avoindata.fi package is never written with an empty required field.

Everything goes through the CLI on copies of the examples changed with ``set``; the RDF is
parsed back with rdflib and the package read back as JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, Graph, Namespace

from hrk_workbench.cli.program import main
from hrk_workbench.metadata.profiles import PORTAL_LICENCE_IDS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REFERENCE_LICENCES = Path("/work/shared/reference/avoindata-ckan/license.json")
RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def copy_of(tmp_path: Path, name: str, capsys, *answers: str) -> Path:
    """A copy of an example with ``answers`` given through ``hrk-workbench set``."""
    path = tmp_path / f"{name}.hrk.json"
    shutil.copy(EXAMPLES / f"{name}.hrk.json", path)
    if answers:
        assert run(capsys, "set", str(path), *answers)[0] == 0
    return path


def rights_of(tmp_path: Path, path: Path, capsys) -> tuple[set[str], str]:
    """The access rights the Turtle record states on the dataset, and the stderr text."""
    out = tmp_path / "record.ttl"
    # --draft: a public record of a changed (so unapproved) file is written only as a draft
    code, _, err = run(capsys, "metadata", str(path), "-o", str(out), "--draft")
    assert code == 0, err
    g = Graph().parse(out, format="turtle")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    return {str(o).removeprefix(RIGHTS) for o in g.objects(datasets[0],
                                                               DCTERMS.accessRights)}, err


# --- access rights -------------------------------------------------------------------------

def test_a_postponed_decision_keeps_an_open_recommendation_from_saying_public(tmp_path,
                                                                            capsys):
    # city-bike-trips is recommended "open"; the decision is postponed: nothing is decided.
    path = copy_of(tmp_path, "city-bike-trips", capsys, "decision.outcome=postponed")
    rights, err = rights_of(tmp_path, path, capsys)
    assert rights == set()
    assert "decision.outcome" in err and "postponed" in err.lower()
    code, _, err = run(capsys, "metadata", str(path), "-o", str(tmp_path / "x.ttl"),
                       "--lang", "fi")
    assert code == 0 and "Päätös lykätty" in err and "käyttöoikeutta" in err
    # the readiness advice names what the record lacks
    code, out, _ = run(capsys, "advise", str(path), "--json")
    assert code == 0
    assert "access_rights" in json.loads(out)["metadata"]["missing_recommended"]


@pytest.mark.parametrize(("name", "decision", "expected"), [
    ("city-bike-trips", "limited_access", {"RESTRICTED"}),
    ("city-bike-trips", "do_not_open", {"NON_PUBLIC"}),
    ("city-bike-trips", "postponed", set()),
    ("health-research", "open", {"PUBLIC"}),  # an explicit decision wins over "limited"
    ("water-network", "postponed", set()),
])
def test_an_explicit_decision_outcome_wins_over_the_recommendation(tmp_path, capsys, name,
                                                                   decision, expected):
    path = copy_of(tmp_path, name, capsys, f"decision.outcome={decision}")
    assert rights_of(tmp_path, path, capsys)[0] == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("health-research", {"RESTRICTED"}), ("water-network", {"NON_PUBLIC"}),
    ("street-trees-draft", set())])
def test_without_a_decision_only_an_open_recommendation_is_public(tmp_path, capsys, name,
                                                                  expected):
    path = copy_of(tmp_path, name, capsys, "decision.outcome=")
    rights, err = rights_of(tmp_path, path, capsys)
    assert rights == expected and "PUBLIC" not in rights
    if not expected:
        assert "no access rights" in err
        code, out, _ = run(capsys, "advise", str(path), "--json")
        assert code == 0
        assert "access_rights" in json.loads(out)["metadata"]["missing_recommended"]


def test_a_postponed_decision_gets_no_ckan_package(tmp_path, capsys):
    path = copy_of(tmp_path, "city-bike-trips", capsys, "decision.outcome=postponed")
    out = tmp_path / "p.json"
    code, stdout, err = run(capsys, "metadata", str(path), "-o", str(out), "--format", "ckan",
                            "--lang", "sv")
    assert code == 2 and not out.exists() and stdout == ""
    assert "avoindata.fi tar bara emot öppna data" in err and "Beslutet skjuts upp" in err


# --- the CKAN package ------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "keywords", "email", "total"), [
    ("en", "required by avoindata.fi: keywords in Finnish",
     "required by avoindata.fi: the maintainer's e-mail address", "nothing written"),
    ("fi", "avoindata.fi edellyttää: suomenkieliset asiasanat",
     "avoindata.fi edellyttää: ylläpitäjän sähköpostiosoite", "mitään ei kirjoitettu"),
    ("sv", "krävs av avoindata.fi:", "underhållarens e-postadress", "inget skrevs"),
])
def test_ckan_with_empty_required_fields_exits_1_and_writes_nothing(tmp_path, capsys, lang,
                                                                    keywords, email, total):
    # meeting-rooms is open but has no Finnish keywords and no contact e-mail
    out = tmp_path / "rooms.json"
    code, stdout, err = run(capsys, "metadata", str(EXAMPLES / "meeting-rooms.hrk.json"),
                            "-o", str(out), "--format", "ckan", "--lang", lang)
    assert code == 1 and not out.exists() and stdout == ""
    assert f"dataset.keywords.fi: {keywords}" in err
    assert "dataset.contact.email: " in err and email in err
    assert total in err.strip().splitlines()[-1]


def test_ckan_never_writes_a_resource_without_an_address(tmp_path, capsys):
    path = tmp_path / "cb.hrk.json"
    data = json.loads((EXAMPLES / "city-bike-trips.hrk.json").read_text(encoding="utf-8"))
    link = data["publication"]["distributions"]["CSV"]
    link["download_url"] = link["access_url"] = ""
    data["dataset"]["publisher"] = ""
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "cb.json"
    code, _, err = run(capsys, "metadata", str(path), "-o", str(out), "--format", "ckan")
    assert code == 1 and not out.exists()
    assert "publication.distributions.CSV.download_url: add the address where the CSV file " \
           "can be downloaded" in err
    assert "dataset.publisher: required by avoindata.fi: the publishing organisation" in err
    # --validate lists the same address once, beside what the DCAT-AP shapes find
    code, _, err = run(capsys, "metadata", str(path), "-o", str(out), "--format", "ckan",
                       "--validate")
    assert code == 1 and not out.exists()
    assert err.count("publication.distributions.CSV.download_url") == 1


REQUIRED = ("name", "title_translated", "notes_translated", "keywords", "license_id",
            "collection_type", "maintainer", "maintainer_email", "owner_org")


@pytest.mark.parametrize("name", ["city-bike-trips", "air-quality"])
def test_a_written_package_has_every_required_field_filled(tmp_path, capsys, name):
    out = tmp_path / "p.json"
    code, _, err = run(capsys, "metadata", str(EXAMPLES / f"{name}.hrk.json"), "-o", str(out),
                       "--format", "ckan")
    assert code == 0, err
    pkg = json.loads(out.read_text(encoding="utf-8"))
    for field in REQUIRED:
        assert pkg.get(field), field
    for fluent in ("title_translated", "notes_translated", "keywords"):
        assert pkg[fluent].get("fi"), fluent  # Finnish is the portal's default language
    assert pkg["license_id"] in PORTAL_LICENCE_IDS
    assert pkg["resources"] and all(r["url"].startswith("https://") for r in pkg["resources"])


# --- licence ids -------------------------------------------------------------------------------

def portal_licences() -> dict[str, str]:
    """avoindata.fi's licence ids with their titles (the reference copy, else the code's)."""
    if REFERENCE_LICENCES.exists():
        return {x["id"]: x["title"] for x in json.loads(REFERENCE_LICENCES.read_text(
            encoding="utf-8"))}
    return dict.fromkeys(PORTAL_LICENCE_IDS, "")


def test_licence_ids_are_exactly_the_portals():
    portal = portal_licences()
    assert set(portal) == set(PORTAL_LICENCE_IDS)
    data = yaml.safe_load((ROOT / "forms" / "licences.yaml").read_text(encoding="utf-8"))
    ids = {lic["id"]: lic.get("ckan_id") for lic in data["licences"]}
    for lic_id, ckan_id in ids.items():
        assert ckan_id is None or ckan_id in portal, (lic_id, ckan_id)
    # each licence the portal offers has its id; CC BY-ND 4.0 has none (only 3.0 is listed)
    assert ids == {"CC-BY-4.0": "cc-by-4.0", "CC0-1.0": "cc-zero-1.0", "CC-BY-SA-4.0": "cc-by-sa",
                   "ODbL-1.0": "odc-odbl", "ODC-By-1.0": "odc-by", "PDDL-1.0": "odc-pddl",
                   "CC-BY-NC-4.0": "cc-nc", "CC-BY-ND-4.0": None} | {
        k: v for k, v in ids.items() if k not in {
            "CC-BY-4.0", "CC0-1.0", "CC-BY-SA-4.0", "ODbL-1.0", "ODC-By-1.0", "PDDL-1.0",
            "CC-BY-NC-4.0", "CC-BY-ND-4.0"}}
