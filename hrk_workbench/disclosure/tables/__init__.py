"""Tables: cells with every margin (:mod:`.cells`), primary and secondary suppression, the
attacker's system of equations and the audit against outsiders and insiders, linked tables,
and the cell key method."""
