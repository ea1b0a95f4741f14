"""Lists in the docs that the code decides are checked against it: the poll function's IAM read actions, the
Lambda handlers, ``TaskKind``'s fields, the CLI's exit codes, the scenario fields and states of every kind.
Each list follows a ``<!-- list: NAME -->`` marker (``python -m tests.docs.code_lists`` prints them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from localrun.services.scenario import parse_tasks
from tests.docs import code_lists

DOCS = Path(__file__).resolve().parents[2] / "docs"


def listed(page: str, name: str) -> list[str]:
    """The lines after ``<!-- list: name -->`` up to the next blank line, stripped."""
    lines = (DOCS / page).read_text().splitlines()
    marker = f"<!-- list: {name} -->"
    starts = [i for i, line in enumerate(lines) if line.strip() == marker]
    assert len(starts) == 1, f"{page}: expected one {marker}"
    block: list[str] = []
    for line in lines[starts[0] + 1:]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


def ticked(lines: list[str]) -> list[str]:
    """The `names` on the lines, in order; ``[`name`]`` (optional) comes back as ``[name]``."""
    return [f"[{name}]" if bracket else name
            for bracket, name in re.findall(r"(\[?)`([^`]+)`\]?", " ".join(lines))]


@pytest.mark.parametrize(
    ("page", "name", "expected"),
    [
        ("development.md", "read-actions", code_lists.read_actions),
        ("development.md", "handlers", code_lists.handler_names),
        ("development.md", "kind-fields", code_lists.kind_fields),
    ],
    ids=["read-actions", "handlers", "kind-fields"],
)
def test_the_named_lists_are_the_codes(page: str, name: str, expected) -> None:
    assert sorted(ticked(listed(page, name))) == sorted(expected())


def test_the_exit_code_table_is_the_clis() -> None:
    lines = (DOCS / "operations.md").read_text().splitlines()
    rows = code_lists.exit_code_rows()
    start = lines.index(rows[0])

    assert lines[start:start + len(rows)] == rows
    assert lines[start + len(rows)].strip() == "", "a row the CLI does not have"


def test_the_construct_library_pages_exit_codes_are_the_clis() -> None:
    """docs/construct-library.md explains each code at more length; its codes and names are the CLI's."""
    text = (DOCS / "construct-library.md").read_text()
    section = text.split("## `convwatch` exit codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \|\s*`?(\w*)`?\s*\|", section, flags=re.MULTILINE)

    assert {int(code): name for code, name in rows} == {code: name for code, (name, _) in code_lists.EXIT_CODES.items()}


def test_the_scenario_table_has_every_kind_fields_and_states() -> None:
    assert listed("service-double.md", "scenario-keys") == code_lists.scenario_key_rows()


def test_every_task_example_is_a_valid_scenario_task() -> None:
    examples = [json.loads(path.read_text()) for path in sorted((DOCS / "examples" / "tasks").glob("*.json"))]
    assert len(parse_tasks(examples)) == len(examples)


def test_the_readme_license_sample_has_what_a_real_events_task_carries() -> None:
    """The sample's ``task`` has exactly the keys the license kind's snapshot publishes for such a task (empty lists
    included: only ``None`` is left out), so a subscriber's parser written against it meets no surprise."""
    from conversion_watch.kinds import kind
    from conversion_watch.models import StateChangeDetail

    sample = json.loads((DOCS / "examples" / "events" / "license-completed.json").read_text())["detail"]
    raw = {"LicenseConversionTaskId": sample["taskId"], "Status": "SUCCEEDED", "ResourceArn": "arn:aws:ec2:::x",
           "SourceLicenseContext": {"UsageOperation": "RunInstances:0800"},
           "DestinationLicenseContext": {"UsageOperation": "RunInstances:0002"},
           "StartTime": "2026-11-22T09:00:00Z", "EndTime": "2026-11-22T09:25:00Z"}
    published = StateChangeDetail.model_validate({**sample, "task": kind(sample["taskType"]).snapshot(raw).facts})

    assert set(published.model_dump(mode="json")["task"]) == set(sample["task"])
