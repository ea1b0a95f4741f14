"""A scenario task and its timeline, for every kind: the parts each kind's scenario parser builds on.

A task exists from its first timeline entry's ``at`` (seconds after the
simulated epoch); at time ``t`` it is in the state of the last entry with
``at <= t``. ``bytesConverted`` and ``size`` (conversion tasks) and ``imageId`` /
``snapshotId`` (VM Import/Export results) carry over to later entries that omit them;
``statusMessage`` and ``progress`` belong to their entry only.

A kind's states and terminal states are read from the registry of kinds
(``conversion_watch.kinds``), never listed here.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from conversion_watch.kinds import kind

ENTRY_KEYS = {"at", "state", "statusMessage", "bytesConverted", "size"}
VMIE_ENTRY_KEYS = {"at", "state", "statusMessage", "progress", "imageId", "snapshotId"}


def raw_states(task_type: str) -> tuple[str, ...]:
    """The service states a task of ``task_type`` can be in: its kind's ``raw_states``."""
    return tuple(kind(task_type).raw_states)


def terminal_raw_states(task_type: str) -> frozenset[str]:
    """The service states that end a task of ``task_type``: those its kind does not count as running."""
    task_kind = kind(task_type)
    return frozenset(task_kind.raw_states) - task_kind.running_raw_states


class ScenarioError(ValueError):
    """The scenario's ``tasks`` cannot be simulated as written."""


@dataclass(frozen=True)
class Entry:
    at: float
    state: str
    status_message: str | None
    bytes_converted: tuple[int, ...] | None  # one figure per volume (EC2 only)
    size: tuple[int, ...] | None
    progress: str | None = None  # VM Import/Export: the service's percent string
    image_id: str | None = None
    snapshot_id: str | None = None


@dataclass(frozen=True)
class Volume:
    volume_id: str
    volume_size_gib: int
    image_size: int | None
    format: str
    availability_zone: str
    description: str | None


@dataclass(frozen=True)
class Task:
    task_type: str
    task_id: str
    timeline: tuple[Entry, ...]
    region: str | None
    raw: dict[str, Any]  # the scenario entry, for the service-specific fields
    volumes: tuple[Volume, ...] = ()

    @property
    def created_at(self) -> float:
        return self.timeline[0].at

    def entry_at(self, seconds: float) -> Entry | None:
        """The entry in force ``seconds`` after the epoch (None: the task does not exist yet)."""
        current = None
        for entry in self.timeline:
            if entry.at > seconds:
                break
            current = entry
        return current

    def visible_in(self, region: str) -> bool:
        return self.region is None or self.region == region


def parse_timeline(raw: Any, task_type: str, volumes: int, where: str, *, vmie: bool = False) -> tuple[Entry, ...]:
    """The entries of ``raw``, in the states of ``task_type``'s kind; nothing may follow a terminal state.
    ``vmie``: the entries carry VM Import/Export fields (``progress``, ``imageId``, ``snapshotId``)."""
    states, terminal = raw_states(task_type), terminal_raw_states(task_type)
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(f"{where}: timeline must be a non-empty list")
    entries: list[Entry] = []
    carried: dict[str, tuple[int, ...] | None] = {"bytesConverted": None, "size": None}
    results: dict[str, str | None] = {"imageId": None, "snapshotId": None}
    for index, item in enumerate(raw):
        at_where = f"{where}.timeline[{index}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{at_where}: an entry must be an object")
        no_unknown_keys(item, VMIE_ENTRY_KEYS if vmie else ENTRY_KEYS, at_where)
        raw_at = item.get("at")
        if isinstance(raw_at, bool) or not isinstance(raw_at, int | float) or not 0 <= raw_at < math.inf:
            raise ScenarioError(f"{at_where}: at must be seconds >= 0")
        at = float(raw_at)
        if entries and at <= entries[-1].at:
            raise ScenarioError(f"{at_where}: at must increase ({at} follows {entries[-1].at})")
        if entries and entries[-1].state in terminal:
            raise ScenarioError(f"{at_where}: {entries[-1].state!r} is terminal; nothing may follow it")
        state = item.get("state")
        if state not in states:
            raise ScenarioError(f"{at_where}: state {state!r} is not a state of this service {list(states)}")
        message = item.get("statusMessage")
        if message is not None and not isinstance(message, str):
            raise ScenarioError(f"{at_where}: statusMessage must be a string")
        for key in carried:
            if key in item:
                if not volumes:
                    raise ScenarioError(f"{at_where}: {key} is an EC2 figure; License Manager reports none")
                carried[key] = _figures(item[key], volumes, f"{at_where}.{key}")
        for key in results:
            if key in item:
                results[key] = _string(item[key], f"{at_where}.{key}")
        progress = _percent(item.get("progress"), f"{at_where}.progress")
        entries.append(Entry(at, state, message, carried["bytesConverted"], carried["size"], progress,
                             results["imageId"], results["snapshotId"]))
    return tuple(entries)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{where}: a non-empty string is required")
    return value


def _percent(value: Any, where: str) -> str | None:
    """``progress`` is the service's own percent string, e.g. "35"."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.isdigit() or not 0 <= int(value) <= 100:
        raise ScenarioError(f"{where}: progress is a percent string from \"0\" to \"100\", got {value!r}")
    return value


def _figures(value: Any, volumes: int, where: str) -> tuple[int, ...]:
    figures = [value] if is_int(value) else value
    if not isinstance(figures, list) or not all(is_int(f) and f >= 0 for f in figures):
        raise ScenarioError(f"{where}: a non-negative integer (or one per volume) is required")
    if len(figures) != volumes:
        raise ScenarioError(f"{where}: {len(figures)} figure(s) for {volumes} volume(s); give one per volume")
    return tuple(figures)


def no_unknown_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {unknown}; allowed: {sorted(allowed)}")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def stable_hex(seed: str) -> str:
    """17 hex digits derived from the task id: the same scenario always shows the same ids."""
    return hashlib.sha256(seed.encode()).hexdigest()[:17]
