"""Shared fixtures: the default forms, and builders for assessments and edited form folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from hrk_workbench.forms.loader import Forms, default_forms_dir, load_forms

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def forms() -> Forms:
    return load_forms()


@pytest.fixture
def forms_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the default forms to a temp folder; ``edit(file, fn)`` changes one YAML file."""
    target = tmp_path / "forms"
    shutil.copytree(default_forms_dir(), target)

    def edit(name: str | None = None, fn: Callable[[dict], object] | None = None) -> Path:
        if name and fn:
            path = target / name
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            fn(data)  # edits in place; a return value (e.g. of list.pop) is ignored
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
        return target

    return edit
