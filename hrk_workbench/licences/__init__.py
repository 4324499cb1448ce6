"""Licence advice and the attribution line users copy when they reuse the data."""

from .advice import LicenceAdvice, advise_licence

__all__ = ["LicenceAdvice", "advise_licence"]
