"""The package's rooms and the one direction of its imports, read from the source.

Every import statement counts, wherever it stands (at the top, inside a function, under
``if TYPE_CHECKING``): a function-level import is still a dependency, only a later one. The
layers are written down once, here, and drawn in the README's architecture section.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "hrk_workbench"

# From the bottom up. A module may import from its own layer and the layers below it; the
# longest matching prefix places a module. The recommendation, which reads every other rule,
# sits above them (``decision``); the catalogue record reads the recommendation (its access
# rights), and the overview (all advice, each step's mark) reads the record.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundations", ("hrk_workbench", "hrk_workbench.foundations", "hrk_workbench.forms",
                     "hrk_workbench.fonts")),
    ("model", ("hrk_workbench.model",)),
    ("rules", ("hrk_workbench.scoring", "hrk_workbench.disclosure", "hrk_workbench.quality",
               "hrk_workbench.channels", "hrk_workbench.licences", "hrk_workbench.review",
               "hrk_workbench.hvd")),
    ("decision", ("hrk_workbench.decision",)),
    ("catalogue", ("hrk_workbench.metadata",)),
    ("overview", ("hrk_workbench.overview",)),
    ("outputs", ("hrk_workbench.reporting", "hrk_workbench.legacy")),
    ("interfaces", ("hrk_workbench.cli", "hrk_workbench.gui")),
    ("entry", ("hrk_workbench.__main__", "hrk_workbench.cli.__main__")),
)
# Side by side in one layer, neither importing the other: both call the library.
APART = (("hrk_workbench.cli", "hrk_workbench.gui"),)
# What the package's root may hold besides packages: the package itself and its entry point.
ROOT_FILES = {"__init__.py", "__main__.py"}


def module_files(root: Path) -> dict[str, Path]:
    """Module name -> file, for every ``.py`` under the package folder ``root``."""
    mods = {}
    for f in root.rglob("*.py"):
        rel = f.relative_to(root.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods[".".join(parts)] = f
    return mods


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's own modules it imports (a package's ``__init__`` counts when a
    name, not a submodule, is imported from it; a child importing its parent does not)."""
    mods = module_files(root)
    pkg = root.name
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, file in mods.items():
        is_pkg = file.name == "__init__.py"
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                else:
                    base = node.module or ""
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                           for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name and target.split(".")[0] == pkg \
                        and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str) -> tuple[int, str]:
    """(rank, prefix) of the layer whose longest prefix matches ``module``."""
    best: tuple[int, int, str] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and \
                    (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix), prefix)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best[0], best[2]


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a lower layer into a higher one, and between interfaces kept apart."""
    wrong = []
    for module, targets in sorted(graph.items()):
        rank, _ = layer_of(module)
        for target in sorted(targets):
            to = layer_of(target)[0]
            if to > rank:
                wrong.append(f"{module} ({LAYERS[rank][0]}) imports {target} "
                             f"({LAYERS[to][0]})")
            for a, b in APART:
                for one, other in ((a, b), (b, a)):
                    if module.startswith(one + ".") and target.startswith(other + ".") and \
                            LAYERS[rank][0] != "entry":
                        wrong.append(f"{module} imports {target}: {one} and {other} sit "
                                     "side by side")
    return wrong


def test_the_package_has_no_import_cycle():
    found = cycles(import_graph(PACKAGE))
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_module_imports_from_a_layer_above_it():
    wrong = upward(import_graph(PACKAGE))
    assert wrong == [], "\n".join(wrong)


def test_the_root_holds_only_packages_and_the_entry_point():
    loose = sorted(f.name for f in PACKAGE.glob("*.py") if f.name not in ROOT_FILES)
    assert loose == [], f"modules loose at the package root: {loose}"


def test_every_module_is_in_a_layer():
    for module in import_graph(PACKAGE):
        layer_of(module)  # raises, naming the module, when no layer takes it


# --- the checks themselves can fail ---------------------------------------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "hrk_workbench"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return root


def test_a_cycle_made_on_purpose_through_a_function_level_import_is_found(tmp_path):
    root = _package(tmp_path, {
        "model/store.py": "from hrk_workbench.model import edit\n",
        "model/edit.py": "def f():\n    from hrk_workbench.model.store import save\n",
    })
    assert cycles(import_graph(root)) == [["hrk_workbench.model.edit",
                                           "hrk_workbench.model.store"]]


def test_a_cycle_through_a_type_checking_import_and_a_relative_one_is_found(tmp_path):
    root = _package(tmp_path, {
        "disclosure/tables/cells.py": "from .audit import audit\n",
        "disclosure/tables/audit.py": ("from typing import TYPE_CHECKING\n"
                                       "if TYPE_CHECKING:\n"
                                       "    from hrk_workbench.disclosure.tables.cells "
                                       "import Table\n"),
    })
    assert len(cycles(import_graph(root))) == 1


def test_an_upward_import_and_the_cli_importing_the_gui_are_found(tmp_path):
    root = _package(tmp_path, {
        "model/check.py": "def f():\n    from hrk_workbench.decision.summary import s\n",
        "decision/summary.py": "s = 1\n",
        "cli/program.py": "def g():\n    from hrk_workbench.gui.app import run\n",
        "gui/app.py": "run = 1\n",
    })
    wrong = upward(import_graph(root))
    assert any(w.startswith("hrk_workbench.model.check (model) imports "
                            "hrk_workbench.decision.summary (decision)") for w in wrong)
    assert any("hrk_workbench.cli.program imports hrk_workbench.gui.app" in w for w in wrong)
    assert len(wrong) == 2

