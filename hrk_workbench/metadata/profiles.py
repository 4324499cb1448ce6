"""Metadata profiles, each adding to what the one before built (as ckanext-dcat's do).

``DcatAp3Profile`` builds the DCAT-AP 3.0.1 graph of a :class:`MetadataRecord`;
``HvdProfile`` adds what DCAT-AP HVD 3.0.0 asks of a high-value dataset; ``CkanProfile`` adds
the avoindata.fi ``package_create`` body. Every node the official shapes check gets an explicit
rdf:type, because those shapes test classes closed-world (a URL must be an rdfs:Resource, a
licence a dct:LicenseDocument). Node IRIs derive from the assessment id, never blank nodes, so
the same assessment always gives the same triples and the same file.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.foundations.addresses import is_iri
from hrk_workbench.foundations.i18n import label
from hrk_workbench.foundations.problems import InputError, Problem
from hrk_workbench.metadata.record import DistributionRecord, MetadataRecord

if TYPE_CHECKING:
    from rdflib import Graph, URIRef


class InvalidIriError(InputError):
    """An IRI the record would state is not one (a code list or licence catalogue in forms/
    edited by hand): refused with its value rather than written as RDF no reader accepts."""

    def __init__(self, value: str) -> None:
        super().__init__("forms", [Problem(
            "$", f"{value!r} is not a valid IRI", "an absolute IRI in the forms' catalogues",
            code="metadata_invalid_iri", params={"got": repr(value[:80])})])


def _uri(value: str) -> URIRef:
    """Every IRI of the graph passes here: rdflib is never handed an invalid one (it would
    write it and no RDF reader could read the file back). The answers' own addresses were
    already left out by the record when invalid, so only a broken forms/ entry stops here."""
    from rdflib import URIRef  # rdflib loads when a record is built, not when the CLI starts

    if not is_iri(value):
        raise InvalidIriError(value)
    return URIRef(value)


def dataset_iri(assessment_id: str) -> str:
    """``urn:uuid:<id>``; an id that is no UUID (a hand-written file) is turned into one, the
    same every time, so the IRI is valid and still derives from the id alone."""
    try:
        return uuid.UUID(assessment_id).urn
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, "hrk-workbench:" + assessment_id).urn


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> Any:
    from rdflib import Literal

    return Literal(value, lang=lang, datatype=_uri(datatype) if datatype else None)


class Vocab:
    """A namespace whose terms (``DCAT.Dataset``, ``DCTERMS["format"]``) are rdflib IRIs,
    made on use so that importing this module does not import rdflib."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        return _uri(self.base + name)

    def __getitem__(self, name: str) -> URIRef:
        return _uri(self.base + name)

    def __str__(self) -> str:
        return self.base


RDF = Vocab("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Vocab("http://www.w3.org/2000/01/rdf-schema#")
XSD = Vocab("http://www.w3.org/2001/XMLSchema#")
SKOS = Vocab("http://www.w3.org/2004/02/skos/core#")
DCAT = Vocab("http://www.w3.org/ns/dcat#")
DCTERMS = Vocab("http://purl.org/dc/terms/")
FOAF = Vocab("http://xmlns.com/foaf/0.1/")
VCARD = Vocab("http://www.w3.org/2006/vcard/ns#")
DCATAP = Vocab("http://data.europa.eu/r5r/")
DQV = Vocab("http://www.w3.org/ns/dqv#")
OA = Vocab("http://www.w3.org/ns/oa#")
ELI = Vocab("http://data.europa.eu/eli/ontology#")
ADMS = Vocab("http://www.w3.org/ns/adms#")
IANA = "https://www.iana.org/assignments/media-types/"
THEMES_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"

PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "dcatap": DCATAP,
            "dqv": DQV, "oa": OA, "eli": ELI, "skos": SKOS, "rdfs": RDFS, "xsd": XSD,
            "rdf": RDF, "adms": ADMS}


@dataclass
class Nodes:
    """The IRIs given to the record's nodes, so SHACL results map back to answer paths."""

    dataset: URIRef
    distributions: dict[URIRef, str] = field(default_factory=dict)  # node -> format id
    api: URIRef | None = None
    contact: URIRef | None = None


