"""Catalogue metadata: what a record still needs (readiness), and the records themselves:
DCAT-AP 3 / HVD RDF and the avoindata.fi CKAN package (record, profiles, shacl, commands)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrk_workbench.metadata.readiness import MetadataAdvice, advise_metadata

__all__ = ["MetadataAdvice", "advise_metadata"]


def __getattr__(name: str) -> object:
    # Loaded on first use, so that a command importing one module of this package (its
    # ``commands`` registering a subcommand) does not pay for the rules at start-up.
    if name in __all__:
        from hrk_workbench.metadata import readiness

        return getattr(readiness, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
