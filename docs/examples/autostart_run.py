"""Auto-start on the local engine: a CloudTrail ImportVolume event starts one watch, a sweep
finds the license conversion nobody started a watch for.

    make synth && python -m docs.examples.autostart_run
"""

from __future__ import annotations

import json
from pathlib import Path

from localrun.autostart import ApiCall, AutostartReport, Sweep
from localrun.engine import run_autostart

EVENT = json.loads((Path(__file__).parent / "events" / "cloudtrail-import-volume.json").read_text())
SCENARIO = {
    "epoch": "2026-03-01T12:00:00Z",
    "tasks": [
        {"taskType": "ec2-conversion", "taskId": "import-vol-ffut5xv4",
         "timeline": [{"at": 0, "state": "active"}, {"at": 1800, "state": "completed"}]},
        {"taskType": "license-conversion", "taskId": "lct-0a1b2c3d4e5f6071",
         "timeline": [{"at": 0, "state": "IN_PROGRESS"}, {"at": 2400, "state": "SUCCEEDED"}]},
    ],
    "watches": [],  # nobody starts a watch by hand
}


def play() -> AutostartReport:
    # The event reaches the synthesized API-call rule 30 s after the call; the sweeper runs at 15 min.
    return run_autostart(SCENARIO, api_calls=[ApiCall(30, EVENT)], sweeps=[Sweep(900)])


if __name__ == "__main__":
    report = play()
    for delivery in report.deliveries:
        print(f"+{delivery.at:>4.0f} s  {delivery.event_name}: {delivery.results}")
    for sweep in report.sweeps:
        print(f"+{sweep.at:>4.0f} s  sweep: {sweep.report}  calls {sweep.calls}")
    print(report.run.format_timeline())
