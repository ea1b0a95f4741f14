"""The two steps of the loop as plain functions: start (validate) and poll.

Both return the state machine's whole state document, ``{"watch": <Watch>, "status":
<Status>}`` (``conversion_watch.status``, which documents every outcome): start answers
``VALID`` (or ``OBSERVED`` when a resume redelivers a recorded change), poll ``OBSERVED``
or ``PENDING``, either ``ERROR``. Transient failures are raised instead (see ``errors``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from conversion_watch import cancel_evidence, naming
from conversion_watch.contract import CANCELLED, REJECTED_MARKER
from conversion_watch.durations import elapsed_seconds, human_duration
from conversion_watch.errors import InvalidInput, NotTheWatchHolder, TaskNotFound, WatchError, WatchTimedOut
from conversion_watch.kinds import TASK_KINDS, kind
from conversion_watch.models import (
    ONE_YEAR_SECONDS,
    Observation,
    ProgressSample,
    StateChangeDetail,
    Watch,
    WatchErrorDetail,
    WatchRequest,
)
from conversion_watch.naming import Lineage, execution_name
from conversion_watch.outcome import EndEvidence, Outcome, classify
from conversion_watch.registry import Registry
from conversion_watch.resume import take_over
from conversion_watch.schedule import PollBounds, completion_eta, next_poll_delay
from conversion_watch.settings import Settings
from conversion_watch.snapshot import TaskSnapshot
from conversion_watch.status import Status, document

Describe = Callable[[str, str], TaskSnapshot]
# task id -> whether a cancel call for it was seen (the watch table's CANCEL mark)
CancelMarked = Callable[[str], bool]
MAX_ECHOED_INPUT_CHARS = 2048
# Rejected input is echoed into the error event only this far: a 200 KB task id must not
# push the state past Step Functions' 256 KB payload limit (States.DataLimitExceeded cannot be caught).
MAX_ECHOED_FIELD_CHARS = 128
MAX_MESSAGE_CHARS = 1024
MAX_TASK_ID_CHARS = 64  # WatchRequest.taskId
# Deeper input is refused before pydantic sees it (its serializer stops at 254 levels,
# Python's JSON encoder at about 1,000): no task request nests beyond a few levels.
MAX_INPUT_DEPTH = 32


def start(
    raw_input: Any, *, settings: Settings, now: datetime, execution: str | None = None,
    execution_arn: str | None = None, registry: Registry | None = None,
) -> dict[str, Any]:
    """Validate the execution's input (and, when given, its name) and open or resume a watch.

    With ``registry`` and ``execution_arn`` the watch is also claimed in the watch
    registry (``resume.take_over``): a first start, a hand-over from the registered
    holder, or a resume after a holder that ended without its task's outcome."""
    try:
        request = parse_request(raw_input)
        lineage = check_identity(request, execution, execution_arn=execution_arn,
                                 registry_decides=registry is not None and execution_arn is not None)
        if request.continuation is not None:
            carried = request.continuation
            watch = Watch(
                taskType=request.taskType,
                taskId=request.taskId,
                **carried.model_dump(exclude={"generation", "deadline"}),
                # However the hand-over input was made, no watch outlives Standard workflows' one year.
                deadline=min(carried.deadline, carried.watchStartedAt + timedelta(seconds=ONE_YEAR_SECONDS)),
                generation=carried.generation + 1,
                restart=lineage.restart,
            )
        else:
            max_watch = request.maxWatchSeconds or settings.default_max_watch_seconds
            watch = Watch(
                taskType=request.taskType,
                taskId=request.taskId,
                watchStartedAt=now,
                deadline=now + timedelta(seconds=max_watch),
                restart=lineage.restart,
            )
        if registry is not None and execution_arn is not None:
            return take_over(request, watch, lineage, me=execution_arn, registry=registry, settings=settings, now=now)
    except InvalidInput as error:
        return _input_error(raw_input, error, now=now, execution=execution)
    except NotTheWatchHolder as error:
        return document(None, Status.refused(message=_printable(error.message)))
    return document(_dump(watch), Status.valid())


