"""Play docs/examples/scenario.json from Python: polling fixed at 5 minutes, every third PutEvents entry refused once.

    make synth && python -m docs.examples.run_scenario
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from localrun.engine import run_scenario
from localrun.report import Report

SCENARIO = Path(__file__).with_name("scenario.json")


def play() -> Report:
    entries = itertools.count(1)

    def refuse_every_third(entry: dict[str, Any]) -> dict[str, str] | None:
        # EventBridge's retryable entry error: the state machine's Retry sends the entry again.
        return {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} if next(entries) % 3 == 0 else None

    return run_scenario(
        json.loads(SCENARIO.read_text()),
        function_env_overrides={"MIN_POLL_SECONDS": "300", "MAX_POLL_SECONDS": "300"},
        entry_fault=refuse_every_third,
    )


if __name__ == "__main__":
    report = play()
    print(report.format_timeline())
    print(report.execution("watch-import-i-ffvko9js").status, report.apiCalls)
