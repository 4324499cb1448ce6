"""Catalogue metadata: what a DCAT-AP / CKAN record still needs (and later, the records)."""

from .readiness import MetadataAdvice, advise_metadata

__all__ = ["MetadataAdvice", "advise_metadata"]
