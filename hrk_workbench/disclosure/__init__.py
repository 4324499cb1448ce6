"""Disclosure control: what anonymisation a dataset needs (from the answers) and, in later
modules, the risk measured on the real data."""

from .need import AnonymisationAdvice, advise_anonymisation

__all__ = ["AnonymisationAdvice", "advise_anonymisation"]
