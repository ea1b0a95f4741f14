"""Pydantic models: the state machine's input, the state it carries, and the
two event details (the product's public API). The EventBridge schemas are
generated from these, so they are the single source of truth."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

TaskType = Literal["ec2-conversion", "license-conversion"]
State = Literal["IN_PROGRESS", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"]
TERMINAL_STATES: frozenset[str] = frozenset({"COMPLETED", "CANCELLED", "FAILED"})

STATE_CHANGE = "Conversion Task State Change"
WATCH_ERROR = "Conversion Task Watch Error"

# ImportInstance tasks are import-i-..., ImportVolume tasks import-vol-...
EC2_TASK_ID = re.compile(r"^import-(i|vol)-[0-9a-z]{8,32}$")
# License Manager's own model: pattern ^lct-[a-zA-Z0-9]*, at most 50 characters.
LICENSE_TASK_ID = re.compile(r"^lct-[a-zA-Z0-9]{8,46}$")
TASK_ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "ec2-conversion": EC2_TASK_ID,
    "license-conversion": LICENSE_TASK_ID,
}
TASK_ID_EXAMPLES = {
    "ec2-conversion": "import-i-ffvko9js or import-vol-ffut5xv4",
    "license-conversion": "lct-0123456789abcdef0123456789abcdef",
}

ONE_YEAR_SECONDS = 365 * 24 * 3600  # Standard workflows' own ceiling.


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Observation(_Model):
    """What the last poll saw; a poll that sees something else emits a change."""

    state: State
    serviceState: str
    statusMessage: str | None = None


class ProgressSample(_Model):
    percent: float
    at: datetime


class Continuation(_Model):
    """The watch's memory, handed to a fresh execution ("continue as new")."""

    watchStartedAt: datetime
    deadline: datetime
    pollCount: int = Field(ge=0)
    sequence: int = Field(ge=0)
    generation: int = Field(ge=1)
    lastChangeAt: datetime | None = None
    last: Observation | None = None
    lastProgress: ProgressSample | None = None


class WatchRequest(_Model):
    """The state machine's input. Strict: a number is not a task id."""

    model_config = ConfigDict(extra="forbid", strict=True)

    taskType: TaskType
    taskId: str = Field(min_length=1, max_length=64)
    maxWatchSeconds: int | None = Field(default=None, ge=60, le=ONE_YEAR_SECONDS)
    continuation: Continuation | None = Field(default=None, strict=False)
    # Set by Step Functions when one execution starts another (the hand-over).
    AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: str | None = None

    @model_validator(mode="after")
    def _task_id_matches_type(self) -> WatchRequest:
        if not TASK_ID_PATTERNS[self.taskType].fullmatch(self.taskId):
            raise ValueError(
                f"taskId {self.taskId!r} is not a valid {self.taskType} task id "
                f"(expected e.g. {TASK_ID_EXAMPLES[self.taskType]})"
            )
        return self


class Watch(_Model):
    """``$.watch``: carried through every loop of the state machine."""

    taskType: TaskType
    taskId: str
    watchStartedAt: datetime
    deadline: datetime
    pollCount: int = 0
    generation: int = 1
    generationPolls: int = 0
    sequence: int = 0
    lastChangeAt: datetime | None = None
    last: Observation | None = None
    lastProgress: ProgressSample | None = None

    def continuation(self) -> Continuation:
        return Continuation(
            watchStartedAt=self.watchStartedAt,
            deadline=self.deadline,
            pollCount=self.pollCount,
            sequence=self.sequence,
            generation=self.generation,
            lastChangeAt=self.lastChangeAt,
            last=self.last,
            lastProgress=self.lastProgress,
        )


class Progress(_Model):
    """EC2 only: bytes converted over the disk image size (all volumes summed)."""

    bytesConverted: int | None = None
    totalBytes: int | None = None
    percent: float | None = None


class VolumeFacts(_Model):
    volumeId: str | None = None
    availabilityZone: str | None = None
    status: str | None = None
    statusMessage: str | None = None
    bytesConverted: int | None = None
    imageSize: int | None = None
    imageFormat: str | None = None


class TaskFacts(_Model):
    """Useful raw fields of the task, as the service reported them."""

    conversionType: Literal["ImportInstance", "ImportVolume", "LicenseConversion"] | None = None
    description: str | None = None
    instanceId: str | None = None
    platform: str | None = None
    availabilityZone: str | None = None
    volumes: list[VolumeFacts] = Field(default_factory=list)
    expirationTime: str | None = None
    resourceArn: str | None = None
    sourceUsageOperation: str | None = None
    destinationUsageOperation: str | None = None
    startTime: datetime | None = None
    endTime: datetime | None = None
    licenseConversionTime: datetime | None = None


class StateChangeDetail(_Model):
    """``detail`` of ``Conversion Task State Change``."""

    eventId: str = Field(description="Stable id: the same change always has the same id; de-duplicate on it.")
    sequence: int = Field(ge=1, description="1 for the first event of a watch, +1 per event.")
    taskType: TaskType
    taskId: str
    state: State
    previousState: State | None
    serviceState: str
    terminal: bool
    statusMessage: str | None = None
    progress: Progress | None = None
    observedAt: datetime
    watchStartedAt: datetime
    pollCount: int
    elapsedSeconds: int = Field(
        ge=0, description="Seconds since the task started (License Manager startTime), else since the watch started."
    )
    elapsed: str = Field(description='elapsedSeconds for people, e.g. "3 h 12 min" (notifications quote it).')
    task: TaskFacts

    @field_serializer("task")
    def _task_without_blanks(self, task: TaskFacts) -> dict[str, Any]:
        # An EC2 task has no license fields and vice versa: leave them out.
        return task.model_dump(mode="json", exclude_none=True)


class WatchErrorDetail(_Model):
    """``detail`` of ``Conversion Task Watch Error``."""

    eventId: str
    sequence: int = Field(ge=1)
    taskType: str | None = None
    taskId: str | None = None
    errorCode: str
    message: str
    lastKnownState: State | None = None
    observedAt: datetime
    watchStartedAt: datetime | None = None
    pollCount: int = 0
    input: Any = Field(default=None, description="The rejected input (InvalidInput only, when small).")
