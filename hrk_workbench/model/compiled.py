"""The document's and the forms' validators and serializers, kept between processes.

Every command that opens an ``*.hrk.json`` file validates it, and building pydantic's
validators and serializers for the model's and the forms' ~60 classes took most of a
command's start-up after the imports. The classes defer that building to their first use
(``defer_build``), and what it produces pickles as the compiled schema it was built from, so
it is kept in the user's cache folder, keyed on the code of ``model/`` and ``forms/`` and
on the Python and pydantic versions: any change to a class builds them again. A missing,
damaged or unwritable cache is only a slower start; the shapes checked and the messages
given are the classes' own either way.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel
from pydantic.version import VERSION as PYDANTIC_VERSION

from hrk_workbench.forms import schema as forms_schema
from hrk_workbench.forms.loader import user_cache_dir
from hrk_workbench.foundations.atomic import atomic_write_bytes
from hrk_workbench.model import assessment

PREFIX = "schemas-"
MODULES: tuple[ModuleType, ...] = (assessment, forms_schema)


def _classes() -> dict[str, type[BaseModel]]:
    """Every model class the modules define, by qualified name."""
    return {f"{m.__name__}.{name}": value for m in MODULES for name, value in vars(m).items()
            if isinstance(value, type) and issubclass(value, BaseModel)
            and value.__module__ == m.__name__}


def _cache_file() -> Path | None:
    base = user_cache_dir()
    if base is None:
        return None
    folders = sorted({Path(m.__file__ or "").parent for m in MODULES})
    code = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                 for folder in folders for p in sorted(folder.glob("*.py")))
    key = hashlib.sha256(repr((code, sys.version, PYDANTIC_VERSION)).encode()).hexdigest()
    return base / f"{PREFIX}{key[:32]}.pickle"


def _from_disk(path: Path, names: set[str]) -> dict[str, tuple[Any, Any]] | None:
    from pydantic_core import SchemaSerializer, SchemaValidator

    try:
        compiled = pickle.loads(path.read_bytes())
    except Exception:  # missing, damaged or written by another version: build them again
        return None
    if not isinstance(compiled, dict) or set(compiled) != names or not all(
            isinstance(v, SchemaValidator) and isinstance(s, SchemaSerializer)
            for v, s in compiled.values()):
        return None
    return compiled


def _to_disk(path: Path, compiled: dict[str, tuple[Any, Any]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{PREFIX}*.pickle"):  # versions unused for a week
            if old != path and time.time() - old.stat().st_mtime > 7 * 86400:
                old.unlink(missing_ok=True)
        atomic_write_bytes(path, pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a read-only home or a full disk must not stop the program
        return


def use_cached_schemas() -> None:
    """Give every class its validator and serializer from the cache, or build them all and
    keep them for the next process."""
    classes = _classes()
    try:
        path = _cache_file()
    except OSError:
        path = None
    compiled = _from_disk(path, set(classes)) if path is not None else None
    if compiled is None:
        for cls in classes.values():
            cls.model_rebuild()
        if path is not None:
            _to_disk(path, {name: (cls.__pydantic_validator__, cls.__pydantic_serializer__)
                            for name, cls in classes.items()})
        return
    for name, (validator, serializer) in compiled.items():
        cls = classes[name]
        cls.__pydantic_validator__ = validator
        cls.__pydantic_serializer__ = serializer
