"""docs/task-kinds.md lists every registered task kind and every raw state with its normalized state."""

from __future__ import annotations

import re

import pytest

from conversion_watch.contract import TERMINAL_STATES
from conversion_watch.kinds import TASK_KINDS
from tests.docs.markdown import ROOT

PAGE = (ROOT / "docs" / "task-kinds.md").read_text()


def _rows(first_cell: str) -> list[list[str]]:
    rows = re.findall(rf"^\| `{re.escape(first_cell)}` \|(.*)\|$", PAGE, re.MULTILINE)
    return [[cell.strip() for cell in row.split(" | ")] for row in rows]


@pytest.mark.parametrize("task_type", TASK_KINDS)
def test_each_kind_has_its_row_with_api_and_start_calls(task_type: str) -> None:
    kind = TASK_KINDS[task_type]
    overview = next((row for row in _rows(task_type) if kind.label in row[0]), None)
    assert overview, f"docs/task-kinds.md has no overview row for {task_type}"
    text = " ".join(overview)
    assert kind.describe_action.split(":")[1] in text
    for call in kind.start_calls:
        assert f"`{call.event_name}`" in text


@pytest.mark.parametrize("task_type", TASK_KINDS)
def test_each_raw_state_is_documented_with_its_normalized_state(task_type: str) -> None:
    documented = {row[0].strip("`"): (row[1].strip("`"), row[2]) for row in _rows(task_type) if len(row) == 3}
    expected = {raw: (state, "yes" if state in TERMINAL_STATES else "no")
                for raw, state in TASK_KINDS[task_type].raw_states.items()}
    assert documented == expected
