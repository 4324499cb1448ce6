"""Sharing channel (file, API or both), file formats and the five-star level."""

from hrk_workbench.channels.advice import (
    ChannelAdvice,
    FiveStar,
    FormatAdvice,
    advise_channel,
    advise_formats,
    five_star,
)

__all__ = [
    "ChannelAdvice",
    "FiveStar",
    "FormatAdvice",
    "advise_channel",
    "advise_formats",
    "five_star",
]
