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
from typing import Any

from conversion_watch.contract import TERMINAL_STATES


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