def check_identity(request: WatchRequest, execution: str | None, *, execution_arn: str | None = None,
                   registry_decides: bool = False) -> Lineage:
    """One watcher per task: the execution must carry one of the task's watch names
    (``naming``), a continuation only in a hand-over name, and a hand-over only
    from its predecessor: ``AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`` must be
    exactly the ARN of the previous generation in this state machine."""
    continuation = request.continuation
    started_by = request.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID
    if continuation is not None and not started_by:
        raise NotTheWatchHolder("continuation is only accepted from the watch's previous execution (its hand-over)")
    if execution is None:
        return Lineage(generation=continuation.generation + 1 if continuation else 1)
    lineage = naming.parse(execution, request.taskId)
    generation = continuation.generation + 1 if continuation else 1
    try:
        expected = naming.execution_name(request.taskId, generation=generation,
                                         restart=lineage.restart if lineage else 1)
    except ValueError as error:
        raise InvalidInput(f"continuation generation out of range: {_clip(str(error), MAX_ECHOED_FIELD_CHARS)}") \
            from None
    # With the registry, a hand-over's input names only the task: any name of the task's line is
    # accepted here, and the registry decides whether this execution may hold the watch.
    any_generation = registry_decides and continuation is None
    if lineage is None or (lineage.generation != generation and not any_generation):
        raise InvalidInput(
            f"this execution is named {_clip(execution, MAX_ECHOED_FIELD_CHARS)!r}; a watch of {request.taskId} "
            f"must be named {expected!r}, so that Step Functions refuses a second watcher of the same task"
        )
    if continuation is not None and execution_arn is not None:
        predecessor = naming.execution_arn(
            execution_arn, naming.execution_name(request.taskId, generation=generation - 1, restart=lineage.restart)
        )
        if started_by != predecessor:
            raise NotTheWatchHolder(
                f"continuation refused: started by {_clip(str(started_by), MAX_ECHOED_FIELD_CHARS)!r}, "
                f"not by this watch's previous execution {predecessor!r}"
            )
    return lineage


def parse_request(raw_input: Any) -> WatchRequest:
    if not isinstance(raw_input, dict):
        raise InvalidInput(f"input must be a JSON object, got {type(raw_input).__name__}")
    if _depth(raw_input) > MAX_INPUT_DEPTH:
        raise InvalidInput(f"input is nested more than {MAX_INPUT_DEPTH} levels deep")
    try:
        return WatchRequest.model_validate(raw_input)
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None
    except (ValueError, RecursionError) as error:  # e.g. a number too large for a date
        raise InvalidInput(_clip(_printable(str(error)), MAX_MESSAGE_CHARS)) from None


