"""Read and check the questionnaire files in ``forms/``.

A broken form must stop the program with the file, the place in it and what was expected,
because an organisation edits these files by hand and a silently ignored typo would change
every score computed from them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import string
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.version import VERSION as PYDANTIC_VERSION

from hrk_workbench.forms.schema import (
    LANGUAGES,
    DatasetForm,
    FileFormat,
    FormatCatalogue,
    HrkForm,
    Licence,
    LicenceCatalogue,
    Option,
    QualityForm,
    Question,
    QuestionForm,
    Text,
    Vocabularies,
)
from hrk_workbench.foundations.atomic import atomic_write_bytes
from hrk_workbench.foundations.data_files import data_dir
from hrk_workbench.foundations.problems import (
    InputError,
    Problem,
    json_path,
    problems_from_pydantic,
)
from hrk_workbench.foundations.rule_ids import READ_BY_RULES

FORMS_ENV = "HRK_FORMS_DIR"


def default_forms_dir() -> Path:
    """Where the forms live: ``$HRK_FORMS_DIR``, the installed copy, or the source tree's."""
    return data_dir("forms", FORMS_ENV)


class FormError(InputError):
    """A form file is missing, unreadable or does not have the expected shape."""


@dataclass(frozen=True)
class Messages:
    """One language's message catalogue: reason templates and labels, referred to by key."""

    lang: str
    reasons: dict[str, str]
    labels: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Forms:
    """Every form file, checked, plus look-ups the rules and renderers share."""

    directory: Path
    hrk: HrkForm
    dataset: DatasetForm
    anonymisation: QuestionForm
    channel: QuestionForm
    quality: QualityForm
    licences: LicenceCatalogue
    formats: FormatCatalogue
    vocab: Vocabularies
    messages: dict[str, Messages]
    _texts: dict[str, Text] = field(default_factory=dict, repr=False)

    def licence(self, licence_id: str | None) -> Licence | None:
        return next((lic for lic in self.licences.licences if lic.id == licence_id), None)

    def file_format(self, format_id: str) -> FileFormat | None:
        return next((f for f in self.formats.formats if f.id == format_id), None)

    def options(self, question: Question) -> list[Option]:
        """The options a choice question offers, resolving option-set and catalogue names."""
        if isinstance(question.options, list):
            return question.options
        if question.options == "catalogue:formats":
            return [Option(value=f.id, text=f.text) for f in self.formats.formats]
        return self.vocab.option_sets.get(question.options or "", [])

    def question_text(self, question_id: str, lang: str) -> str:
        """The text of any question, criterion or item by its id, in ``lang``."""
        text = self._texts.get(question_id)
        return text.get(lang) or text["en"] if text else question_id


