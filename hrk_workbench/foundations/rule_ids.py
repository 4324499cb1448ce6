"""The question ids that rules read by name, declared once.

Most rules work over whatever a form lists, but some read a particular question (the gate on
identifiable persons, the anonymisation and channel questions). They are named here, and the
forms loader checks that each still exists, so an organisation that renames one in a YAML file
gets an error at start-up instead of advice that silently stops applying.
"""

from __future__ import annotations

# forms/hrk.yaml gates
IDENTIFIABLE = "G2"  # personal data still identifiable after protection
RIGHTS = "G4"  # the organisation lacks the right to publish

# forms/anonymisation.yaml
DIRECT, INDIRECT, SPECIAL, FREE_TEXT, PSEUDONYMISED = "A1", "A2", "A3", "A4", "A5"
UNITS, TABLES, REGIONAL, LINKAGE, MEASURED = "A6", "A7", "A8", "A9", "A10"

# forms/channel.yaml
REAL_TIME, SUBSETS, CAPACITY, SIMILAR, STANDARD = "CH1", "CH2", "CH3", "CH4", "CH5"
KIND, CURRENT, PLANNED, URIS, LINKED = "CH6", "CH7", "CH8", "CH9", "CH10"
NETWORK, SUPPORT, PUBLISHED_AT = "CH11", "CH12", "CH13"

# forms/dataset.yaml fields
PERSONAL_DATA, GRANULARITY = "personal_data", "granularity"

READ_BY_RULES: dict[str, tuple[str, ...]] = {
    "hrk.yaml gates": (IDENTIFIABLE, RIGHTS),
    "anonymisation.yaml": (DIRECT, INDIRECT, SPECIAL, FREE_TEXT, PSEUDONYMISED, UNITS, TABLES,
                           REGIONAL, LINKAGE, MEASURED),
    "channel.yaml": (REAL_TIME, SUBSETS, CAPACITY, SIMILAR, STANDARD, KIND, CURRENT, PLANNED,
                     URIS, LINKED, NETWORK, SUPPORT, PUBLISHED_AT),
    "dataset.yaml": (PERSONAL_DATA, GRANULARITY),
}
