"""Disclosure control: what anonymisation a dataset needs (from the answers) and, in later
modules, the risk measured on the real data."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrk_workbench.disclosure.need import AnonymisationAdvice, advise_anonymisation

__all__ = ["AnonymisationAdvice", "advise_anonymisation"]


def __getattr__(name: str) -> object:
    # Loaded on first use, so that a command importing one module of this package (its
    # ``commands`` registering a subcommand) does not pay for the rules at start-up.
    if name in __all__:
        from hrk_workbench.disclosure import need

        return getattr(need, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
