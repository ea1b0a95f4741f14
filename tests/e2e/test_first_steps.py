"""A newcomer's first local run: the template is synthesized with the interpreter the run itself uses (cdk.json's
``python3`` is the system's on a fresh clone), a failed synth is one line and leaves no empty ``cdk.out/``, and
the handlers' output (the auto-start functions' included) goes to the function log, never to the terminal."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from localrun import template
from localrun.__main__ import main
from localrun.autostart import ApiCall, Sweep, api_call_event
from localrun.engine import run_autostart, run_scenario
from localrun.template import SynthFailed, synth_command, synthesize, telling_line

VOLUME = "import-vol-ffut5xv4"


def test_the_synth_runs_the_app_with_this_interpreter(tmp_path: Path) -> None:
    command = synth_command(tmp_path / "out")

    assert command[command.index("--app") + 1] == f"{shlex.quote(sys.executable)} app.py"
    assert command[command.index("--output") + 1] == str(tmp_path / "out")


def test_a_failed_synth_is_one_line_and_leaves_no_output_directory(tmp_path: Path) -> None:
    """The real CDK CLI, running the app with an interpreter that cannot import aws_cdk (no site-packages), as the
    system ``python3`` of a fresh clone does."""
    output = tmp_path / "cdk.out"
    bare_python = tmp_path / "python"
    bare_python.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -S \"$@\"\n")
    bare_python.chmod(0o755)

    with pytest.raises(SynthFailed) as failed:
        synthesize(output, python=str(bare_python))

    assert str(failed.value) == ("`cdk synth` failed (exit 1): ModuleNotFoundError: No module named 'aws_cdk' "
                                 "(`make synth` shows all of its output)")
    assert not output.exists()


@pytest.mark.parametrize(
    ("output", "line"),
    [
        ("Traceback (most recent call last):\n  File \"app.py\", line 6\nModuleNotFoundError: No module named 'x'\n"
         "python3 app.py: Subprocess exited with error 1\n", "ModuleNotFoundError: No module named 'x'"),
        ("RuntimeError: Error: Validation failed with the following errors:\n  [Stack] AwsSolutions-IAM5\n"
         "python3 app.py: Subprocess exited with error 1\n", "RuntimeError: Error: Validation failed with the "
                                                              "following errors:"),
        ("npm ERR! could not determine executable to run\n", "npm ERR! could not determine executable to run"),
        ("", "no output"),
    ],
    ids=["exception", "cdk-nag", "npx", "silent"],
)
def test_the_telling_line(output: str, line: str) -> None:
    assert telling_line(output) == line


def test_the_local_run_reports_a_failed_synth_in_one_line(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path):
    def fail(output: Path, **_: object) -> None:
        raise SynthFailed("`cdk synth` failed (exit 1): ModuleNotFoundError: No module named 'aws_cdk'")

    monkeypatch.setattr(template, "synthesize", fail)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"tasks": [], "watches": [{"at": 0, "input": {}}]}))

    code = main([str(scenario), "--template", str(tmp_path / "cdk.out" / "ConversionWatch.template.json")])

    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == ("localrun: SynthFailed: `cdk synth` failed (exit 1): "
                            "ModuleNotFoundError: No module named 'aws_cdk'\n")


def test_handler_output_goes_to_the_function_log_only(capsys, tmp_path: Path) -> None:
    """The starter and the sweeper run in the run's own thread; their Powertools logs and metrics are the
    function log's, like the watcher's steps'."""
    tasks = [{"taskType": "ec2-conversion", "taskId": VOLUME,
              "timeline": [{"at": 0, "state": "active"}, {"at": 900, "state": "completed"}]}]
    log_path = tmp_path / "functions.log"

    with log_path.open("w") as log:
        report = run_autostart({"tasks": tasks}, api_calls=[ApiCall(10, api_call_event("ImportVolume", VOLUME))],
                               sweeps=[Sweep(60)], function_log=log)

    assert [e.status for e in report.run.executions] == ["SUCCEEDED"]
    assert capsys.readouterr().out == ""
    logged = [json.loads(line) for line in log_path.read_text().splitlines()]
    metrics = {m["Name"] for entry in logged if "_aws" in entry
               for directive in entry["_aws"]["CloudWatchMetrics"] for m in directive["Metrics"]}
    # The starter's and the sweeper's metrics (EMF), which reached the terminal before.
    assert {"WatchStartRequests", "RunningTasks"} <= metrics, metrics


def test_a_logger_made_before_the_run_logs_to_the_function_log(capsys, tmp_path: Path) -> None:
    """Powertools' ``Logger`` keeps the ``sys.stdout`` it was made with: a program that imported the handlers
    first (or ran the engine before) still gets their log lines in the function log, not on its terminal."""
    import sys

    from conversion_watch.observability import logger

    handler = logger.registered_handler
    made_with, handler.stream = handler.stream, sys.stdout
    log_path = tmp_path / "functions.log"
    try:
        with log_path.open("w") as log:
            report = run_scenario({"tasks": [], "watches": [{"at": 0, "input": {"taskType": "ec2-conversion"}}]},
                                  function_log=log)
        assert handler.stream is sys.stdout  # given back after the run
    finally:
        handler.stream = made_with

    assert [e.status for e in report.executions] == ["FAILED"]
    assert capsys.readouterr().out == ""
    assert "rejected watch request" in log_path.read_text()  # the validate step's warning
