"""The catalogue record as a file: the profile for a format (DCAT-AP Turtle, JSON-LD, RDF/XML,
an avoindata.fi CKAN package), the shapes it is validated against, what is missing in the
steward's words, and the publication gate (nothing public before a decider's approval). The
command line and the app's Outputs step both export through here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms

FORMATS = ("turtle", "json-ld", "rdf-xml", "ckan")


SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "rdf-xml", ".xml": "rdf-xml",
            ".owl": "rdf-xml", ".json": "ckan"}


RDFLIB_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "rdf-xml": "xml"}


def output_format(output: str, given: str | None) -> str:
    """--format, else the output's suffix, else Turtle (also for standard output)."""
    return given or SUFFIXES.get(Path(output).suffix.lower(), "turtle")


def ckan_refusal(record: Any, lang: str, forms: Forms) -> Any:
    """The one-line reason avoindata.fi gets no package (the portal takes open data only),
    or None when the record is open. Shared by the command and the app's export."""
    from hrk_workbench.foundations.answer_names import decision_text
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.foundations.problems import Problem

    if record.is_open:
        return None
    if record.outcome_from == "decision":  # the decision's own words, e.g. "postponed"
        return Problem("decision.outcome", f"decision {record.outcome} is not open",
                       code="ckan_not_open",
                       params={"outcome": decision_text(record.outcome, forms)})
    if record.access_right is None:
        return Problem("decision.outcome", "the assessment is incomplete",
                       code="ckan_incomplete")
    return Problem("decision.outcome", f"outcome {record.outcome} is not open",
                   code="ckan_not_open", params={"outcome": label(record.outcome, lang, forms)})


def ckan_blockers(record: Any, forms: Forms, lang: str) -> list[Any]:
    """Everything that makes avoindata.fi refuse the package (its required fields, a
    resource without an address), in the steward's words; empty when it may be written.
    The command and the app's export write no package while this is not empty."""
    from hrk_workbench.metadata.readiness import advise_metadata

    return ckan_missing(record, forms, lang, advise_metadata)


def profile_for(fmt: str, record: Any, forms: Forms) -> Any:
    """CKAN for a package, HVD for a high-value dataset, else plain DCAT-AP 3."""
    from hrk_workbench.metadata.profiles import CkanProfile, DcatAp3Profile, HvdProfile

    return CkanProfile(forms) if fmt == "ckan" else \
        HvdProfile(forms) if record.hvd is not None else DcatAp3Profile(forms)


def shape_sets_for(record: Any) -> list[str]:
    """The SHACL shape sets the record must meet: DCAT-AP, plus HVD for a high-value one."""
    from hrk_workbench.metadata.shacl import DCAT_AP, HVD

    return [DCAT_AP, *([HVD] if record.hvd is not None else [])]


def missing_for(record: Any, graph: Any, nodes: Any, fmt: str, forms: Forms,
                lang: str) -> list[Any]:
    """What the record still needs, in the steward's words: the SHACL results mapped to
    answers, and for a CKAN package also what avoindata.fi requires."""
    from hrk_workbench.metadata.readiness import advise_metadata
    from hrk_workbench.metadata.shacl import steward_problems, validate

    missing = steward_problems(validate(graph, shape_sets_for(record)), nodes)
    if fmt == "ckan":  # once each: the shapes and the portal both want a download address
        seen = {(p.location, p.code) for p in missing}
        missing += [p for p in ckan_missing(record, forms, lang, advise_metadata)
                    if (p.location, p.code) not in seen]
    return missing


def publication_refusal(record: Any, fmt: str, forms: Forms, path: Path | None) -> Any:
    """Why this public record may not be written before approval (the CKAN package, or
    access rights PUBLIC), or None: no approval needed, or a valid one is there."""
    if fmt != "ckan" and not record.is_open:
        return None  # restricted, non-public or no access right: nothing is published
    from hrk_workbench.review.gate import publication_refusal as refusal

    return refusal(record.assessment, forms, path)


def record_text(profile: Any, record: Any, graph: Any, fmt: str,
                draft: dict[str, str] | None = None) -> tuple[str, int]:
    """The file's text and its size in the profile's unit (resources for CKAN, statements
    for RDF), for the "written" line. ``draft``: the draft mark's text by language, put in
    the record itself (the graph must already carry it: :func:`profiles.mark_draft`)."""
    if fmt == "ckan":
        package = profile.package(record)
        if draft is not None:
            from hrk_workbench.metadata.profiles import mark_draft_package

            mark_draft_package(package, draft)
        return json.dumps(package, ensure_ascii=False, indent=2) + "\n", len(package["resources"])
    return _serialise(graph, fmt), len(graph)


