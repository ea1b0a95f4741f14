"""Each ``convwatch`` command and its errors, against moto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from convwatch.cli import main
from tests.cli.conftest import Account

VOLUME_TASK = "import-vol-ffut5xv4"
INSTANCE_TASK = "import-i-ffvko9js"
LICENSE_TASK = "lct-0123456789abcdef0123456789abcdef"
ACTIVE = {"state": "IN_PROGRESS", "serviceState": "active", "statusMessage": "Pending"}
REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# -- start -------------------------------------------------------------------


def test_start_starts_the_named_watch_with_the_canonical_input(account: Account, capsys: Any) -> None:
    code, out, _ = run(capsys, "start", "ec2-conversion", VOLUME_TASK)

    assert code == 0
    assert out.strip() == f"Watching ec2-conversion task {VOLUME_TASK}: execution watch-{VOLUME_TASK}."
    arn = f"{account.state_machine_arn.replace(':stateMachine:', ':execution:')}:watch-{VOLUME_TASK}"
    described = account.sfn.describe_execution(executionArn=arn)
    assert described["input"] == json.dumps({"taskType": "ec2-conversion", "taskId": VOLUME_TASK},
                                            separators=(",", ":"))


def test_start_is_idempotent_and_resumes_a_watch_that_ended_without_its_outcome(account: Account,
                                                                                 capsys: Any) -> None:
    first = run_json(capsys, "start", "license-conversion", LICENSE_TASK)
    again_while_running = run_json(capsys, "start", "license-conversion", LICENSE_TASK)
    assert again_while_running["executionArn"] == first["executionArn"]

    account.sfn.stop_execution(executionArn=first["executionArn"])
    resumed = run_json(capsys, "start", "license-conversion", LICENSE_TASK)

    assert (resumed["outcome"], resumed["executionName"]) == ("RESUMED", f"watch-{LICENSE_TASK}-r2")
    listed = account.sfn.list_executions(stateMachineArn=account.state_machine_arn)["executions"]
    assert len(listed) == 2


def test_start_refuses_a_task_id_of_the_wrong_type(account: Account, capsys: Any) -> None:
    code, out, err = run(capsys, "start", "license-conversion", VOLUME_TASK)
    assert code == 2 and out == ""
    assert "is not a license-conversion task id" in err
    assert account.sfn.list_executions(stateMachineArn=account.state_machine_arn)["executions"] == []


def test_start_refuses_an_unknown_task_type(account: Account, capsys: Any) -> None:
    assert main(["start", "volume-conversion", VOLUME_TASK]) == 2
    assert "invalid choice" in capsys.readouterr().err


# -- status ------------------------------------------------------------------


def test_status_of_a_running_watch_reads_the_last_poll(account: Account, capsys: Any) -> None:
    account.run_watch(f"watch-{VOLUME_TASK}", "ec2-conversion", VOLUME_TASK, ACTIVE, poll_count=7)

    code, out, _ = run(capsys, "status", VOLUME_TASK)
    report = run_json(capsys, "status", VOLUME_TASK)

    assert code == 0
    assert f"watch-{VOLUME_TASK} — RUNNING" in out
    assert "Last state: IN_PROGRESS (service state 'active'): Pending" in out
    assert report["executionStatus"] == "RUNNING" and report["taskType"] == "ec2-conversion"
    assert report["lastKnown"]["state"] == "IN_PROGRESS" and report["lastKnown"]["pollCount"] == 7


def test_status_of_a_finished_watch(account: Account, capsys: Any) -> None:
    account.run_watch(f"watch-{INSTANCE_TASK}", "ec2-conversion", INSTANCE_TASK,
                      {"state": "COMPLETED", "serviceState": "completed", "statusMessage": None})
    account.run_watch(f"watch-{LICENSE_TASK}", "license-conversion", LICENSE_TASK,
                      {"state": "FAILED", "serviceState": "FAILED", "statusMessage": "license not eligible"})

    completed = run_json(capsys, "status", INSTANCE_TASK)
    failed = run_json(capsys, "status", LICENSE_TASK)
    _, out, _ = run(capsys, "status", LICENSE_TASK)

    assert completed["executionStatus"] == "SUCCEEDED" and completed["lastKnown"]["state"] == "COMPLETED"
    assert failed["executionStatus"] == "FAILED" and failed["lastKnown"]["state"] == "FAILED"
    assert failed["error"] == {"error": "ConversionTaskFailed", "cause": "conversion failed"}
    assert "Ended with: ConversionTaskFailed: conversion failed" in out


def test_status_follows_hand_overs_to_the_current_generation(account: Account, capsys: Any) -> None:
    account.run_watch(f"watch-{VOLUME_TASK}", "ec2-conversion", VOLUME_TASK, ACTIVE, poll_count=500,
                      next_execution=f"watch-{VOLUME_TASK}-g2")
    account.run_watch(f"watch-{VOLUME_TASK}-g2", "ec2-conversion", VOLUME_TASK,
                      {"state": "CANCELLING", "serviceState": "cancelling", "statusMessage": None}, poll_count=612)

    report = run_json(capsys, "status", VOLUME_TASK)

    assert report["execution"] == f"watch-{VOLUME_TASK}-g2" and report["generation"] == 2
    assert report["lastKnown"]["state"] == "CANCELLING" and report["lastKnown"]["pollCount"] == 612


def test_status_of_a_task_nobody_watches(account: Account, capsys: Any) -> None:
    code, out, err = run(capsys, "status", VOLUME_TASK)
    assert code == 5 and out == ""
    assert f"task {VOLUME_TASK} is not watched: no execution watch-{VOLUME_TASK}" in err


# -- list --------------------------------------------------------------------


def test_list_shows_running_watches_only(account: Account, capsys: Any) -> None:
    account.run_watch(f"watch-{VOLUME_TASK}", "ec2-conversion", VOLUME_TASK, ACTIVE)
    account.run_watch(f"watch-{LICENSE_TASK}-g3", "license-conversion", LICENSE_TASK,
                      {"state": "IN_PROGRESS", "serviceState": "IN_PROGRESS", "statusMessage": None})
    account.run_watch(f"watch-{INSTANCE_TASK}", "ec2-conversion", INSTANCE_TASK,
                      {"state": "COMPLETED", "serviceState": "completed", "statusMessage": None})

    rows = run_json(capsys, "list")
    code, out, _ = run(capsys, "list")

    assert sorted((r["taskId"], r["taskType"], r["execution"]) for r in rows) == [
        (VOLUME_TASK, "ec2-conversion", f"watch-{VOLUME_TASK}"),
        (LICENSE_TASK, "license-conversion", f"watch-{LICENSE_TASK}-g3"),
    ]
    assert code == 0
    assert out.splitlines()[0].split() == ["TASK", "ID", "TYPE", "EXECUTION", "STARTED"]
    assert out.splitlines()[-1] == "2 running watches."


def test_list_with_nothing_running(account: Account, capsys: Any) -> None:
    assert run(capsys, "list") == (0, "No running watches.\n", "")
    assert run_json(capsys, "list") == []


# -- finding the deployment ----------------------------------------------------


def test_missing_stack_is_a_clear_error(account: Account, capsys: Any) -> None:
    code, out, err = run(capsys, "list", "--stack", "NotDeployed")
    assert code == 4 and out == ""
    assert "no stack 'NotDeployed' in us-east-1" in err


def test_missing_stack_error_in_json(account: Account, capsys: Any) -> None:
    code, _, err = run(capsys, "status", VOLUME_TASK, "--stack", "NotDeployed", "--json")
    assert code == 4
    assert json.loads(err)["error"] == "StackNotFound"


def test_stack_without_the_output_is_not_a_conversion_watch_stack(account: Account, capsys: Any) -> None:
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    boto3.client("cloudformation").create_stack(StackName="SomethingElse", TemplateBody=json.dumps(template))
    code, _, err = run(capsys, "list", "--stack", "SomethingElse")
    assert code == 4
    assert "has no StateMachineArn output" in err


def test_state_machine_arn_can_be_given_without_a_stack(account: Account, capsys: Any) -> None:
    account.run_watch(f"watch-{VOLUME_TASK}", "ec2-conversion", VOLUME_TASK, ACTIVE)
    rows = run_json(capsys, "list", "--stack", "NotDeployed", "--state-machine-arn", account.state_machine_arn)
    assert [r["taskId"] for r in rows] == [VOLUME_TASK]


def test_no_credentials_is_a_clear_error(tmp_path: Path) -> None:
    """The installed console script, with no credentials anywhere."""
    script = Path(sys.executable).parent / "convwatch"
    assert script.exists(), "run `make setup` (pip install -e .) to install the convwatch script"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")})

    completed = subprocess.run([str(script), "list"], env=env, capture_output=True, text=True, cwd=tmp_path,
                               check=False)

    assert completed.returncode == 3
    assert completed.stdout == ""
    assert completed.stderr.startswith("convwatch: no AWS credentials found")


def test_no_region_is_a_clear_error(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")})
    completed = subprocess.run([sys.executable, "-m", "convwatch", "list"], env=env, capture_output=True, text=True,
                               cwd=REPO, check=False)
    assert completed.returncode == 3
    assert "no AWS region configured" in completed.stderr
