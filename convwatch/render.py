"""Human-readable output (``--json`` prints the same data as JSON)."""

from __future__ import annotations

from typing import Any


def started(result: dict[str, Any]) -> str:
    if result["outcome"] == "ALREADY_WATCHED":
        return f"{result['taskId']} is already watched (execution {result['executionName']} exists); nothing started."
    if result["outcome"] == "RESUMED":
        return (f"Resuming the watch of {result['taskType']} task {result['taskId']} (its last execution ended "
                f"without the task's outcome): execution {result['executionName']}.")
    return f"Watching {result['taskType']} task {result['taskId']}: execution {result['executionName']}."


def status(report: dict[str, Any]) -> str:
    lines = [
        f"Task:       {report['taskId']} ({report['taskType'] or 'unknown type'})",
        f"Watch:      {report['execution']} — {report['executionStatus']}"
        + (f" (generation {report['generation']})" if report["generation"] > 1 else ""),
        f"Started:    {report['startedAt']}",
    ]
    if report.get("stoppedAt"):
        lines.append(f"Stopped:    {report['stoppedAt']}")
    last = report.get("lastKnown")
    if last is None:
        lines.append("Last state: not observed yet")
    else:
        if last.get("state"):
            message = f": {last['statusMessage']}" if last.get("statusMessage") else ""
            lines.append(f"Last state: {last['state']} (service state {last['serviceState']!r}){message}")
            lines.append(f"Polls:      {last.get('pollCount')}")
        if last.get("watchError"):
            lines.append(f"Watch error: {last['watchError']['errorCode']}: {last['watchError']['message']}")
    if report.get("error"):
        lines.append(f"Ended with: {report['error']['error']}: {report['error']['cause']}")
    return "\n".join(lines)


def running(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No running watches."
    header = ("TASK ID", "TYPE", "EXECUTION", "STARTED")
    table = [header] + [
        (row["taskId"] or "?", row["taskType"] or "?", row["execution"], row["startedAt"] or "") for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    body = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in table]
    return "\n".join([*body, f"{len(rows)} running watch{'es' if len(rows) != 1 else ''}."])
