"""Every code example in the docs is a file a test runs: the markdown shows the file
(include markers) or the script's output (output markers), and each example works."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conversion_watch.models import WatchRequest
from docs.examples import idle_cost
from localrun.event_schemas import validate_event
from localrun.moto_patches.targets import event_pattern
from tests.contract.stack import ROOT, synth_stack
from tests.docs.markdown import PAGES, marked_blocks

EXAMPLES = ROOT / "docs" / "examples"
BLOCKS = [block for page in PAGES for block in marked_blocks(page)]


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


def test_the_docs_show_examples_from_files() -> None:
    shown = {block.target for block in BLOCKS}
    assert {EXAMPLES / "construct_app/stacks/migration_stack.py", EXAMPLES / "events/state-change.json",
            EXAMPLES / "rules/terminal.json", EXAMPLES / "idle_cost.py", EXAMPLES / "run_scenario.py",
            EXAMPLES / "autostart_run.py", EXAMPLES / "service_double.py"} <= shown


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "include"],
                         ids=lambda b: f"{b.page.name}:{b.target.relative_to(ROOT)}")
def test_an_included_block_equals_its_file(block: Any) -> None:
    assert block.text == block.target.read_text(), f"{block.page.name} shows an outdated copy of {block.target.name}"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "output"],
                         ids=lambda b: f"{b.page.name}:{b.target.relative_to(ROOT)}")
def test_an_output_block_is_what_the_script_prints_for_the_synthesized_stack(block: Any) -> None:
    assert block.target == EXAMPLES / "idle_cost.py", "only idle_cost.py output is shown"
    assert block.text == idle_cost.report(synth_stack().to_json()) + "\n", (
        "the README's idle cost is outdated: paste `make synth && python docs/examples/idle_cost.py`")


def test_idle_cost_prices_every_alarm_and_the_sweeper_and_sees_a_notification_key() -> None:
    template = synth_stack().to_json()
    alarms = sum(1 for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm")
    rows = {name: (amount, dollars) for name, amount, dollars in idle_cost.rows(template)}
    assert rows["CloudWatch alarms"] == (str(alarms), pytest.approx(alarms * idle_cost.ALARM))
    assert rows["sweeper Lambda requests + duration"][0] == "2880 runs"  # rate(15 minutes), 30 days
    with_key = idle_cost.rows(synth_stack(**{"conversionWatch:notificationEmails": "ops@example.com"}).to_json())
    assert ("KMS key (notifications topic)", "1", idle_cost.KMS_KEY) in with_key
    hourly = copy.deepcopy(dict(template))
    for resource in hourly["Resources"].values():
        if resource.get("Properties", {}).get("ScheduleExpression") == "rate(15 minutes)":
            resource["Properties"]["ScheduleExpression"] = "rate(1 hour)"
    assert dict((n, a) for n, a, _ in idle_cost.rows(hourly))["sweeper Lambda requests + duration"] == "720 runs"


SAMPLE_EVENTS = ["events/state-change.json", "events/watch-error.json", "events/license-completed.json"]


@pytest.mark.parametrize("name", SAMPLE_EVENTS)
def test_sample_events_match_their_schemas(name: str) -> None:
    validate_event(_example(name))


@pytest.mark.parametrize(
    ("rule", "matching"),
    [
        ("rules/terminal.json", {"events/state-change.json", "events/license-completed.json"}),
        ("rules/failures.json", {"events/watch-error.json"}),
        ("rules/license-only.json", {"events/license-completed.json"}),
    ],
)
def test_rule_patterns_match_exactly_the_events_they_promise(rule: str, matching: set[str]) -> None:
    pattern = event_pattern((EXAMPLES / rule).read_text())
    assert {name for name in SAMPLE_EVENTS if pattern.matches_event(_example(name))} == matching


def test_the_failure_rule_matches_a_failed_task() -> None:
    event = _example("events/license-completed.json")
    event["detail"].update(state="FAILED", serviceState="FAILED")
    assert event_pattern((EXAMPLES / "rules/failures.json").read_text()).matches_event(event)


def test_the_execution_input_is_a_valid_watch_request() -> None:
    WatchRequest.model_validate(_example("execution-input.json"))


def test_the_example_scenario_plays_on_the_local_engine() -> None:
    from docs.examples.run_scenario import play

    report = play()
    assert {e.name: (e.status, e.error) for e in report.executions} == {
        "watch-import-i-ffvko9js": ("SUCCEEDED", None),
        "watch-lct-0a1b2c3d4e5f6071": ("SUCCEEDED", None),
    }
    states = [(e["detail"]["taskId"], e["detail"]["state"]) for e in report.events]
    assert sorted(states) == sorted([
        ("import-i-ffvko9js", "IN_PROGRESS"), ("import-i-ffvko9js", "IN_PROGRESS"), ("import-i-ffvko9js", "COMPLETED"),
        ("lct-0a1b2c3d4e5f6071", "IN_PROGRESS"), ("lct-0a1b2c3d4e5f6071", "COMPLETED")])
    assert len({e["detail"]["eventId"] for e in report.events}) == len(report.events)
    assert report.apiCalls["events:PutEvents"] > len(report.events)  # refused entries were sent again


def test_the_construct_app_with_its_own_stacks_package_synthesizes(tmp_path: Path) -> None:
    app_dir = EXAMPLES / "construct_app"
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path), "PYTHONPATH": ""}
    # Run as `cdk.json` does, from the app's directory: its own `stacks` package is the one imported.
    subprocess.run([sys.executable, "app.py"], cwd=app_dir, env=env, check=True, capture_output=True, timeout=300)
    template = json.loads((tmp_path / "Migration.template.json").read_text())
    types = [r["Type"] for r in template["Resources"].values()]
    assert types.count("AWS::Events::EventBus") == 1  # the app's own bus, none from the watcher
    assert "AWS::StepFunctions::StateMachine" in types
    rule = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule")
    assert rule["Properties"]["EventPattern"]["detail"] == {"terminal": [True]}


def test_the_soak_faults_shown_are_the_soak_scenarios() -> None:
    assert _example("soak-faults.json") == json.loads((ROOT / "scenarios" / "soak.json").read_text())["faults"]


def test_the_service_double_example_answers_boto3_with_the_tasks_timelines() -> None:
    from docs.examples.service_double import states_at

    before, calls = states_at(0)
    assert before == {"import-i-ffvko9js": "active", "lct-0123456789abcdef0123456789abcdef": "IN_PROGRESS"}
    assert calls == {"ec2:DescribeConversionTasks": 1, "license-manager:GetLicenseConversionTask": 1}
    after, _ = states_at(10800)
    assert after == {"import-i-ffvko9js": "completed", "lct-0123456789abcdef0123456789abcdef": "FAILED"}


def test_the_autostart_example_starts_one_watch_per_task() -> None:
    from docs.examples.autostart_run import play

    report = play()
    (delivery,) = report.deliveries
    assert delivery.delivered == 1 and delivery.results[0]["outcome"] == "STARTED"
    (sweep,) = report.sweeps
    assert sweep.report["started"] == ["lct-0a1b2c3d4e5f6071"]  # the volume import already had its watch
    assert {e.name: e.status for e in report.run.executions} == {
        "watch-import-vol-ffut5xv4": "SUCCEEDED", "watch-lct-0a1b2c3d4e5f6071": "SUCCEEDED"}


@pytest.mark.parametrize(
    ("event", "message"),
    [("events/state-change.json", "notifications/state-change.txt"),
     ("events/watch-error.json", "notifications/watch-error.txt")],
)
def test_the_notification_examples_are_what_the_templates_write_for_the_sample_events(event: str, message: str) -> None:
    from conversion_watch_cdk.notifications.messages import (
        STATE_CHANGE_PATHS,
        WATCH_ERROR_PATHS,
        WATCH_ERROR_TEMPLATE,
        outcome_template,
    )
    from tests.operations.test_notifications import fill

    sample = _example(event)
    detail = sample["detail"]
    if "errorCode" in detail:
        text = fill(WATCH_ERROR_TEMPLATE, WATCH_ERROR_PATHS, sample)
    else:
        text = fill(outcome_template(detail["taskType"], detail["state"]), STATE_CHANGE_PATHS, sample)
    assert text + "\n" == (EXAMPLES / message).read_text()
