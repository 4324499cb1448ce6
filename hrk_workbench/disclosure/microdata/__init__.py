"""Unit data: disclosure-risk measures, the protections of a public-use file (a recipe of
steps), what they cost in information, and the verdict in plain words."""
