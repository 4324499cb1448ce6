"""Catalogue metadata: the record read from the assessment (:mod:`.record`), what it still
needs (:mod:`.readiness`), and its files: DCAT-AP 3 / HVD RDF and the avoindata.fi CKAN
package (:mod:`.profiles`, validated by :mod:`.shacl`, written by :mod:`.export`)."""
