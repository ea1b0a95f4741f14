"""``python -m tools.code_figures``, whose figures docs/development.md quotes: it runs, finds no import circle in
the checkout (and does find one where there is one), and names every kind of the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conversion_watch.kinds import TASK_TYPES
from tools import code_figures

ROOT = Path(__file__).resolve().parents[2]


def test_the_script_prints_the_figures_and_finds_no_import_circle() -> None:
    done = subprocess.run([sys.executable, "-m", "tools.code_figures"], cwd=ROOT, capture_output=True, text=True,
                          check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "import circles between modules (tests left out): 0"
    for task_type in TASK_TYPES:
        assert any(line.startswith(f"| `{task_type}` |") for line in lines), task_type
    longest = lines[lines.index("the 10 longest functions (non-test code):") + 4:]
    assert len(longest) == 10


def test_the_docs_quote_the_command_and_its_circle_figure() -> None:
    text = (ROOT / "docs" / "development.md").read_text()

    assert "`python -m tools.code_figures`" in text
    assert "import circles between modules (tests left out): 0\n" in text


def test_a_circle_is_found_where_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}

    assert code_figures.import_circles(graph) == [["a", "b", "c"]]


def test_function_level_and_relative_imports_count() -> None:
    graph = code_figures.import_graph(code_figures.tracked_files())

    # engine imports autostart at the top; the fixed circle's other arrow is gone.
    assert "localrun.autostart" in graph["localrun.engine"]
    assert "localrun.engine" not in graph["localrun.autostart"]
    assert "localrun.services.task_timeline" in graph["localrun.services.vmie_scenario"]


def test_files_naming_a_kind_leave_its_own_module_out() -> None:
    names = {kind.task_type: kind for kind in code_figures.kind_names()}
    by_area = code_figures.files_naming(names["ec2-import-image"], code_figures.tracked_files())

    assert "lambda_src/conversion_watch/kinds/ec2_import_image.py" not in by_area["product"]
    assert "lambda_src/conversion_watch/kinds/__init__.py" in by_area["product"]  # _MODULES lists it
    assert "docs/task-kinds.md" in by_area["docs"]