class DcatAp3Profile:
    """DCAT-AP 3.0.1: the dataset, its distributions, the API and the quality statement."""

    name = "dcat-ap-3.0.1"

    def __init__(self, forms: Forms) -> None:
        self.forms = forms

    # --- entry point --------------------------------------------------------------------
    def graph(self, record: MetadataRecord) -> tuple[Graph, Nodes]:
        from rdflib import Graph, Namespace

        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, Namespace(str(ns)))
        nodes = Nodes(_uri(dataset_iri(record.assessment.id)))
        self.add(g, record, nodes)
        return g, nodes

    def add(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> None:
        """Add this profile's triples; a subclass calls this first, then adds its own."""
        self._dataset(g, record, nodes)
        for dist in record.distributions:
            self._distribution(g, record, nodes, dist)
        if record.api is not None:
            self._api(g, record, nodes)
        self._quality(g, record, nodes)

    # --- helpers ------------------------------------------------------------------------
    def _node(self, nodes: Nodes, part: str) -> URIRef:
        return _uri(f"{nodes.dataset}#{part}")

    @staticmethod
    def _texts(g: Graph, subject: URIRef, pred: URIRef, texts: dict[str, str]) -> None:
        for lang in sorted(texts):
            if texts[lang].strip():
                g.add((subject, pred, _lit(texts[lang].strip(), lang=lang)))

    @staticmethod
    def _resource(g: Graph, url: str) -> URIRef:
        ref = _uri(url)
        g.add((ref, RDF.type, RDFS.Resource))
        return ref

    def _concept(self, g: Graph, uri: str, texts: dict[str, str], *types: URIRef) -> URIRef:
        ref = _uri(uri)
        g.add((ref, RDF.type, SKOS.Concept))
        for t in types:
            g.add((ref, RDF.type, t))
        self._texts(g, ref, SKOS.prefLabel, texts)
        return ref

    def _licence(self, g: Graph, record: MetadataRecord) -> URIRef | None:
        lic = record.licence
        if lic is None:
            return None
        ref = _uri(lic.eu_uri or lic.uri)
        g.add((ref, RDF.type, DCTERMS.LicenseDocument))
        g.add((ref, RDFS.label, _lit(lic.name)))
        if lic.eu_uri:
            g.add((ref, RDFS.seeAlso, _uri(lic.uri)))
        return ref

    def _access_rights(self, g: Graph, subject: URIRef, record: MetadataRecord) -> None:
        if record.access_right_uri:
            ref = _uri(record.access_right_uri)
            g.add((ref, RDF.type, DCTERMS.RightsStatement))
            g.add((subject, DCTERMS.accessRights, ref))

    def _publisher(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> URIRef | None:
        ds = record.assessment.dataset
        if not ds.publisher.strip():
            return None
        ref = _uri(record.publisher_uri) if record.publisher_uri else \
            self._node(nodes, "publisher")
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, FOAF.name, _lit(ds.publisher.strip())))
        return ref

    def _contact(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> URIRef | None:
        contact = record.assessment.dataset.contact
        if not (contact.email.strip() or contact.name.strip()):
            return None
        ref = nodes.contact = self._node(nodes, "contact-point")
        g.add((ref, RDF.type, VCARD.Kind))
        g.add((ref, RDF.type, VCARD.Organization))
        name = contact.name.strip() or record.assessment.dataset.publisher.strip()
        if name:
            g.add((ref, VCARD.fn, _lit(name)))
        if record.contact_email_iri:
            g.add((ref, VCARD.hasEmail, self._resource(g, record.contact_email_iri)))
        return ref

    # --- the parts ------------------------------------------------------------------------
    def _dataset(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> None:
        a, forms, ds_ref = record.assessment, self.forms, nodes.dataset
        ds = a.dataset
        g.add((ds_ref, RDF.type, DCAT.Dataset))
        self._texts(g, ds_ref, DCTERMS.title, ds.title)
        self._texts(g, ds_ref, DCTERMS.description, record.description or ds.description)
        g.add((ds_ref, DCTERMS.identifier, _lit(a.id)))
        publisher = self._publisher(g, record, nodes)
        if publisher is not None:
            g.add((ds_ref, DCTERMS.publisher, publisher))
        contact = self._contact(g, record, nodes)
        if contact is not None:
            g.add((ds_ref, DCAT.contactPoint, contact))
        for lang in sorted(ds.keywords):
            for word in ds.keywords[lang]:
                if word.strip():
                    g.add((ds_ref, DCAT.keyword, _lit(word.strip(), lang=lang)))
        for theme_id in ds.themes:
            entry = next((t for t in forms.vocab.themes if t.id == theme_id), None)
            if entry and entry.uri:
                ref = self._concept(g, entry.uri, entry.text)
                g.add((ref, SKOS.inScheme, _uri(THEMES_SCHEME)))
                g.add((ds_ref, DCAT.theme, ref))
        if record.spatial_uri or ds.spatial_coverage.strip():
            ref = _uri(record.spatial_uri) if record.spatial_uri else \
                self._node(nodes, "spatial")
            g.add((ref, RDF.type, DCTERMS.Location))
            if ds.spatial_coverage.strip():
                g.add((ref, SKOS.prefLabel, _lit(ds.spatial_coverage.strip())))
            g.add((ds_ref, DCTERMS.spatial, ref))
        period = ds.temporal_coverage
        if period.start or period.end:
            ref = self._node(nodes, "temporal")
            g.add((ref, RDF.type, DCTERMS.PeriodOfTime))
            if period.start:
                g.add((ref, DCAT.startDate, _lit(period.start.isoformat(),
                                                    datatype=str(XSD.date))))
            if period.end:
                g.add((ref, DCAT.endDate, _lit(period.end.isoformat(), datatype=str(XSD.date))))
            g.add((ds_ref, DCTERMS.temporal, ref))
        freq = next((f for f in forms.vocab.frequencies if f.id == ds.update_frequency), None)
        if freq and freq.uri:
            g.add((ds_ref, DCTERMS.accrualPeriodicity,
                   self._concept(g, freq.uri, freq.text, DCTERMS.Frequency)))
        self._access_rights(g, ds_ref, record)
        if record.landing_page:
            ref = _uri(record.landing_page)
            g.add((ref, RDF.type, FOAF.Document))
            g.add((ds_ref, DCAT.landingPage, ref))

    def _distribution(self, g: Graph, record: MetadataRecord, nodes: Nodes,
                      dist: DistributionRecord) -> None:
        ref = self._node(nodes, f"distribution-{dist.format_id}")
        nodes.distributions[ref] = dist.format_id
        g.add((ref, RDF.type, DCAT.Distribution))
        g.add((nodes.dataset, DCAT.distribution, ref))
        self._texts(g, ref, DCTERMS.title, dist.title)
        self._texts(g, ref, DCTERMS.description, dist.description)
        fmt = dist.file_format
        if fmt is not None:
            ft = _uri(fmt.eu_file_type)
            g.add((ft, RDF.type, DCTERMS.MediaTypeOrExtent))
            g.add((ref, DCTERMS["format"], ft))
            mt = _uri(IANA + fmt.media_type)
            g.add((mt, RDF.type, DCTERMS.MediaType))
            g.add((ref, DCAT.mediaType, mt))
        licence = self._licence(g, record)
        if licence is not None:
            g.add((ref, DCTERMS.license, licence))
        if dist.access_url:
            g.add((ref, DCAT.accessURL, self._resource(g, dist.access_url)))
        if dist.download_url:
            g.add((ref, DCAT.downloadURL, self._resource(g, dist.download_url)))
        if record.schema_url:  # the data dictionary, as a Frictionless Table Schema
            schema = _uri(record.schema_url)
            g.add((schema, RDF.type, DCTERMS.Standard))
            g.add((ref, DCTERMS.conformsTo, schema))

    def _api(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> None:
        api = record.api
        assert api is not None
        ref = nodes.api = self._node(nodes, "api")
        g.add((ref, RDF.type, DCAT.DataService))
        self._texts(g, ref, DCTERMS.title, api.title)
        if api.endpoint_url:
            g.add((ref, DCAT.endpointURL, self._resource(g, api.endpoint_url)))
        if api.description_url:
            g.add((ref, DCAT.endpointDescription, self._resource(g, api.description_url)))
        if api.documentation_url:
            doc = _uri(api.documentation_url)
            g.add((doc, RDF.type, FOAF.Document))
            g.add((ref, FOAF.page, doc))
        g.add((ref, DCAT.servesDataset, nodes.dataset))
        if nodes.contact is not None:
            g.add((ref, DCAT.contactPoint, nodes.contact))
        publisher = self._publisher(g, record, nodes)
        if publisher is not None:
            g.add((ref, DCTERMS.publisher, publisher))
        licence = self._licence(g, record)
        if licence is not None:
            g.add((ref, DCTERMS.license, licence))
        self._access_rights(g, ref, record)

    def _quality(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> None:
        if not record.quality:
            return
        ref = self._node(nodes, "quality")
        g.add((ref, RDF.type, DQV.QualityAnnotation))
        g.add((ref, RDF.type, OA.Annotation))
        g.add((ref, OA.motivatedBy, DQV.qualityAssessment))
        g.add((ref, OA.hasTarget, nodes.dataset))
        for lang in sorted(record.quality):
            body = self._node(nodes, f"quality-{lang}")
            g.add((body, RDF.type, OA.TextualBody))
            g.add((body, RDF.value, _lit(record.quality[lang], lang=lang)))
            g.add((body, DCTERMS.language, _lit(lang)))
            g.add((body, DCTERMS["format"], _lit("text/plain")))
            g.add((ref, OA.hasBody, body))
        g.add((nodes.dataset, DQV.hasQualityAnnotation, ref))


class HvdProfile(DcatAp3Profile):
    """DCAT-AP HVD 3.0.0: the regulation and the HVD category on the dataset, every
    distribution and the API (which the shapes also want documented and with a contact)."""

    name = "dcat-ap-hvd-3.0.0"

    def add(self, g: Graph, record: MetadataRecord, nodes: Nodes) -> None:
        super().add(g, record, nodes)
        hvd = record.hvd
        if hvd is None:
            return
        law = _uri(hvd.legislation_uri)
        g.add((law, RDF.type, ELI.LegalResource))
        entry = next((c for c in self.forms.vocab.hvd_categories if c.id == hvd.category), None)
        category = self._concept(g, hvd.category_uri, entry.text if entry else
                                 {"en": hvd.category}) if hvd.category_uri else None
        for subject in (nodes.dataset, *nodes.distributions, nodes.api):
            if subject is None:
                continue
            g.add((subject, DCATAP.applicableLegislation, law))
            if category is not None:
                g.add((subject, DCATAP.hvdCategory, category))


# avoindata.fi's high-value categories (vrk-kpa/opendata, ckanext-ytp helpers,
# ``highvalue_categories``), by the category ids of forms/vocabularies.yaml.
PORTAL_HVD_CATEGORIES = {
    "geospatial": "geospatial", "earth_observation_environment":
        "earth-observation-and-environment", "meteorological": "meteorological",
    "statistics": "statistics", "companies": "companies-and-company-ownership",
    "mobility": "mobility",
}
PORTAL_LANGUAGES = ("fi", "sv", "en")  # the portal's form languages; Finnish is the default


# The licence ids avoindata.fi offers (vrk-kpa/opendata, ckan/data/license.json); a
# package with any other license_id is refused by the portal.
PORTAL_LICENCE_IDS = frozenset({
    "cc-by-4.0", "cc-by-nd-3.0", "cc-by-sa", "cc-by-sa-1-fi", "cc-nc", "cc-zero-1.0", "gfdl",
    "helsinkikanava-opendata-tos", "hri-tietoaineistot-lisenssi-nimea", "ilmoitettumuualla",
    "kmo-aluejakorajat", "notspecified", "odc-by", "odc-odbl", "odc-pddl", "other", "other-at",
    "other-closed", "other-nc", "other-open", "other-pd", "uk-ogl",
})


def slug(text: str) -> str:
    """A CKAN name: lower-case ASCII letters, digits and hyphens, 2 to 100 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100].strip("-")


class CkanProfile(HvdProfile):
    """avoindata.fi ``package_create``: the scheming fields first, extras only for the rest."""

    name = "avoindata-ckan"

    @staticmethod
    def _fluent(texts: dict[str, str]) -> dict[str, str]:
        return {lang: texts[lang].strip() for lang in PORTAL_LANGUAGES
                if texts.get(lang, "").strip()}

    def _default(self, texts: dict[str, str]) -> str:
        return next((texts[k] for k in PORTAL_LANGUAGES if texts.get(k)), "")

    def package(self, record: MetadataRecord) -> dict[str, Any]:
        a, forms = record.assessment, self.forms
        ds = a.dataset
        titles = self._fluent(ds.title)
        org = ds.publisher.split("/")[0].strip()
        pkg: dict[str, Any] = {
            "name": slug(self._default(titles)) or slug(a.id),  # never empty
            "title_translated": titles,
            "notes_translated": self._fluent(record.description or ds.description),
            "keywords": {lang: [w.strip() for w in ds.keywords.get(lang, []) if w.strip()]
                         for lang in PORTAL_LANGUAGES if ds.keywords.get(lang)},
            "maintainer": ds.contact.name.strip() or ds.publisher.strip(),
            "maintainer_email": [ds.contact.email.strip()] if ds.contact.email.strip() else [],
            "license_id": record.licence.ckan_id if record.licence else None,
            "collection_type": "Open Data",
            "private": False,
            "highvalue": record.hvd is not None,
            "owner_org": slug(org) if org else None,
            "resources": [self._resource_dict(record, d) for d in record.distributions],
        }
        if record.hvd is not None:
            pkg["highvalue_category"] = [PORTAL_HVD_CATEGORIES.get(record.hvd.category,
                                                                   record.hvd.category)]
        if record.publisher_uri:
            pkg["maintainer_website"] = record.publisher_uri
        if ds.spatial_coverage.strip():
            pkg["geographical_coverage"] = [ds.spatial_coverage.strip().lower()]
        freq = next((f for f in forms.vocab.frequencies if f.id == ds.update_frequency), None)
        if freq:
            pkg["update_frequency"] = {lang: [freq.text[lang]] for lang in PORTAL_LANGUAGES
                                       if freq.text.get(lang)}
        if record.landing_page:
            pkg["external_urls"] = [record.landing_page]
        if record.api is not None and record.api.endpoint_url:
            pkg["resources"].append(self._api_dict(record))
        pkg["extras"] = self._extras(record)
        return pkg

    def _period(self, record: MetadataRecord) -> dict[str, str]:
        period = record.assessment.dataset.temporal_coverage
        out = {}
        if period.start:
            out["temporal_coverage_from"] = period.start.isoformat()
        if period.end:
            out["temporal_coverage_to"] = period.end.isoformat()
        return out

    def _resource_dict(self, record: MetadataRecord, dist: DistributionRecord) -> dict[str, Any]:
        names = self._fluent(dist.title)
        fmt = dist.file_format
        return {"name": self._default(names), "name_translated": names,
                "url": dist.download_url or dist.access_url,
                "format": fmt.name if fmt else dist.format_id,
                "description": self._default(self._fluent(dist.description)),
                "description_translated": self._fluent(dist.description),
                **self._period(record)}

    def _api_dict(self, record: MetadataRecord) -> dict[str, Any]:
        api = record.api
        assert api is not None
        names = self._fluent(api.title)
        docs = {lang: f"{label('metadata_api_documentation', lang, self.forms)}: "
                      f"{api.documentation_url}" for lang in names} \
            if api.documentation_url else {}
        return {"name": self._default(names), "name_translated": names,
                "url": api.endpoint_url, "format": "API",
                "description": self._default(docs), "description_translated": docs,
                **self._period(record)}

    def _extras(self, record: MetadataRecord) -> list[dict[str, str]]:
        """DCAT-AP facts avoindata.fi's schema has no field for, as CKAN extras (strings)."""
        ds = record.assessment.dataset
        extras = [("identifier", dataset_iri(record.assessment.id))]
        if record.access_right_uri:
            extras.append(("access_rights", record.access_right_uri))
        uris = [t.uri for t in self.forms.vocab.themes if t.id in ds.themes and t.uri]
        if uris:
            extras.append(("theme", json.dumps(uris)))
        if record.spatial_uri:
            extras.append(("spatial_uri", record.spatial_uri))
        if record.hvd is not None:
            extras.append(("applicable_legislation", record.hvd.legislation_uri))
        if record.quality:
            extras.append(("quality_statement", json.dumps(self._fluent(record.quality) or
                                                           record.quality,
                                                           ensure_ascii=False)))
        return [{"key": k, "value": v} for k, v in extras]


def mark_draft(g: Graph, nodes: Nodes, note: dict[str, str]) -> None:
    """A record not approved for publication says so itself: the note, in every language,
    as the dataset's adms:versionNotes (a literal DCAT-AP 3.0.1 allows on a dataset), so a
    harvester or a person reading the file sees it wherever the file goes."""
    for lang in sorted(note):
        g.add((nodes.dataset, ADMS.versionNotes, _lit(note[lang], lang=lang)))


def mark_draft_package(package: dict[str, Any], note: dict[str, str]) -> None:
    """The CKAN package as a draft (``state: draft``, which CKAN does not list publicly),
    with the note as an extra in the portal's languages."""
    package["state"] = "draft"
    text = next((note[lang] for lang in PORTAL_LANGUAGES if note.get(lang)), "")
    package.setdefault("extras", []).append({"key": "review_status", "value": text})
