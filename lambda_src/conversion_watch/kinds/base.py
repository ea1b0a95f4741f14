"""What a task kind is: one module per kind fills in a :class:`TaskKind`.

Everything else reads the registry (``conversion_watch.kinds``): the poll step
(``describe``), the sweeper and snapshot refresh (``list_tasks``), the
CloudTrail starter (``start_calls``), the state machine's IAM policy
(``describe_action``/``list_action``), the CLI, the schemas and the local run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversion_watch.contract import TERMINAL_STATES
from conversion_watch.errors import TaskNotFound, UnknownServiceState
from conversion_watch.facts import Progress, TaskFacts
from conversion_watch.service_errors import MALFORMED_CODES, NOT_FOUND_CODES, error_code, translate
from conversion_watch.snapshot import TaskSnapshot

# Every code a describe may answer for a task that does not exist (any more): the documented
# not-found codes and the "malformed" ones -- the watcher only ever describes ids of its kind's
# pattern, and EC2 has been seen answering a well-formed import-ami- id of a task gone after its
# retention with InvalidConversionTaskId.Malformed (docs/task-kinds.md, "Unknown ids").
MISSING_TASK_CODES = NOT_FOUND_CODES | MALFORMED_CODES


@dataclass(frozen=True, kw_only=True)
class ApiCall:
    """A CloudTrail-recorded API call that names a task of this kind.

    ``id_path`` leads to the task id inside ``detail.<section>`` of the
    "AWS API Call via CloudTrail" event (``responseElements`` for a start,
    ``requestParameters`` for a cancel).
    """

    event_source: str  # CloudTrail's detail.eventSource, e.g. "ec2.amazonaws.com"
    event_name: str  # e.g. "ImportImage"
    id_path: tuple[str, ...]
    section: str = "responseElements"


def describe_error(error: Exception, *, operation: str, task_id: str, id_pattern: re.Pattern[str]) -> Exception:
    """``translate``, except that for a well-formed ``task_id`` every code of ``MISSING_TASK_CODES``
    is ``TaskNotFound``, so the watcher's not-found grace and its final error apply whichever the
    service chose. A malformed id keeps its own answer (``InvalidInput``)."""
    code = error_code(error)
    if code in MISSING_TASK_CODES and id_pattern.fullmatch(task_id):
        message = getattr(error, "response", {}).get("Error", {}).get("Message", "") or code
        return TaskNotFound(f"no task {task_id!r} ({operation.split(':')[-1]} answered {code}: {message})")
    return translate(error, operation=operation, task_id=task_id)


def observed(raw_state: Any, states: Mapping[str, str], *, what: str, status_message: Any, facts: TaskFacts,
             progress: Progress | None = None, expires_at: datetime | None = None) -> TaskSnapshot:
    """The one check every kind makes (a raw state it does not know is ``UnknownServiceState``,
    never guessed; ``what`` names the service and field, e.g. "EC2 reported state") and the
    snapshot it then builds (an empty ``StatusMessage`` is none)."""
    if not isinstance(raw_state, str) or raw_state not in states:
        raise UnknownServiceState(f"{what} {raw_state!r}, which this watcher does not know")
    return TaskSnapshot(state=states[raw_state], service_state=raw_state, status_message=status_message or None,
                        facts=facts, progress=progress, expires_at=expires_at)


def dig(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """``data[path[0]][path[1]]...``; a missing or empty section reads as ``None``."""
    for key in path[:-1]:
        data = data.get(key) or {}
    return data.get(path[-1])


@dataclass(frozen=True, kw_only=True)
class TaskKind:
    task_type: str  # the public ``taskType``
    label: str  # for people: notifications, CLI, docs
    id_pattern: re.Pattern[str]
    id_example: str
    describe_action: str  # IAM action of the per-task read; its prefix is the boto3 service name
    list_action: str = ""  # IAM action of the read of every task (sweeper, snapshots); default describe_action
    raw_states: Mapping[str, str]  # service state -> normalized state
    start_calls: tuple[ApiCall, ...]
    cancel_calls: tuple[ApiCall, ...] = ()
    # Raw states only a cancel request produces: seeing one makes a later raw "cancelled"/"deleted"
    # end a user cancel (conversion_watch.outcome). Leave out states an error can also pass through.
    cancel_request_states: frozenset[str] = frozenset()
    # Behaviour: client in, plain data out.
    describe: Callable[[Any, str], Any]  # (client, task_id) -> TaskSnapshot; raises named errors
    list_tasks: Callable[[Any], Iterator[dict[str, Any]]]  # client -> every raw task, paginated
    snapshot: Callable[[dict[str, Any]], Any]  # raw task -> TaskSnapshot
    # Where a raw task (as describe/list return it) holds its id and its service state.
    id_field: tuple[str, ...]
    state_field: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.list_action:
            object.__setattr__(self, "list_action", self.describe_action)

    @property
    def service(self) -> str:
        """The boto3 service name: IAM's action prefix ("ec2", "license-manager")."""
        return self.describe_action.split(":", 1)[0]

    def raw_task_id(self, task: dict[str, Any]) -> str | None:
        return dig(task, self.id_field)

    def raw_state(self, task: dict[str, Any]) -> str | None:
        return dig(task, self.state_field)

    @property
    def running_raw_states(self) -> frozenset[str]:
        """The service states that mean "still running" (derived, never listed twice)."""
        return frozenset(raw for raw, state in self.raw_states.items() if state not in TERMINAL_STATES)

    def matches(self, task_id: str) -> bool:
        return bool(self.id_pattern.fullmatch(task_id))
