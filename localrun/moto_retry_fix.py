"""Retry counters per state entry, as in Step Functions.

moto 5.2 keeps a Retrier's attempt number and backoff multiplier in the
execution's heap and never resets them, so they add up over every entry of
the state in one execution: a watch's poll step would run out of its
``MaxAttempts`` after six failures spread over hours of polling, and wait ever
longer between retries. Step Functions counts retries per state entry
(``$$.State.RetryCount`` starts at 0 each time). Here every entry of a Task
state starts its retriers afresh.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock


def _retrier_heap_keys(state: Any) -> list[str]:
    retry = getattr(state, "retry", None)
    keys: list[str] = []
    for retrier in getattr(retry, "retriers", None) or []:
        keys.append(retrier.max_attempts._attempt_number_key())
        keys.append(retrier.backoff_rate._next_multiplier_key())
    return keys


@contextlib.contextmanager
def retry_counters_per_state_entry() -> Iterator[None]:
    from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState

    original = ExecutionState._eval_state

    def eval_state(self: Any, env: Any) -> None:
        for key in _retrier_heap_keys(self):
            env.heap.pop(key, None)
        original(self, env)

    with mock.patch.object(ExecutionState, "_eval_state", eval_state):
        yield
