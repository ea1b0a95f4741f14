"""One observation of a task, normalized across the two services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from conversion_watch.models import TERMINAL_STATES, Progress, TaskFacts


@dataclass(frozen=True, kw_only=True)
class TaskSnapshot:
    state: str
    service_state: str
    status_message: str | None
    facts: TaskFacts
    progress: Progress | None = None
    expires_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def terminal(self) -> bool:
        return self.state in TERMINAL_STATES
