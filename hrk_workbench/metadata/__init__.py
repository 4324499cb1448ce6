"""Catalogue metadata: what a record still needs (readiness), and the records themselves:
DCAT-AP 3 / HVD RDF and the avoindata.fi CKAN package (record, profiles, shacl, commands)."""

from .readiness import MetadataAdvice, advise_metadata

__all__ = ["MetadataAdvice", "advise_metadata"]
