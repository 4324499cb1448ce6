"""Disclosure control: what anonymisation a dataset needs from the answers (:mod:`.need`), the
risk measured on unit data and its protections (:mod:`.microdata`), and tables with their
suppression and audit (:mod:`.tables`); the lab results saved in the assessment
(:mod:`.results`) and the data files they were measured on (:mod:`.loading`,
:mod:`.fingerprints`) serve both labs."""