def _depth(value: Any, limit: int = MAX_INPUT_DEPTH + 1) -> int:
    """Nesting depth, counted without recursion (and no further than ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest >= limit:
                return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _printable(text: str) -> str:
    """Lone surrogates cannot be encoded as UTF-8 (the event bus, the logs): escape them."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def describe_validation_error(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        where = ".".join(str(part) for part in item["loc"])
        # Whole-input checks (the id against its type) name their fields themselves.
        problems.append(f"{_clip(where, MAX_ECHOED_FIELD_CHARS)}: {message}" if where else message)
    return _clip(_printable("; ".join(problems)), MAX_MESSAGE_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _no_marks(task_id: str) -> bool:
    return False


def poll(
    watch: Watch, *, settings: Settings, describe: Describe, now: datetime, cancel_marked: CancelMarked = _no_marks
) -> dict[str, Any]:
    """Observe the task once and decide what the state machine does next."""
    watch = watch.model_copy(update={"pollCount": watch.pollCount + 1, "generationPolls": watch.generationPolls + 1})
    try:
        snapshot = describe(watch.taskType, watch.taskId)
    except TaskNotFound as error:
        if watch.last is None and (now - watch.watchStartedAt).total_seconds() < settings.not_found_grace_seconds:
            return _not_visible_yet(watch, error, settings=settings, now=now)
        return _watch_error(watch, error, now=now)
    except WatchError as error:
        return _watch_error(watch, error, now=now)
    if not snapshot.terminal and now >= watch.deadline:
        timed_out = WatchTimedOut(
            f"task still {snapshot.state} after the maximum watch time "
            f"({int((watch.deadline - watch.watchStartedAt).total_seconds())} s)"
        )
        return _watch_error(watch, timed_out, now=now)
    if snapshot.service_state in kind(watch.taskType).cancel_request_states:
        watch = watch.model_copy(update={"cancelRequested": True})
    reason = None
    if snapshot.terminal:
        outcome = _classify(watch, snapshot, now=now, cancel_marked=cancel_marked)
        if outcome.reason == "unknown" and kind(watch.taskType).cancel_calls:
            since = watch.cancelEvidenceSince or now
            wait = cancel_evidence.grace_wait(
                since=since, now=now, grace_seconds=settings.cancel_evidence_grace_seconds, deadline=watch.deadline)
            if wait is not None:
                return _awaiting_cancel_evidence(watch.model_copy(update={"cancelEvidenceSince": since}), wait)
        snapshot, reason = replace(snapshot, state=outcome.state), outcome.reason
    return _observed(watch, snapshot, reason, settings=settings, now=now)


def _classify(watch: Watch, snapshot: TaskSnapshot, *, now: datetime, cancel_marked: CancelMarked) -> Outcome:
    """The terminal state and its reason (``conversion_watch.outcome``); CloudTrail's evidence
    (``cancel_marked``: the watch table's mark, event history) is read only for a ``cancelled`` end
    that the other evidence does not already make a user cancel."""
    evidence = EndEvidence(normalized=snapshot.state, status_message=snapshot.status_message,
                           expires_at=snapshot.expires_at, observed_at=now, cancel_requested=watch.cancelRequested)
    outcome = classify(evidence)
    if snapshot.state != CANCELLED or outcome.reason == "user-cancelled" or not cancel_marked(watch.taskId):
        return outcome
    return classify(replace(evidence, cancel_call_recorded=True))


def _awaiting_cancel_evidence(watch: Watch, wait: int) -> dict[str, Any]:
    """Ended cancelled, no evidence yet of why: not final until the grace for the cancel call's
    CloudTrail record is over (``cancel_evidence``); the state machine polls again meanwhile."""
    status = Status.pending(
        wait_seconds=wait,
        summary=f"{watch.taskType} task {watch.taskId} ended cancelled; waiting for CloudTrail's record of "
                f"a cancel call before publishing its end",
    )
    return document(_dump(watch), status)


def _observed(
    watch: Watch, snapshot: TaskSnapshot, reason: str | None, *, settings: Settings, now: datetime
) -> dict[str, Any]:
    seen = Observation(state=snapshot.state, serviceState=snapshot.service_state,  # type: ignore[arg-type]
                       statusMessage=snapshot.status_message)
    previous = watch.last
    changed = previous != seen
    state_changed = previous is None or (previous.state, previous.serviceState) != (seen.state, seen.serviceState)
    sample = (
        ProgressSample(percent=snapshot.progress.percent, at=now)
        if snapshot.progress is not None and snapshot.progress.percent is not None
        else None
    )
    eta = completion_eta(watch.lastProgress, sample) if not state_changed else None
    watch = watch.model_copy(
        update={
            "last": seen,
            "lastKnownState": seen.state,
            "sequence": watch.sequence + (1 if changed else 0),
            "lastChangeAt": now if state_changed else watch.lastChangeAt,
            "lastProgress": sample or watch.lastProgress,
        }
    )
    detail = None
    if changed:
        detail = _dump(
            StateChangeDetail(
                eventId=f"{watch.taskId}#{watch.sequence}",
                sequence=watch.sequence,
                taskType=watch.taskType,
                taskId=watch.taskId,
                state=seen.state,
                previousState=previous.state if previous else None,
                serviceState=seen.serviceState,
                terminal=snapshot.terminal,
                outcomeReason=reason,
                statusMessage=seen.statusMessage,
                progress=snapshot.progress,
                observedAt=now,
                watchStartedAt=watch.watchStartedAt,
                pollCount=watch.pollCount,
                elapsedSeconds=(elapsed := _elapsed(watch, snapshot, now=now)),
                elapsed=human_duration(elapsed),
                task=snapshot.facts,
            )
        )
    hand_over_due = not snapshot.terminal and watch.generationPolls >= settings.polls_per_execution
    status = Status.observed(
        state=snapshot.state,
        terminal=snapshot.terminal,
        outcome_reason=reason,
        changed=changed,
        wait_seconds=next_poll_delay(
            now=now,
            quiet_since=watch.lastChangeAt or watch.watchStartedAt,
            bounds=PollBounds(min_seconds=settings.min_poll_seconds, max_seconds=settings.max_poll_seconds),
            deadline=watch.deadline,
            expires_at=snapshot.expires_at,
            eta_seconds=eta,
        ),
        summary=_summary(watch, snapshot, reason),
        detail=detail,
        next_execution_name=execution_name(watch.taskId, generation=watch.generation + 1, restart=watch.restart)
        if hand_over_due else None,
        continuation=_dump(watch.continuation()) if hand_over_due else None,
    )
    return document(_dump(watch), status)


def _elapsed(watch: Watch, snapshot: TaskSnapshot, *, now: datetime) -> int:
    """The task's own run time when the service reports it, else the watch's."""
    since = snapshot.facts.startTime or watch.watchStartedAt
    until = snapshot.facts.endTime if snapshot.terminal and snapshot.facts.endTime else now
    return elapsed_seconds(since, until)


def _not_visible_yet(watch: Watch, error: TaskNotFound, *, settings: Settings, now: datetime) -> dict[str, Any]:
    """A task created seconds ago may not be visible to the describe API yet
    (eventual consistency): wait and look again before calling it not found."""
    until_deadline = max(1, int((watch.deadline - now).total_seconds()))
    status = Status.pending(
        wait_seconds=min(settings.min_poll_seconds, until_deadline),
        summary=f"{watch.taskType} task {watch.taskId} is not visible yet: {error.message}",
    )
    return document(_dump(watch), status)


def _summary(watch: Watch, snapshot: TaskSnapshot, reason: str | None) -> str:
    why = f"outcome {reason}, " if reason else ""
    text = f"{watch.taskType} task {watch.taskId} is {snapshot.state} ({why}service state {snapshot.service_state!r})"
    return f"{text}: {snapshot.status_message}" if snapshot.status_message else text


def _watch_error(watch: Watch, error: WatchError, *, now: datetime) -> dict[str, Any]:
    sequence = watch.sequence + 1
    detail = WatchErrorDetail(
        eventId=f"{watch.taskId}#{sequence}",
        sequence=sequence,
        taskType=watch.taskType,
        taskId=watch.taskId,
        errorCode=error.error_code,
        message=error.message,
        lastKnownState=watch.last.state if watch.last else None,
        observedAt=now,
        watchStartedAt=watch.watchStartedAt,
        pollCount=watch.pollCount,
    )
    watch = watch.model_copy(update={"sequence": sequence})
    return document(_dump(watch), _error_status(error, detail))


def _input_error(raw_input: Any, error: InvalidInput, *, now: datetime, execution: str | None) -> dict[str, Any]:
    task_type, task_id = named_task(raw_input)
    detail = WatchErrorDetail(
        eventId=rejected_event_id(execution),
        sequence=1,
        taskType=task_type,
        taskId=task_id,
        errorCode=error.error_code,
        message=_printable(error.message),
        observedAt=now,
        input=raw_input if _echo_fits(raw_input) else None,
    )
    return document(None, _error_status(error, detail))


def rejected_event_id(execution: str | None) -> str:
    """The id of an event that belongs to no watch: from the execution, never ``<taskId>#<n>``
    (a subscriber de-duplicating on ``eventId`` would drop the real watch's event). The state
    machine's "Record Validation Failure" builds the same form."""
    return f"{execution or 'unnamed-execution'}#{REJECTED_MARKER}"


def named_task(raw_input: Any) -> tuple[str | None, str | None]:
    """``(taskType, taskId)`` when the input names a valid pair (a rejected input may still name
    one: a wrongly named execution, a forged continuation), else ``(None, None)``."""
    if not isinstance(raw_input, dict):
        return None, None
    task_type, task_id = raw_input.get("taskType"), raw_input.get("taskId")
    if not isinstance(task_type, str) or not isinstance(task_id, str) or task_type not in TASK_KINDS:
        return None, None
    if len(task_id) > MAX_TASK_ID_CHARS or not TASK_KINDS[task_type].matches(task_id):
        return None, None
    return task_type, task_id


def _echo_fits(raw_input: Any) -> bool:
    """Small, shallow and encodable as UTF-8: only such input is echoed into the event."""
    if _depth(raw_input) > MAX_INPUT_DEPTH:
        return False
    try:
        echoed = json.dumps(raw_input, default=str, ensure_ascii=False)
        echoed.encode("utf-8")
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        return False
    return len(echoed) <= MAX_ECHOED_INPUT_CHARS


def _error_status(error: WatchError, detail: WatchErrorDetail) -> Status:
    return Status.error(error_code=error.error_code, message=error.message, detail=_dump(detail))


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")
