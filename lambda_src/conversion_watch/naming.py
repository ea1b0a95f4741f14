"""Deterministic execution names: one watch per task.

``watch-<taskId>`` for the first execution, ``watch-<taskId>-g<N>`` for the
N-th after continue-as-new hand-overs. Step Functions keeps names unique for
90 days, so a second start of the same watch is refused (or, with identical
input while it runs, is a no-op) instead of creating a second watcher.
Task ids are at most 64 characters, so names stay within the 80 allowed.
"""

from __future__ import annotations

MAX_EXECUTION_NAME = 80


def execution_name(task_id: str, *, generation: int = 1) -> str:
    name = f"watch-{task_id}" if generation <= 1 else f"watch-{task_id}-g{generation}"
    if len(name) > MAX_EXECUTION_NAME:
        raise ValueError(f"execution name {name!r} exceeds {MAX_EXECUTION_NAME} characters")
    return name
