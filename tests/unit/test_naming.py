"""The watch name scheme: what starters produce is exactly what the validate step accepts."""

from __future__ import annotations

import pytest

from conversion_watch.naming import Lineage, execution_arn, execution_arn_of, execution_name, parse, task_id_of

TASK = "import-vol-ffut5xv4"


@pytest.mark.parametrize(("restart", "generation", "name"), [
    (1, 1, f"watch-{TASK}"),
    (1, 2, f"watch-{TASK}-g2"),
    (3, 1, f"watch-{TASK}-r3"),
    (3, 12, f"watch-{TASK}-r3-g12"),
])
def test_names_round_trip(restart: int, generation: int, name: str) -> None:
    assert execution_name(TASK, restart=restart, generation=generation) == name
    assert parse(name, TASK) == Lineage(restart, generation)
    assert task_id_of(name) == TASK


@pytest.mark.parametrize("name", [
    f"watch-{TASK}-g1", f"watch-{TASK}-r1", f"watch-{TASK}-g02", f"watch-{TASK}-g2-r3", f"watch-{TASK}x",
    f"watch-{TASK}-gx", "watch-import-vol-other", TASK,
])
def test_names_outside_the_scheme_are_not_the_tasks(name: str) -> None:
    assert parse(name, TASK) is None


def test_a_generation_beyond_the_name_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="exceeds 80"):
        execution_name(TASK, generation=10**70)


def test_execution_arns_are_derived_within_the_same_state_machine() -> None:
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Watcher"
    mine = execution_arn_of(machine, f"watch-{TASK}-g2")
    assert mine == f"arn:aws:states:us-east-1:123456789012:execution:Watcher:watch-{TASK}-g2"
    first = f"arn:aws:states:us-east-1:123456789012:execution:Watcher:watch-{TASK}"
    assert execution_arn(mine, f"watch-{TASK}") == first
