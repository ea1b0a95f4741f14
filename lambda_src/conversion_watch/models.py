"""Pydantic models: the state machine's input, the state it carries, and the
two event details (the product's public API). The EventBridge schemas are
generated from these, so they are the single source of truth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from conversion_watch.clock import Timestamp
from conversion_watch.contract import ONE_YEAR_SECONDS, OUTCOME_REASONS, STATE_CHANGE, TERMINAL_STATES, WATCH_ERROR
from conversion_watch.facts import Progress, TaskFacts, VolumeFacts
from conversion_watch.kinds import TASK_KINDS, TASK_TYPES

# The task types come from the registry of kinds (a closed set: an enum in the schemas).
if TYPE_CHECKING:
    TaskType = str
    OutcomeReason = str
else:
    TaskType = Literal[TASK_TYPES]
    OutcomeReason = Literal[OUTCOME_REASONS]
State = Literal["IN_PROGRESS", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"]

__all__ = ["ONE_YEAR_SECONDS", "STATE_CHANGE", "TERMINAL_STATES", "WATCH_ERROR", "Progress", "TaskFacts", "VolumeFacts"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Observation(_Model):
    """What the last poll saw; a poll that sees something else emits a change."""

    state: State
    serviceState: str
    statusMessage: str | None = None


class ProgressSample(_Model):
    percent: float
    at: Timestamp


class Continuation(_Model):
    """The watch's memory, handed to a fresh execution ("continue as new")."""

    watchStartedAt: Timestamp
    deadline: Timestamp
    pollCount: int = Field(ge=0)
    sequence: int = Field(ge=0)
    generation: int = Field(ge=1)
    lastChangeAt: Timestamp | None = None
    last: Observation | None = None
    lastProgress: ProgressSample | None = None
    cancelRequested: bool = False


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
        kind = TASK_KINDS[self.taskType]
        if not kind.matches(self.taskId):
            raise ValueError(
                f"taskId {self.taskId!r} is not a valid {self.taskType} task id (expected e.g. {kind.id_example})"
            )
        return self


class Watch(_Model):
    """``$.watch``: carried through every loop of the state machine."""

    taskType: TaskType
    taskId: str
    watchStartedAt: Timestamp
    deadline: Timestamp
    pollCount: int = 0
    restart: int = 1  # the R of watch-<taskId>-r<R>: hand-overs keep it in their names
    generation: int = 1
    generationPolls: int = 0
    sequence: int = 0
    lastChangeAt: Timestamp | None = None
    last: Observation | None = None
    lastProgress: ProgressSample | None = None
    # A raw state only a cancel request produces was seen (``TaskKind.cancel_request_states``).
    cancelRequested: bool = False
    # When the task was first seen ended cancelled without evidence of why: the poll waits a grace
    # from here for the cancel call's CloudTrail record (``conversion_watch.cancel_evidence``).
    cancelEvidenceSince: Timestamp | None = None
    # ``last.state``, flat: the state machine's own error events read ``$.watch.lastKnownState``
    # (a JSONPath into a null ``last`` would fail the state).
    lastKnownState: State | None = None

    @model_validator(mode="after")
    def _last_known_state_follows_last(self) -> Watch:
        self.lastKnownState = self.last.state if self.last else None
        return self

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
            cancelRequested=self.cancelRequested,
        )


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
    outcomeReason: OutcomeReason | None = Field(
        default=None,
        description="Terminal events only: why the task ended (completed, user-cancelled, expired, error, unknown).",
    )
    statusMessage: str | None = None
    progress: Progress | None = None
    observedAt: Timestamp
    watchStartedAt: Timestamp
    pollCount: int
    elapsedSeconds: int = Field(
        ge=0, description="Seconds since the task started (License Manager startTime), else since the watch started."
    )
    elapsed: str = Field(description='elapsedSeconds for people, e.g. "3 h 12 min" (notifications quote it).')
    task: TaskFacts

    @model_validator(mode="after")
    def _reason_on_terminal_events_only(self) -> StateChangeDetail:
        if self.terminal != (self.outcomeReason is not None):
            raise ValueError("outcomeReason is given on terminal events, and only on them")
        return self

    @field_serializer("task")
    def _task_without_blanks(self, task: TaskFacts) -> dict[str, Any]:
        # An EC2 task has no license fields and vice versa: leave them out.
        return task.model_dump(mode="json", exclude_none=True)


class WatchErrorDetail(_Model):
    """``detail`` of ``Conversion Task Watch Error``, whichever step builds it (the Lambda
    steps or the state machine's "Record ... Failure" states)."""

    eventId: str = Field(
        description="<taskId>#<sequence> for a watch's error; <executionName>#rejected for a request that "
        "opened no watch (it never collides with a real watch's ids)."
    )
    sequence: int = Field(ge=1)
    taskType: str | None = None
    taskId: str | None = None
    errorCode: str
    message: str
    lastKnownState: State | None = None
    observedAt: Timestamp
    watchStartedAt: Timestamp | None = None
    pollCount: int = Field(default=0, ge=0, description="Polls attempted, the failed one included.")
    input: Any = Field(default=None, description="The rejected input (InvalidInput only, when small).")
