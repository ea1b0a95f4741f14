"""Deterministic execution names: one watch per task, and a way past a name
that something else holds.

``watch-<taskId>`` for the first execution; ``watch-<taskId>-g<G>`` for the
G-th after continue-as-new hand-overs; ``watch-<taskId>-r<R>`` (and its
``-r<R>-g<G>`` hand-overs) for the R-th restart of the watch, which a starter
uses when ``watch-<taskId>`` is held by an execution that is not watching the
task (it failed validation, or it ended without the task's outcome). Step
Functions keeps names unique for 90 days, so two starters racing for the same
name still make one watcher. ``parse`` accepts exactly the names this scheme
produces (no ``-r1``, no ``-g1``, no leading zeros). Task ids are at most 64
characters; the kinds' ids are far shorter, so names stay within the 80 allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_EXECUTION_NAME = 80
MAX_RESTART = 99_999_999  # the largest counter the names allow (8 digits)
_COUNTER = r"[2-9]|[1-9]\d{1,7}"
_SUFFIX = re.compile(rf"(?:-r(?P<restart>{_COUNTER}))?(?:-g(?P<generation>{_COUNTER}))?")
_ANY_WATCH = re.compile(rf"^watch-(?P<task_id>.+?)(?:-r(?:{_COUNTER}))?(?:-g(?:{_COUNTER}))?$")


@dataclass(frozen=True)
class Lineage:
    """Where an execution stands in its task's watch: restart R, generation G."""

    restart: int = 1
    generation: int = 1


def execution_name(task_id: str, *, generation: int = 1, restart: int = 1) -> str:
    name = f"watch-{task_id}"
    if restart > 1:
        name += f"-r{restart}"
    if generation > 1:
        name += f"-g{generation}"
    if len(name) > MAX_EXECUTION_NAME:
        raise ValueError(f"execution name {name[:100]!r} exceeds {MAX_EXECUTION_NAME} characters")
    return name


def parse(name: str, task_id: str) -> Lineage | None:
    """The lineage of ``name`` if it is one of ``task_id``'s watch names, else None."""
    prefix = f"watch-{task_id}"
    if not name.startswith(prefix):
        return None
    match = _SUFFIX.fullmatch(name[len(prefix):])
    if match is None:
        return None
    return Lineage(int(match.group("restart") or 1), int(match.group("generation") or 1))


def task_id_of(name: str) -> str | None:
    """The task any watch execution name belongs to, or None."""
    match = _ANY_WATCH.fullmatch(name)
    return match.group("task_id") if match else None


def execution_arn(any_execution_arn: str, name: str) -> str:
    """The ARN of execution ``name`` of the same state machine as ``any_execution_arn``."""
    return f"{any_execution_arn.rsplit(':', 1)[0]}:{name}"


def execution_arn_of(state_machine_arn: str, name: str) -> str:
    """``arn:...:stateMachine:SM`` -> ``arn:...:execution:SM:<name>``."""
    head, _, machine = state_machine_arn.rpartition(":stateMachine:")
    return f"{head}:execution:{machine}:{name}"