def _read_yaml(path: Path) -> Any:
    import yaml  # only when the forms are read, not when they come from the cache

    # libyaml's safe loader where PyYAML was built with it: the same documents, read ~10x
    # faster, which is most of a command's start-up time
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise FormError(str(path), [Problem("$", "form file is missing", "the file")]) from None
    except UnicodeDecodeError as exc:
        raise FormError(
            str(path), [Problem(f"byte {exc.start}", "not valid UTF-8", "UTF-8 text")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        reason = getattr(exc, "problem", None) or str(exc)
        raise FormError(str(path), [Problem(where, f"YAML syntax error: {reason}")]) from None


def _parse(path: Path, model: type[BaseModel]) -> Any:
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FormError(str(path), [_in_yaml(p) for p in problems_from_pydantic(exc)]) from None


def _in_yaml(problem: Problem) -> Problem:
    """Paths inside a form file read as YAML paths (``$.benefits.questions[0]``), unlike the
    answer paths of an assessment."""
    loc = problem.location
    if loc.startswith("$") or loc.startswith("line"):
        return problem
    return replace(problem, location=f"$.{loc}")


_PLACEHOLDER = string.Formatter()


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _PLACEHOLDER.parse(template) if name}


def _load_messages(directory: Path) -> dict[str, Messages]:
    catalogues: dict[str, Messages] = {}
    for lang in LANGUAGES:
        path = directory / "messages" / f"{lang}.yaml"
        data = _read_yaml(path)
        problems = []
        if not isinstance(data, dict) or not isinstance(data.get("reasons"), dict) \
                or not isinstance(data.get("labels"), dict):
            problems.append(Problem("$", "wrong shape", "mappings 'reasons' and 'labels'"))
        else:
            if not isinstance(data.get("problems", {}), dict):
                problems.append(Problem("$.problems", "wrong shape", "a mapping of texts"))
            for section in ("reasons", "labels", "problems"):
                for key, value in (data.get(section) or {}).items():
                    if not isinstance(value, str) or not value.strip():
                        problems.append(Problem('$.' + json_path([section, str(key)]),
                                                "empty or not text", "a text"))
        if problems:
            raise FormError(str(path), problems)
        labels = dict(data["labels"])
        for part in ("gui", "report", "cli"):  # the desktop app's, the memo's, the CLI's texts
            labels.update(_gui_labels(directory, lang, labels, part))
        catalogues[lang] = Messages(lang, dict(data["reasons"]), labels,
                                    dict(data.get("problems") or {}))
    _check_messages_agree(directory, catalogues)
    return catalogues


def _gui_labels(directory: Path, lang: str, core: dict[str, str],
                part: str = "gui") -> dict[str, str]:
    """The app's or the memo's texts (``messages/<part>/<lang>.yaml``, part ``gui`` or
    ``report``), kept apart from the rules' texts.

    They join the same label namespace, so a key may be defined only once.
    """
    path = directory / "messages" / part / f"{lang}.yaml"
    if not path.is_file():
        return {}
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("labels"), dict):
        raise FormError(str(path), [Problem("$", "wrong shape", "a mapping 'labels'")])
    problems = []
    for key, value in data["labels"].items():
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem('$.' + json_path(["labels", str(key)]), "empty or not text",
                                    "a text"))
        elif key in core:
            problems.append(Problem('$.' + json_path(["labels", str(key)]),
                                    f"already defined in messages/{lang}.yaml", "a new key"))
    if problems:
        raise FormError(str(path), problems)
    return {str(k): v for k, v in data["labels"].items()}


def _check_messages_agree(directory: Path, catalogues: dict[str, Messages]) -> None:
    """Every language must have every key, with the same placeholders as English."""
    reference = catalogues["en"]
    for lang, cat in catalogues.items():
        problems = []
        for section in ("reasons", "labels", "problems"):
            ref, own = getattr(reference, section), getattr(cat, section)
            for key in sorted(set(ref) - set(own)):
                problems.append(Problem('$.' + json_path([section, key]), "missing",
                                        "a translation"))
            for key in sorted(set(own) - set(ref)):
                problems.append(Problem('$.' + json_path([section, key]), "not in en.yaml",
                                        "only keys that en.yaml has"))
            for key in sorted(set(ref) & set(own)):
                if _placeholders(ref[key]) != _placeholders(own[key]):
                    problems.append(Problem(
                        '$.' + json_path([section, key]),
                        f"placeholders {sorted(_placeholders(own[key]))} differ from English",
                        str(sorted(_placeholders(ref[key]))),
                    ))
        if problems:
            raise FormError(str(directory / "messages" / f"{lang}.yaml"), problems)


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _cross_check(forms: Forms) -> None:
    """Checks that span sections or files: unique ids, references that must resolve."""
    problems: list[Problem] = []
    d = forms.directory

    def dup(file: str, where: str, ids: list[str]) -> None:
        for i in _duplicates(ids):
            problems.append(Problem(f"{file}: {where}", f"id {i!r} is used twice", "unique ids"))

    hrk = forms.hrk
    dup("hrk.yaml", "$.gates.questions", [q.id for q in hrk.gates.questions])
    dup("hrk.yaml", "$.benefits.questions", [q.id for q in hrk.benefits.questions])
    dup("hrk.yaml", "$.risks.questions", [q.id for q in hrk.risks.questions])
    dup("hrk.yaml", "$.costs.items", [q.id for q in hrk.costs.items])
    gate_values = {o.value for o in hrk.gates.scale}
    if gate_values != {"yes", "no", "unknown"}:
        problems.append(Problem("hrk.yaml: $.gates.scale", f"values {sorted(gate_values)}",
                                "exactly yes, no, unknown"))
    for name, form in (("anonymisation.yaml", forms.anonymisation),
                       ("channel.yaml", forms.channel)):
        dup(name, "$.questions", [q.id for q in form.questions])
        for i, q in enumerate(form.questions):
            if isinstance(q.options, str) and q.options != "catalogue:formats" \
                    and q.options not in forms.vocab.option_sets:
                problems.append(Problem(
                    f"{name}: $.questions[{i}].options", f"unknown option set {q.options!r}",
                    f"one of {sorted(forms.vocab.option_sets)} or 'catalogue:formats'"))
    dup("quality.yaml", "$.criteria", [c.id for c in forms.quality.criteria])
    lic_ids = [lic.id for lic in forms.licences.licences]
    dup("licences.yaml", "$.licences", lic_ids)
    for key in ("default_data", "default_metadata"):
        if getattr(forms.licences, key) not in lic_ids:
            problems.append(Problem(f"licences.yaml: $.{key}", "names no licence in the list",
                                    f"one of {lic_ids}"))
    dup("formats.yaml", "$.formats", [f.id for f in forms.formats.formats])
    dup("dataset.yaml", "$.fields", [f.id for f in forms.dataset.fields])
    problems += _check_rule_ids(forms)
    problems += _check_conditions(forms)
    if problems:
        raise FormError(str(d), problems)


