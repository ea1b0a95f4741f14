"""Comments deployed in the state machine definition that name things the registry of kinds decides:
generated from it, so a new kind cannot leave them behind."""

from __future__ import annotations

from conversion_watch.kinds import TASK_KINDS


def describe_operations() -> list[str]:
    """Each kind's per-task read, as the API names it (``DescribeConversionTasks``), in registry order."""
    return list(dict.fromkeys(k.describe_action.split(":", 1)[1] for k in TASK_KINDS.values()))


def poll_comment() -> str:
    return (f"Reads the task's state (the shared snapshot, else its kind's call: {', '.join(describe_operations())}) "
            "and normalizes it.")
