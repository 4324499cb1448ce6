"""Licence advice and the attribution line users copy when they reuse the data."""

from hrk_workbench.licences.advice import LicenceAdvice, advise_licence

__all__ = ["LicenceAdvice", "advise_licence"]