def _form_ids(forms: Forms) -> dict[str, list[str]]:
    """Each form file (as rule_ids names it) with the ids it defines."""
    return {
        "hrk.yaml gates": [q.id for q in forms.hrk.gates.questions],
        "anonymisation.yaml": [q.id for q in forms.anonymisation.questions],
        "channel.yaml": [q.id for q in forms.channel.questions],
        "dataset.yaml": [f.id for f in forms.dataset.fields],
    }


def _check_rule_ids(forms: Forms) -> list[Problem]:
    ids = _form_ids(forms)
    return [Problem(f"{where}: $", f"question {qid!r} is read by the rules but the form lacks it",
                    f"a question with id {qid!r} (rules in hrk_workbench/rule_ids.py)")
            for where, wanted in READ_BY_RULES.items() for qid in wanted
            if qid not in ids[where]]


def answer_paths(forms: Forms) -> set[str]:
    """The question-level paths a condition may name (``dataset.personal_data``,
    ``anonymisation.A2``, ``gates.G1``, ``risks.R1`` ...); dataset fields are those that
    dataset.yaml declares."""
    hrk = forms.hrk
    paths = {f"dataset.{f.id}" for f in forms.dataset.fields}
    for section, items in (("gates", hrk.gates.questions), ("benefits", hrk.benefits.questions),
                           ("risks", hrk.risks.questions),
                           ("anonymisation", forms.anonymisation.questions),
                           ("channel", forms.channel.questions)):
        paths |= {f"{section}.{q.id}" for q in items}
    return paths


def _check_conditions(forms: Forms) -> list[Problem]:
    known = answer_paths(forms)
    problems = []

    def check(where: str, condition: dict[str, Any]) -> None:
        for path in condition:
            if path not in known:
                problems.append(Problem(where, f"{path!r} names no answer",
                                        "a path such as dataset.personal_data or "
                                        "anonymisation.A2"))

    hrk = forms.hrk
    for name, section, items in (("hrk.yaml", "gates", hrk.gates.questions),
                                 ("hrk.yaml", "risks", hrk.risks.questions),
                                 ("anonymisation.yaml", "questions",
                                  forms.anonymisation.questions),
                                 ("channel.yaml", "questions", forms.channel.questions),
                                 ("dataset.yaml", "fields", forms.dataset.fields)):
        for i, q in enumerate(items):
            if not isinstance(q.required, bool):
                check(f"{name}: $.{section}[{i}].required.when", q.required.when)
    for name, form in (("anonymisation.yaml", forms.anonymisation),
                       ("channel.yaml", forms.channel)):
        for i, rule in enumerate(form.contradictions):
            where = f"{name}: $.contradictions[{i}]"
            if len(rule) < 2:
                problems.append(Problem(where, "names fewer than two answers",
                                        "two or more answers that cannot all hold"))
            check(where, rule)
    return problems


