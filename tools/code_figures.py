"""Figures about the code itself, measured from the checkout (docs/development.md quotes them):

* import circles between modules (every ``import``, function-level ones included; tests left out);
* per task kind, the files that name it (its task type, its kind module or its describe API) besides its own
  module, by area: an upper bound of the files a kind of that shape touches;
* the ten longest functions of the non-test code.

    python -m tools.code_figures
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = ("lambda_src", "stacks", "")  # packages live under these (and at the top)
NON_TEST_CODE = ("lambda_src/", "stacks/", "convwatch/", "localrun/", "tools/", "bench/", "app.py")
AREAS = (  # first match wins
    ("generated", ("docs/schemas/", "docs/images/")),
    ("examples", ("docs/examples/", "scenarios/")),
    ("product", ("lambda_src/", "stacks/", "convwatch/", "app.py")),
    ("emulator", ("localrun/",)),
    ("tests", ("tests/",)),
    ("docs", ("docs/", "README.md")),
    ("other", ("",)),
)
NOT_TOUCHED = ("CHANGELOG.md",)  # history: a new kind adds a line, it edits nothing there
TEXT_SUFFIXES = {".py", ".md", ".json", ".toml", ".txt", ".cfg", ".yaml", ".yml", ".svg", ".dot"}


SKIPPED_DIRS = {".git", ".venv", "node_modules", "cdk.out", "reports", "build", "dist", "__pycache__"}


def tracked_files() -> list[str]:
    """The files git tracks; without git (an unpacked archive), every file but the installed and built ones."""
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        paths = listed.splitlines()
    except (OSError, subprocess.CalledProcessError):
        paths = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts) and not p.name.startswith(".")]
    return sorted(path for path in paths if (ROOT / path).is_file())


# -- import circles ---------------------------------------------------------------------------------


def _module_name(path: str) -> str:
    for source_root in SOURCE_ROOTS:
        if source_root and path.startswith(source_root + "/"):
            path = path[len(source_root) + 1:]
            break
    name = path[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def import_graph(paths: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the modules of this checkout it imports."""
    modules = {_module_name(p): p for p in paths if p.endswith(".py") and not p.startswith("tests/")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from package import submodule` reaches the submodule; other names reach the package.
                targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                               for alias in node.names)
        graph[name] = {_known(target, modules) for target in targets} - {"", name}
    return graph


def _known(target: str, modules: dict[str, str]) -> str:
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


# -- files that name a kind -------------------------------------------------------------------------


@dataclass(frozen=True)
class KindNames:
    task_type: str
    module_path: str
    patterns: tuple[str, ...]


def kind_names() -> list[KindNames]:
    from conversion_watch.kinds import TASK_KINDS

    found = []
    for task_kind in TASK_KINDS.values():
        module = task_kind.task_type.replace("-", "_")
        operation = task_kind.describe_action.split(":", 1)[1]
        method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()  # boto3's name of the operation
        found.append(KindNames(task_kind.task_type, f"lambda_src/conversion_watch/kinds/{module}.py",
                               (task_kind.task_type, module, operation, method)))
    return found


def area_of(path: str) -> str:
    return next(area for area, prefixes in AREAS if path.startswith(prefixes))


def files_naming(kind: KindNames, paths: Iterable[str]) -> dict[str, list[str]]:
    """Area -> the files that name ``kind``, its own module left out."""
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(name)}(?![\w-])" for name in kind.patterns))
    by_area: dict[str, list[str]] = {area: [] for area, _ in AREAS}
    for path in paths:
        if path == kind.module_path or path in NOT_TOUCHED or Path(path).suffix not in TEXT_SUFFIXES:
            continue
        if pattern.search((ROOT / path).read_text(encoding="utf-8", errors="replace")):
            by_area[area_of(path)].append(path)
    return by_area


# -- the longest functions --------------------------------------------------------------------------


def longest_functions(paths: Iterable[str], count: int = 10) -> list[tuple[int, str, str]]:
    """(lines, qualified name, file) of the ``count`` longest functions (``def`` line to last line)."""
    found: list[tuple[int, str, str]] = []
    for path in paths:
        if not path.endswith(".py") or not path.startswith(NON_TEST_CODE):
            continue
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        found.extend((lines, name, path) for lines, name in _functions(tree.body, ""))
    return sorted(found, key=lambda item: (-item[0], item[2], item[1]))[:count]


def _functions(body: list[ast.stmt], prefix: str) -> Iterable[tuple[int, str]]:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield (node.end_lineno or node.lineno) - node.lineno + 1, name
            yield from _functions(node.body, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, f"{prefix}{node.name}.")


# -- report -----------------------------------------------------------------------------------------


def report() -> tuple[str, int]:
    """The figures as Markdown, and the number of import circles."""
    paths = tracked_files()
    circles = import_circles(import_graph(paths))
    lines = [f"import circles between modules (tests left out): {len(circles)}"]
    lines += [f"  circle: {' <-> '.join(circle)}" for circle in circles]
    areas = [area for area, _ in AREAS]
    lines += ["", "files that name a kind (task type, kind module or describe API), besides its own module:", "",
              f"| kind | {' | '.join(areas)} | total |", "|---|" + "---|" * (len(areas) + 1)]
    for kind in kind_names():
        by_area = files_naming(kind, paths)
        counts = [len(by_area[area]) for area in areas]
        lines.append(f"| `{kind.task_type}` | {' | '.join(map(str, counts))} | {sum(counts)} |")
    lines += ["", "the 10 longest functions (non-test code):", "", "| lines | function | file |", "|---|---|---|"]
    lines += [f"| {length} | `{name}` | `{path}` |" for length, name, path in longest_functions(paths)]
    return "\n".join(lines), len(circles)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text, circles = report()
    if "--files" in args:  # which files, per kind and area
        for kind in kind_names():
            for area, files in files_naming(kind, tracked_files()).items():
                text += "".join(f"\n{kind.task_type}\t{area}\t{path}" for path in files)
    print(text)
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())
