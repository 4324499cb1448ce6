"""Catalogue metadata: DCAT-AP 3 / HVD graphs, SHACL validation, the avoindata.fi package,
and schema 2 (the publication addresses) with its migration from version 1.

pyshacl runs only where conformance itself is the point (it is the slow part).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import strip_schema5_defaults
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from hrk_workbench.cli.program import main
from hrk_workbench.metadata.export import ckan_missing as _ckan_missing
from hrk_workbench.metadata.profiles import (
    DCATAP,
    DQV,
    ELI,
    PORTAL_HVD_CATEGORIES,
    PORTAL_LICENCE_IDS,
    VCARD,
    CkanProfile,
    DcatAp3Profile,
    HvdProfile,
    slug,
)
from hrk_workbench.metadata.readiness import advise_metadata
from hrk_workbench.metadata.record import build_record
from hrk_workbench.metadata.shacl import DCAT_AP, HVD, steward_problems, validate
from hrk_workbench.model.assessment import SCHEMA_VERSION
from hrk_workbench.model.store import dumps, load_assessment, parse_assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
V1_EXAMPLES = Path(__file__).parent / "data" / "v1-examples"
OPEN_EXAMPLES = ("city-bike-trips", "air-quality", "meeting-rooms", "social-assistance")
AIR = EXAMPLES / "air-quality.hrk.json"
LAW = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
ENV_CATEGORY = URIRef("http://data.europa.eu/bna/c_dd313021")
RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
# Open namespaces: pytest's collection trips over rdflib's closed DefinedNamespace globals.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def example(name: str) -> Path:
    return EXAMPLES / f"{name}.hrk.json"


def graph_of(name: str, forms):
    record = build_record(load_assessment(example(name)), forms)
    profile = HvdProfile(forms) if record.hvd else DcatAp3Profile(forms)
    return record, *profile.graph(record)


# --- the graph -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "suffix", "rdflib_format"), [
    ("turtle", "ttl", "turtle"), ("json-ld", "jsonld", "json-ld"), ("rdf-xml", "rdf", "xml")])
def test_every_serialisation_parses_back_to_the_hvd_record(tmp_path, capsys, fmt, suffix,
                                                           rdflib_format):
    out = tmp_path / f"air.{suffix}"
    code, stdout, _ = run(capsys, "metadata", str(AIR), "-o", str(out), "--format", fmt)
    assert code == 0 and str(out) in stdout
    g = Graph().parse(out, format=rdflib_format)
    ds = URIRef("urn:uuid:0b6c1f0e-5d7a-4a53-9a53-1c0d2b7e9002")
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert {(t.language, str(t)) for t in g.objects(ds, DCTERMS.title)} == {
        ("en", "Air quality measurements"), ("fi", "Ilmanlaadun mittaukset"),
        ("sv", "Luftkvalitetsmätningar")}
    assert len(set(g.objects(ds, DCTERMS.description))) == 3
    assert (ds, DCTERMS.accessRights, URIRef(RIGHTS + "PUBLIC")) in g
    assert (ds, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/"
                                   "data-theme/ENVI")) in g
    assert (ds, DCTERMS.accrualPeriodicity, URIRef(
        "http://publications.europa.eu/resource/authority/frequency/HOURLY")) in g
    assert (ds, DCAT.keyword, Literal("ilmanlaatu", lang="fi")) in g
    publisher = g.value(ds, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    contact = g.value(ds, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    assert (contact, VCARD.hasEmail, URIRef("mailto:air@vaara.example")) in g
    temporal = g.value(ds, DCTERMS.temporal)
    assert (temporal, RDF.type, DCTERMS.PeriodOfTime) in g
    assert str(g.value(temporal, DCAT.startDate)) == "2015-01-01"
    assert (g.value(ds, DCTERMS.spatial), RDF.type, DCTERMS.Location) in g

    dists = sorted(g.objects(ds, DCAT.distribution))
    assert len(dists) == 2
    formats = {str(g.value(d, DCTERMS["format"])).rsplit("/", 1)[-1] for d in dists}
    assert formats == {"CSV", "JSON"}
    api = g.value(predicate=DCAT.servesDataset, object=ds)
    assert (api, RDF.type, DCAT.DataService) in g
    assert (api, DCAT.endpointURL,
            URIRef("https://api.vaara.example/air-quality/v1/measurements")) in g
    assert (api, FOAF.page, URIRef("https://api.vaara.example/air-quality/v1/docs")) in g
    assert g.value(api, DCAT.endpointDescription) is not None
    for node in (ds, *dists, api):  # HVD: the law and the category everywhere
        assert (node, DCATAP.applicableLegislation, LAW) in g
        assert (node, DCATAP.hvdCategory, ENV_CATEGORY) in g
    for d in dists:
        assert (d, RDF.type, DCAT.Distribution) in g
        assert (d, DCTERMS.license, URIRef(
            "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")) in g
        assert g.value(d, DCAT.mediaType).startswith("https://www.iana.org/assignments/")
        download = g.value(d, DCAT.downloadURL)
        assert download.startswith("https://data.vaara.example/air-quality/")
        assert g.value(d, DCAT.accessURL) == download
        assert (download, RDF.type, RDFS.Resource) in g
    assert (LAW, RDF.type, ELI.LegalResource) in g


def test_the_three_serialisations_carry_the_same_triples(tmp_path, capsys):
    graphs = []
    for suffix, rdflib_format in (("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")):
        out = tmp_path / f"cb.{suffix}"
        assert run(capsys, "metadata", str(example("city-bike-trips")), "-o", str(out))[0] == 0
        graphs.append(set(Graph().parse(out, format=rdflib_format)))
    assert graphs[0] == graphs[1] == graphs[2]


def test_quality_statement_and_access_rights_come_from_the_assessment(forms):
    record, g, nodes = graph_of("city-bike-trips", forms)
    assert record.outcome_from == "decision" and record.access_right == "PUBLIC"
    annotation = g.value(nodes.dataset, DQV.hasQualityAnnotation)
    bodies = " ".join(str(o) for b in g.objects(annotation, URIRef(
        "http://www.w3.org/ns/oa#hasBody")) for o in g.objects(b, RDF.value))
    assert "faulty odometers" in bodies and "matkamittarivikojen" in bodies
    expected = {"health-research": ("RESTRICTED", "recommendation"),
                "water-network": ("NON_PUBLIC", "recommendation"),
                # an example that recommends opening carries an approved decision to open
                "meeting-rooms": ("PUBLIC", "decision"),
                # opening only after mitigation: no decision yet
                "social-assistance": ("PUBLIC", "recommendation")}
    for name, (right, source) in expected.items():
        rec, g, nodes = graph_of(name, forms)
        assert rec.outcome_from == source
        assert (nodes.dataset, DCTERMS.accessRights, URIRef(RIGHTS + right)) in g


def test_an_incomplete_assessment_gets_no_access_rights_and_a_warning(forms):
    record, g, nodes = graph_of("street-trees-draft", forms)
    assert record.access_right is None
    assert [w.code for w in record.warnings] == ["metadata_no_access_rights"]
    assert g.value(nodes.dataset, DCTERMS.accessRights) is None


# --- SHACL -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", OPEN_EXAMPLES)
def test_open_examples_conform_to_dcat_ap(forms, name):
    _, g, nodes = graph_of(name, forms)
    report = validate(g, [DCAT_AP])
    assert report.conforms, steward_problems(report, nodes)


def test_the_high_value_example_conforms_to_the_hvd_shapes(forms):
    record, g, nodes = graph_of("air-quality", forms)
    assert record.hvd is not None
    report = validate(g, [HVD])
    assert report.conforms and not report.results, steward_problems(report, nodes)


def test_a_missing_description_is_told_in_the_stewards_words(tmp_path, capsys):
    out = tmp_path / "trees.ttl"
    code, stdout, err = run(capsys, "metadata", str(example("street-trees-draft")),
                            "-o", str(out), "--validate")
    assert code == 1 and not out.exists() and stdout == ""
    assert "dataset.description: add a description in at least one language" in err
    assert "shacl" not in err.lower() and "http://" not in err
    code, _, err = run(capsys, "metadata", str(example("street-trees-draft")),
                       "-o", str(out), "--validate", "--lang", "fi")
    assert code == 1 and "lisää kuvaus ainakin yhdellä kielellä" in err


def test_an_hvd_api_without_documentation_or_download_address_is_refused(tmp_path, capsys):
    path = tmp_path / "air.hrk.json"
    data = json.loads(AIR.read_text(encoding="utf-8"))
    data["publication"]["api"]["documentation_url"] = ""
    data["publication"]["distributions"]["CSV"]["download_url"] = ""
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "metadata", str(path), "-o", str(tmp_path / "a.ttl"),
                       "--validate")
    assert code == 1
    assert "publication.api.documentation_url: add the address of the page that documents " \
           "the API" in err
    assert "publication.distributions.CSV.download_url: add the address where the CSV " \
           "file can be downloaded" in err
    assert "dcat-ap-hvd-3.0.0" in err


# --- CKAN ------------------------------------------------------------------------------------

def test_ckan_package_has_the_avoindata_fields(tmp_path, capsys):
    out = tmp_path / "cb.json"
    code, _, _ = run(capsys, "metadata", str(example("city-bike-trips")), "-o", str(out))
    assert code == 0
    pkg = json.loads(out.read_text(encoding="utf-8"))
    assert pkg["name"] == "kaupunkipyoramatkat"
    assert set(pkg["title_translated"]) == set(pkg["notes_translated"]) == {"fi", "sv", "en"}
    assert pkg["keywords"]["fi"][0] == "kaupunkipyörät"
    assert pkg["maintainer"] == "Mobility data team"
    assert pkg["maintainer_email"] == ["mobility.data@vaara.example"]
    assert pkg["license_id"] == "cc-by-4.0" and pkg["license_id"] in PORTAL_LICENCE_IDS
    assert pkg["collection_type"] == "Open Data" and pkg["highvalue"] is False
    assert "highvalue_category" not in pkg
    assert pkg["owner_org"] == "city-of-vaara"
    urls = [r["url"] for r in pkg["resources"]]
    assert urls == ["https://data.vaara.example/city-bike-trips/trips.csv",
                    "https://data.vaara.example/city-bike-trips/trips.json",
                    "https://api.vaara.example/city-bikes/v1/trips"]
    for r in pkg["resources"]:
        assert {"name", "url", "format", "description"} <= set(r)
    extras = {e["key"] for e in pkg["extras"]}
    # extras only for what avoindata.fi's schema (dataset.json) has no field for
    assert extras == {"identifier", "access_rights", "theme", "quality_statement"}


def test_ckan_high_value_and_licence_ids(forms):
    air = CkanProfile(forms).package(build_record(load_assessment(AIR), forms))
    assert air["highvalue"] is True
    assert air["highvalue_category"] == ["earth-observation-and-environment"]
    rooms = CkanProfile(forms).package(build_record(
        load_assessment(example("meeting-rooms")), forms))
    assert rooms["license_id"] == "cc-zero-1.0"
    assert set(PORTAL_HVD_CATEGORIES) == {c.id for c in forms.vocab.hvd_categories}
    assert slug("Åsa & Öljy: Ä-testi") == "asa-oljy-a-testi"


def test_ckan_tells_what_the_portal_still_needs(forms_copy):
    from hrk_workbench.forms.loader import load_forms

    def foreign_id(data):  # a CKAN id that avoindata.fi's licence list does not have
        for lic in data["licences"]:
            if lic["id"] == "CC-BY-SA-4.0":
                lic["ckan_id"] = "cc-by-sa-4.0"

    forms = load_forms(forms_copy("licences.yaml", foreign_id))
    assessment = load_assessment(example("meeting-rooms"))
    assessment.licence.licence_id = "CC-BY-SA-4.0"
    record = build_record(assessment, forms)
    missing = {(p.location, p.code) for p in _ckan_missing(record, forms, "en",
                                                           advise_metadata)}
    assert ("dataset.keywords.fi", "ckan_missing") in missing
    assert ("dataset.contact.email", "ckan_missing") in missing
    assert ("licence.licence_id", "ckan_licence_not_portal") in missing


@pytest.mark.parametrize("name", ["health-research", "water-network", "street-trees-draft"])
def test_ckan_writes_nothing_for_data_that_is_not_open(tmp_path, capsys, name):
    out = tmp_path / "p.json"
    code, stdout, err = run(capsys, "metadata", str(example(name)), "-o", str(out),
                            "--format", "ckan")
    assert code == 2 and not out.exists() and stdout == ""
    assert len(err.strip().splitlines()) == 1 and "avoindata.fi takes open data only" in err


# --- reproducibility and light import --------------------------------------------------------

def test_output_is_the_same_bytes_whatever_the_hash_seed(tmp_path):
    for suffix in ("jsonld", "rdf"):
        texts = set()
        for seed in ("1", "2"):
            out = tmp_path / f"{seed}.{suffix}"
            subprocess.run([sys.executable, "-m", "hrk_workbench.cli", "metadata",
                            str(example("city-bike-trips")), "-o", str(out)], check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True)
            texts.add(out.read_bytes())
        assert len(texts) == 1, suffix


def test_the_cli_parser_does_not_import_rdflib():
    code = ("import sys; from hrk_workbench.cli import build_parser; build_parser(); "
            "assert 'rdflib' not in sys.modules and 'pyshacl' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- schema 2 --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(V1_EXAMPLES.glob("*.hrk.json")), ids=lambda p: p.name)
def test_version_1_examples_migrate_unchanged_in_meaning(path):
    old = json.loads(path.read_text(encoding="utf-8"))
    assert old["schema_version"] == 1 and "publication" not in old
    new = json.loads(dumps(parse_assessment(path.read_bytes(), str(path))))
    assert new["schema_version"] == SCHEMA_VERSION == 5
    assert new.pop("publication") == {"distributions": {}, "api": {
        "endpoint_url": "", "documentation_url": "", "description_url": "", "title": {}},
        "schema_url": ""}
    # schema 3's lab results: nothing measured in a version-1 file
    assert (new.pop("risk_lab"), new.pop("table_lab")) == (None, [])
    strip_schema5_defaults(new)  # schema 5's additions, each empty
    old.pop("schema_version"), new.pop("schema_version")
    assert new == old


def test_publication_addresses_must_be_web_addresses(forms):
    """A file that holds one still opens, warned at its path; a new one is refused."""
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.model.edit import EditError, set_answer

    doc = {"schema_version": 3, "publication": {"api": {"endpoint_url": "ftp://x"}}}
    assessment = parse_assessment(json.dumps(doc))
    warned = [p for p in check_against_forms(assessment, forms) if p.code.startswith("address")]
    assert [(p.location, p.severity) for p in warned] == [
        ("publication.api.endpoint_url", "warning")]
    with pytest.raises(EditError) as info:
        set_answer(assessment, "publication.api.documentation_url", "ftp://x", forms)
    assert [p.location for p in info.value.problems] == ["publication.api.documentation_url"]


def test_ckan_refuses_a_licence_that_is_not_open(tmp_path, capsys):
    """avoindata.fi lists CC BY-NC (cc-nc), but a package of open data under it would
    claim what the licence does not give: nothing is written, exit 1, in the language."""
    src = tmp_path / "a.hrk.json"
    src.write_bytes(example("city-bike-trips").read_bytes())
    assert run(capsys, "set", str(src), "licence.licence_id=CC-BY-NC-4.0")[0] == 0
    out = tmp_path / "p.json"
    code, _, err = run(capsys, "metadata", str(src), "-o", str(out), "--format", "ckan",
                       "--lang", "fi")
    assert code == 1 and not out.exists()
    assert f"{src}: licence.licence_id: lisenssi CC-BY-NC-4.0 ei ole avoin lisenssi" in err
    assert run(capsys, "set", str(src), "licence.licence_id=CC-BY-4.0")[0] == 0
    code, _, err = run(capsys, "metadata", str(src), "-o", str(out), "--format", "ckan")
    assert code == 0 and json.loads(out.read_text())["license_id"] == "cc-by-4.0"