def _collect_texts(forms: Forms) -> dict[str, Text]:
    texts: dict[str, Text] = {}
    hrk = forms.hrk
    for group in (hrk.gates.questions, hrk.benefits.questions, hrk.risks.questions,
                  hrk.costs.items, forms.anonymisation.questions, forms.channel.questions,
                  forms.quality.criteria, forms.dataset.fields):
        for q in group:
            texts[q.id] = q.text
    return texts


@cache
def _load(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> Forms:
    cached = _from_disk_cache(directory, stamp)
    if cached is not None:
        return cached
    forms = _read_all(directory)
    _to_disk_cache(directory, stamp, forms)
    return forms


# A command starts in a fresh process, and reading and checking ~20 YAML files is most of its
# start-up. The checked forms are kept in the user's cache folder, keyed on every form file's
# name, size and modification time and on this code, so any edit is read and checked again.
CACHE_ENV = "HRK_CACHE_DIR"


def user_cache_dir() -> Path | None:
    """The per-user folder for what start-up can skip recomputing: ``$HRK_CACHE_DIR``,
    ``$XDG_CACHE_HOME`` or ``~/.cache``, then ``hrk-workbench``; None without a home."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or (
        str(Path.home() / ".cache") if Path.home().name else "")
    return Path(base) / "hrk-workbench" if base else None


def _cache_file(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> Path | None:
    if directory != str(default_forms_dir().resolve()):
        return None  # an organisation's or a test's own copy: read it, keep nothing
    base = user_cache_dir()
    if base is None:
        return None
    code = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(
        Path(__file__).parent.glob("*.py")))
    key = hashlib.sha256(repr((directory, stamp, code, sys.version, PYDANTIC_VERSION))
                         .encode()).hexdigest()
    return base / f"forms-{key[:32]}.pickle"


def _from_disk_cache(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> Forms | None:
    try:
        path = _cache_file(directory, stamp)
        if path is None or not path.is_file():
            return None
        forms = pickle.loads(path.read_bytes())
    except Exception:  # a damaged or foreign cache file is only a slower start
        return None
    return forms if isinstance(forms, Forms) else None


def _to_disk_cache(directory: str, stamp: tuple[tuple[str, int, int], ...],
                   forms: Forms) -> None:
    try:
        path = _cache_file(directory, stamp)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("forms-*.pickle"):  # one entry per forms folder is enough
            if old != path and time.time() - old.stat().st_mtime > 7 * 86400:
                old.unlink(missing_ok=True)
        atomic_write_bytes(path, pickle.dumps(forms, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a read-only home or a full disk must not stop the program
        return


def _read_all(directory: str) -> Forms:
    d = Path(directory)
    if not d.is_dir():
        raise FormError(directory, [Problem("$", "forms folder not found",
                                            f"a folder with hrk.yaml (or set {FORMS_ENV})")])
    forms = Forms(
        directory=d,
        hrk=_parse(d / "hrk.yaml", HrkForm),
        dataset=_parse(d / "dataset.yaml", DatasetForm),
        anonymisation=_parse(d / "anonymisation.yaml", QuestionForm),
        channel=_parse(d / "channel.yaml", QuestionForm),
        quality=_parse(d / "quality.yaml", QualityForm),
        licences=_parse(d / "licences.yaml", LicenceCatalogue),
        formats=_parse(d / "formats.yaml", FormatCatalogue),
        vocab=_parse(d / "vocabularies.yaml", Vocabularies),
        messages=_load_messages(d),
    )
    _cross_check(forms)
    forms._texts.update(_collect_texts(forms))
    return forms


def load_forms(directory: str | os.PathLike[str] | None = None) -> Forms:
    """Load and check every form file; cached until a file in the folder changes."""
    d = Path(directory) if directory is not None else default_forms_dir()
    d = d.resolve()
    stamp = tuple(
        (str(p.relative_to(d)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(d.rglob("*.yaml"))
    ) if d.is_dir() else ()
    return _load(str(d), stamp)


