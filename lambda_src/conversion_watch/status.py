"""The status the state machine branches on: one model, one constructor per outcome.

Every Lambda step returns the state document ``{"watch": <Watch>, "status": <Status>}``
(``document``); the Choice states read ``status`` through the JSONPaths in
``contract`` (``STATUS_OUTCOME``, ``STATUS_STATE``, ...). ``outcome`` is one of:

* ``VALID``: the request is valid and the watch is claimed; poll next
  (``resumed`` when a dead holder's watch was taken over).
* ``OBSERVED``: the task was observed: its normalized ``state``, whether it is
  ``terminal``, whether it ``changed`` (then ``detail`` is the state-change event),
  the next ``waitSeconds``, and whether a ``handOver`` is due (then
  ``nextExecutionName`` and ``continuation``).
* ``PENDING``: nothing to decide yet (a task not visible to the describe API yet):
  wait ``waitSeconds`` and look again.
* ``ERROR``: the watch cannot go on: ``errorCode``, ``message`` and the watch-error
  event in ``detail`` (``resumed``: a resume redelivers an interrupted watch error
  under its own id and, unless it is final, goes on after ``waitSeconds``).
* ``REFUSED``: a valid request whose execution does not hold the task's watch (another
  execution holds it, its end was delivered, the registry names another successor): the
  execution ends without publishing anything for the task; ``message`` says why.
* ``CLOSED``: a resume found the watch's end delivered by its previous holder
  (which could not record it) and recorded it: nothing to publish.

The state machine's own Pass states that report a caught failure
(``conversion_watch_cdk.watcher.failures``) build the ``ERROR`` form in ASL.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from conversion_watch import contract as c

StatusOutcome = Literal["VALID", "OBSERVED", "PENDING", "ERROR", "CLOSED", "REFUSED"]


class Status(BaseModel):
    """Build it with ``valid``, ``observed``, ``pending`` or ``error``; ``dump`` gives the JSON
    the state machine sees, with only the fields that outcome sets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: StatusOutcome
    resumed: bool | None = None
    state: str | None = None
    terminal: bool | None = None
    outcomeReason: str | None = None
    changed: bool | None = None
    waitSeconds: int | None = None
    handOver: bool | None = None
    summary: str | None = None
    detail: dict[str, Any] | None = None
    nextExecutionName: str | None = None
    continuation: dict[str, Any] | None = None
    errorCode: str | None = None
    message: str | None = None

    @classmethod
    def valid(cls, *, resumed: bool = False) -> Status:
        return cls(outcome=c.OUTCOME_VALID, resumed=True) if resumed else cls(outcome=c.OUTCOME_VALID)

    @classmethod
    def observed(
        cls, *, state: str, terminal: bool, changed: bool, wait_seconds: int, summary: str,
        outcome_reason: str | None = None, detail: dict[str, Any] | None = None,
        next_execution_name: str | None = None, continuation: dict[str, Any] | None = None,
    ) -> Status:
        """A hand-over is due exactly when ``next_execution_name`` is given (with its ``continuation``)."""
        fields: dict[str, Any] = {
            "outcome": c.OUTCOME_OBSERVED, "state": state, "terminal": terminal, "outcomeReason": outcome_reason,
            "changed": changed, "waitSeconds": wait_seconds, "handOver": next_execution_name is not None,
            "summary": summary,
        }
        if detail is not None:
            fields["detail"] = detail
        if next_execution_name is not None:
            fields |= {"nextExecutionName": next_execution_name, "continuation": continuation}
        return cls(**fields)

    @classmethod
    def pending(cls, *, wait_seconds: int, summary: str) -> Status:
        return cls(outcome=c.OUTCOME_PENDING, changed=False, terminal=False, handOver=False,
                   waitSeconds=wait_seconds, summary=summary)

    @classmethod
    def error(cls, *, error_code: str, message: str, detail: dict[str, Any]) -> Status:
        return cls(outcome=c.OUTCOME_ERROR, errorCode=error_code, message=message, detail=detail)

    @classmethod
    def redelivered_error(cls, *, error_code: str, message: str, detail: dict[str, Any], wait_seconds: int) -> Status:
        return cls(outcome=c.OUTCOME_ERROR, errorCode=error_code, message=message, detail=detail, resumed=True,
                   waitSeconds=wait_seconds)

    @classmethod
    def refused(cls, *, message: str) -> Status:
        return cls(outcome=c.OUTCOME_REFUSED, errorCode=c.NOT_THE_WATCH_HOLDER, message=message)

    @classmethod
    def closed(cls, *, summary: str) -> Status:
        return cls(outcome=c.OUTCOME_CLOSED, summary=summary)

    @property
    def is_error(self) -> bool:
        return self.outcome == c.OUTCOME_ERROR

    def dump(self) -> dict[str, Any]:
        # exclude_unset: a field an outcome sets to None (``outcomeReason`` of a non-terminal
        # observation) stays in the document as null; fields it does not set are absent.
        return self.model_dump(mode="json", exclude_unset=True)


def document(watch: dict[str, Any] | None, status: Status) -> dict[str, Any]:
    """The state document a Lambda step returns."""
    return {"watch": watch, "status": status.dump()}
