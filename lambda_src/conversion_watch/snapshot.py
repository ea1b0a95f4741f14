"""One observation of a task, normalized across the two services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversion_watch.contract import TERMINAL_STATES
from conversion_watch.facts import Progress, TaskFacts


@dataclass(frozen=True, kw_only=True)
class TaskSnapshot:
    state: str
    service_state: str
    status_message: str | None
    facts: TaskFacts
    progress: Progress | None = None
    expires_at: datetime | None = None

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES
