"""Validate a catalogue record with the official SHACL shapes, and say what is missing.

pyshacl reports focus nodes and property paths; a steward needs the answer to fill in. Each
result is mapped back, through the node IRIs the profile gave, to the answer path
(``publication.api.endpoint_url``) and a message code rendered in the steward's language. A
result no mapping knows is still reported (code ``metadata_shape_other``), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from hrk_workbench.foundations.problems import Problem
from hrk_workbench.metadata.profiles import DCAT, DCTERMS, FOAF, RDF, Nodes, Vocab, _uri

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

SH = Vocab("http://www.w3.org/ns/shacl#")

SHAPES_DIR = Path(__file__).parent / "shapes"
# dcat-ap-SHACL.ttl references two property shapes it does not define; the errata file holds
# their definitions from the same release (see shapes/SOURCE.md).
SHAPE_FILES = {"dcat-ap-3.0.1": ("dcat-ap-SHACL.ttl", "dcat-ap-SHACL-errata.ttl"),
               "dcat-ap-hvd-3.0.0": ("hvd-SHACL.ttl",)}
DCAT_AP, HVD = "dcat-ap-3.0.1", "dcat-ap-hvd-3.0.0"


@dataclass(frozen=True)
class ShaclResult:
    focus: str
    path: str
    component: str  # e.g. MinCountConstraintComponent
    message: str


@dataclass(frozen=True)
class ShaclReport:
    conforms: bool
    shape_sets: tuple[str, ...]
    results: tuple[ShaclResult, ...]


@lru_cache(maxsize=4)
def shapes(names: tuple[str, ...]) -> Graph:
    """The union of the named shape sets, parsed once per process."""
    from rdflib import Graph

    g = Graph()
    for name in names:
        for file in SHAPE_FILES[name]:
            g.parse(SHAPES_DIR / file, format="turtle")
    return g


def validate(data: Graph, names: Sequence[str]) -> ShaclReport:
    """Run pyshacl without inference: the record must carry its own rdf:types."""
    from pyshacl import validate as run

    conforms, results_graph, _ = run(data, shacl_graph=shapes(tuple(names)), inference="none",
                                     abort_on_first=False, allow_warnings=False)
    results = []
    for r in results_graph.subjects(RDF.type, SH.ValidationResult):
        severity = results_graph.value(r, SH.resultSeverity)
        if severity is not None and severity != SH.Violation:
            continue
        component = str(results_graph.value(r, SH.sourceConstraintComponent) or "")
        results.append(ShaclResult(
            str(results_graph.value(r, SH.focusNode) or ""),
            str(results_graph.value(r, SH.resultPath) or ""),
            component.rsplit("#", 1)[-1],
            str(results_graph.value(r, SH.resultMessage) or "")))
    results.sort(key=lambda x: (x.focus, x.path, x.component, x.message))
    return ShaclReport(bool(conforms), tuple(names), tuple(results))


# English fallback texts; the catalogues in forms/messages have these codes in en, fi and sv.
MISSING_TEXT = {
    "metadata_no_title": "add a title in at least one language",
    "metadata_no_description": "add a description in at least one language",
    "metadata_no_contact": "add a contact e-mail address",
    "metadata_no_access_url": "add the address where the {format} file is downloaded",
    "metadata_no_endpoint": "add the address of the API endpoint",
    "metadata_no_api_docs": "add the address of the page that documents the API",
}


def _missing(nodes: Nodes, focus: URIRef, path: URIRef) -> tuple[str, str, dict[str, str]] | None:
    """(answer path, code, params) for a required property the record lacks."""
    if focus == nodes.dataset:
        return {DCTERMS.title: ("dataset.title", "metadata_no_title", {}),
                DCTERMS.description: ("dataset.description", "metadata_no_description", {}),
                DCAT.contactPoint: ("dataset.contact.email", "metadata_no_contact", {}),
                }.get(path)
    if focus in nodes.distributions:
        fmt = nodes.distributions[focus]
        if path == DCAT.accessURL:
            return (f"publication.distributions.{fmt}.download_url", "metadata_no_access_url",
                    {"format": fmt})
    if focus == nodes.api:
        return {DCAT.endpointURL: ("publication.api.endpoint_url", "metadata_no_endpoint", {}),
                FOAF.page: ("publication.api.documentation_url", "metadata_no_api_docs", {}),
                DCAT.contactPoint: ("dataset.contact.email", "metadata_no_contact", {}),
                DCTERMS.title: ("dataset.title", "metadata_no_title", {}),
                }.get(path)
    return None


def steward_problems(report: ShaclReport, nodes: Nodes) -> list[Problem]:
    """What is missing, at the answer to give, once each, in the order of the document."""
    problems: dict[tuple[str, str], Problem] = {}
    for r in report.results:
        found = _missing(nodes, _uri(r.focus), _uri(r.path)) \
            if r.component == "MinCountConstraintComponent" else None
        if found is None:
            key = ("$", f"{r.focus} {r.path} {r.message}")
            problems.setdefault(key, Problem(
                "$", f"the record breaks a DCAT-AP rule: {r.focus} {r.path}: {r.message}",
                code="metadata_shape_other",
                params={"detail": f"{r.focus} {r.path}: {r.message}"}))
            continue
        location, code, params = found
        problems.setdefault((location, code), Problem(
            location, MISSING_TEXT[code].format(**params), code=code, params=params))
    order = ("dataset.title", "dataset.description", "dataset.contact", "publication", "$")
    return sorted(problems.values(), key=lambda p: (
        next((i for i, o in enumerate(order) if p.location.startswith(o)), len(order)),
        p.location))