def _serialise(graph: Any, fmt: str) -> str:
    """Turtle, JSON-LD (compacted with the profile's prefixes) or RDF/XML text.

    rdflib's JSON-LD and RDF/XML writers emit subjects in hash order, so their output is put
    in order here (subjects by IRI, values sorted): the same assessment gives the same bytes,
    as Turtle, which rdflib sorts itself, already does.
    """
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces()
                   if prefix in _JSONLD_PREFIXES}
        doc = json.loads(graph.serialize(format="json-ld", context=context))
        nodes = doc.get("@graph", [])
        for node in nodes:
            for key, value in node.items():
                if isinstance(value, list):
                    node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
        doc["@graph"] = sorted(nodes, key=lambda n: str(n.get("@id", "")))
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "rdf-xml":
        return _sorted_xml(graph.serialize(format="xml"), graph)
    return graph.serialize(format="turtle")


def _sorted_xml(text: str, graph: Any) -> str:
    """RDF/XML with one rdf:Description per subject, subjects and properties in order."""
    import xml.etree.ElementTree as ET

    for prefix, ns in graph.namespaces():
        if prefix in _JSONLD_PREFIXES:
            ET.register_namespace(prefix, str(ns))
    root = ET.fromstring(text.encode("utf-8"))
    about = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
    root[:] = sorted(root, key=lambda e: (e.get(about, ""), e.tag))
    for element in root:
        element[:] = sorted(element, key=lambda c: (c.tag, sorted(c.attrib.items()),
                                                    c.text or ""))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def ckan_missing(record: Any, forms: Forms, lang: str, advise: Any) -> list[Any]:
    """What avoindata.fi requires beyond DCAT-AP: Finnish texts, a maintainer, a portal
    licence id; told with the readiness labels the advice already uses."""
    from hrk_workbench.foundations.i18n import label
    from hrk_workbench.foundations.problems import Problem
    from hrk_workbench.metadata.profiles import PORTAL_LICENCE_IDS

    paths = {"title_fi": "dataset.title.fi", "description_fi": "dataset.description.fi",
             "keywords_fi": "dataset.keywords.fi", "maintainer": "dataset.contact.name",
             "maintainer_email": "dataset.contact.email", "licence": "licence.licence_id"}
    advice = advise(record.assessment, forms)
    problems = [Problem(paths.get(f, "dataset"), f"required by avoindata.fi: {f}",
                        code="ckan_missing", params={"field": label(f, lang, forms)})
                for f in advice.missing_catalogue]
    if not record.assessment.dataset.publisher.split("/")[0].strip():  # owner_org
        problems.append(Problem("dataset.publisher", "required by avoindata.fi: publisher",
                                code="ckan_missing",
                                params={"field": label("publisher", lang, forms)}))
    lic = record.licence
    if lic is not None and lic.ckan_id not in PORTAL_LICENCE_IDS:
        problems.append(Problem("licence.licence_id",
                                f"licence {lic.id} has no avoindata.fi licence id",
                                code="ckan_licence_not_portal", params={"licence": lic.id}))
    elif lic is not None and not lic.open:  # the portal lists it, but not as open data
        problems.append(Problem("licence.licence_id", f"licence {lic.id} is not open",
                                code="ckan_licence_not_open", params={"licence": lic.id}))
    # every resource needs its url (resource_url_upload_ex: not_empty)
    for dist in record.distributions:
        if not (dist.download_url or dist.access_url):
            problems.append(Problem(
                f"publication.distributions.{dist.format_id}.download_url",
                f"add the address where the {dist.format_id} file can be downloaded",
                code="metadata_no_access_url", params={"format": dist.format_id}))
    if record.api is not None and not record.api.endpoint_url:
        problems.append(Problem("publication.api.endpoint_url",
                                "add the address of the API endpoint",
                                code="metadata_no_endpoint"))
    return problems


_JSONLD_PREFIXES = ("dcat", "dct", "foaf", "vcard", "dcatap", "dqv", "oa", "eli", "skos",
                    "rdfs", "xsd", "rdf", "adms")
