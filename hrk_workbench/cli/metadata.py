"""``hrk-workbench metadata``: the catalogue record as DCAT-AP RDF or an avoindata.fi package.

Light on import (the CLI imports every command module to build its parser): rdflib and pyshacl
load inside :func:`cmd_metadata`. Exit codes: 0 written, 1 ``--validate`` found the record
incomplete (what to add is listed in the steward's words and nothing is written), 2 bad
input, including a CKAN package asked for data that is not open. A CKAN package the portal
would refuse (an empty required field, a resource without an address) also exits 1 and
writes nothing, with or without ``--validate``.

Nothing is published before approval: a CKAN package, and a DCAT-AP record whose access
rights are PUBLIC, need a valid decider approval of a decision to open on the version as it
is (``hrk-workbench approve``); else exit 2 with the reason and nothing written, or with
``--draft`` the record is written and says in itself that it is a draft.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hrk_workbench.forms.loader import Forms
from hrk_workbench.metadata.export import (
    FORMATS,
    ckan_blockers,
    ckan_refusal,
    missing_for,
    output_format,
    profile_for,
    publication_refusal,
    record_text,
    shape_sets_for,
)

EXIT_OK, EXIT_NOT_CONFORMING, EXIT_BAD_INPUT = 0, 1, 2


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the ``metadata`` command to the CLI's subparsers."""
    p = sub.add_parser(
        "metadata", parents=[common],
        help="catalogue metadata: DCAT-AP 3 (with HVD) as RDF, or an avoindata.fi package")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True,
                   help="file to write, '-' for standard output")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="default from the output's suffix: .ttl turtle, .jsonld json-ld, "
                        ".rdf/.xml rdf-xml, .json ckan (else turtle)")
    p.add_argument("--validate", action="store_true",
                   help="check with the official DCAT-AP 3.0.1 (and HVD 3.0.0) SHACL shapes; "
                        "list what is missing and write nothing unless it conforms")
    p.add_argument("--draft", action="store_true",
                   help="write a public record not yet approved, marked as a draft in itself")
    p.set_defaults(func=cmd_metadata)


def cmd_metadata(args: argparse.Namespace, forms: Forms) -> int:
    from hrk_workbench.decision.check import check_against_forms
    from hrk_workbench.foundations.i18n import label, render_problem
    from hrk_workbench.foundations.problems import InputError, has_errors
    from hrk_workbench.metadata.record import build_record
    from hrk_workbench.model.store import load_assessment

    lang: str = args.lang
    if args.output != "-":
        from hrk_workbench.foundations.outputs import Output, check_outputs

        check_outputs([Output(args.output)], {"FILE": args.file})
    assessment = load_assessment(args.file)
    warnings = check_against_forms(assessment, forms)
    if has_errors(warnings):
        raise InputError(args.file, warnings)
    fmt = output_format(args.output, args.format)
    record = build_record(assessment, forms)
    if fmt == "ckan":  # one line why, before any warning
        refusal = ckan_refusal(record, lang, forms)
        if refusal is not None:
            raise InputError(args.file, [refusal])
    draft = None
    if args.draft:
        from hrk_workbench.review.gate import draft_note

        draft = draft_note(forms)
    left_out = {p.location for p in record.warnings}  # said once, with "left out"
    for p in [*(w for w in warnings if not (w.code.startswith("address_")
                                            and w.location in left_out)), *record.warnings]:
        print(f"{args.file}: {render_problem(p, lang, forms)}", file=sys.stderr)

    profile = profile_for(fmt, record, forms)
    graph, nodes = profile.graph(record)
    if draft is not None:
        from hrk_workbench.metadata.profiles import mark_draft

        mark_draft(graph, nodes, draft)
    shape_sets = shape_sets_for(record)
    if fmt == "ckan":  # a package the portal would refuse is never written, half or whole
        missing = missing_for(record, graph, nodes, fmt, forms, lang) if args.validate \
            else ckan_blockers(record, forms, lang)
        if missing:
            for p in missing:
                print(f"{args.file}: {render_problem(p, lang, forms)}", file=sys.stderr)
            print(label("metadata_package_incomplete", lang, forms).format(
                file=args.file, profile=profile.name, count=len(missing)), file=sys.stderr)
            return EXIT_NOT_CONFORMING
    elif args.validate:
        missing = missing_for(record, graph, nodes, fmt, forms, lang)
        if missing:
            for p in missing:
                print(f"{args.file}: {render_problem(p, lang, forms)}", file=sys.stderr)
            print(label("metadata_not_conforming", lang, forms).format(
                file=args.file, shapes=" + ".join(shape_sets), count=len(missing)),
                file=sys.stderr)
            return EXIT_NOT_CONFORMING

    # nothing public is written before a decider approved this version, except as a draft;
    # asked last, as approving is the last step: what the record lacks is told first
    unapproved = publication_refusal(record, fmt, forms, Path(args.file))
    if unapproved is not None and draft is None:
        raise InputError(args.file, [unapproved])
    text, size = record_text(profile, record, graph, fmt, draft)
    from hrk_workbench.foundations.outputs import shown_path

    shown = shown_path(args.output)
    if fmt == "ckan":
        done = label("metadata_written_package", lang, forms).format(
            file=shown, profile=profile.name, resources=size)
    else:
        done = label("metadata_written", lang, forms).format(
            file=shown, profile=" + ".join(shape_sets), triples=size)
    _write(args.output, text)
    if args.output != "-":
        print(done)
        if draft is not None:
            print(label("metadata_written_draft", lang, forms).format(file=shown))
        if args.validate:
            print(label("metadata_conforms", lang, forms).format(
                file=shown, shapes=" + ".join(shape_sets)))
    return EXIT_OK


def _write(output: str, text: str) -> None:
    if output == "-":
        sys.stdout.write(text)
        return
    from hrk_workbench.foundations.atomic import atomic_write_text

    atomic_write_text(output, text)
