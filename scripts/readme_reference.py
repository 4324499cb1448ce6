"""Write the README's generated references: every ``set`` path and every recipe step.

Both come from the code and the forms (``model/paths.py``, the recipe's step models), so a
question added to a form or a new recipe step shows up here; ``tests/test_readme.py`` fails
while the README's copy is out of date.

    .venv/bin/python scripts/readme_reference.py          # rewrite README.md in place
    .venv/bin/python scripts/readme_reference.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MARKERS = {"set-paths": "set_paths_markdown", "recipe-steps": "recipe_steps_markdown"}


def set_paths_markdown() -> str:
    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.model.paths import answer_paths, render_markdown

    return render_markdown(answer_paths(load_forms()))


def recipe_steps_markdown() -> str:
    from hrk_workbench.disclosure.microdata.recipe import Step

    union = get_args(Step)[0]
    lines = ["| `op` | fields | what it does |", "|---|---|---|"]
    for model in get_args(union):
        ops = get_args(model.model_fields["op"].annotation)
        fields = [_field_text(name, f) for name, f in model.model_fields.items() if name != "op"]
        doc = " ".join((model.__doc__ or "").split()).replace("``", "`")
        lines.append(f"| {' / '.join(f'`{o}`' for o in ops)} | {', '.join(fields)} | {doc} |")
    return "\n".join(lines) + "\n"


def _field_text(name: str, field: Any) -> str:
    kind = field.annotation
    allowed = get_args(kind) if get_origin(kind) is Literal else ()
    text = f"`{name}`" + (": " + " / ".join(f"`{v}`" for v in allowed) if allowed else "")
    return text + ("" if field.is_required() else f" (default {_default(field)})")


def _default(field: Any) -> str:
    value = field.get_default(call_default_factory=True)
    return "none" if value is None else f"`{value}`"


def render(text: str) -> str:
    """The README with every generated block replaced by its current content."""
    for marker, func in MARKERS.items():
        pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md: no <!-- {marker}:start --> ... end block")
        body = globals()[func]()
        text = pattern.sub(lambda m, b=body: m.group(1) + b + m.group(2), text)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, exit 1 if stale")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("README.md: generated references are out of date; run "
                  "scripts/readme_reference.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
