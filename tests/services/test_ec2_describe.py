"""EC2 DescribeConversionTasks through a real boto3 client: states, progress, listing, errors."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from localrun.services import ec2_service
from tests.services.conftest import NO_RETRIES
from tests.services.tasks import GIB, INSTANCE_ID, VOLUME_ID, instance_import, volume_import

EC2_STATES = ["active", "cancelling", "cancelled", "completed"]


def _timeline(state: str) -> list[dict[str, Any]]:
    timeline = [{"at": 0, "state": "active", "bytesConverted": [0, 0]}]
    if state != "active":
        timeline.append({"at": 100, "state": state, "statusMessage": f"now {state}"})
    return timeline


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@pytest.mark.parametrize("state", EC2_STATES)
def test_instance_import_reports_every_state_and_parses_back_exactly(install, ec2, clock, state):
    double = install([instance_import(_timeline(state))])
    clock.seconds = 150

    response = ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])

    [task] = response["ConversionTasks"]
    assert task["State"] == state
    assert [v["Status"] for v in task["ImportInstance"]["Volumes"]] == [state, state]
    assert task["ImportInstance"]["Platform"] == "Windows"
    # What botocore parsed from our XML is exactly what the double meant to send.
    expected = ec2_service.describe_conversion_tasks(
        double.tasks, ids=[INSTANCE_ID], seconds=150, epoch=double.epoch, region="us-east-1"
    )
    assert _without_metadata(response) == expected


@pytest.mark.parametrize("state", EC2_STATES)
def test_volume_import_reports_every_state(install, ec2, clock, state):
    timeline = [{"at": 0, "state": "active", "bytesConverted": 0, "size": GIB}]
    if state != "active":
        timeline.append({"at": 100, "state": state})
    double = install([volume_import(timeline)])
    clock.seconds = 100

    response = ec2.describe_conversion_tasks(ConversionTaskIds=[VOLUME_ID])

    [task] = response["ConversionTasks"]
    assert task["State"] == state
    assert "ImportInstance" not in task
    assert task["ImportVolume"]["AvailabilityZone"] == "us-east-1b"
    expected = ec2_service.describe_conversion_tasks(
        double.tasks, ids=[VOLUME_ID], seconds=100, epoch=double.epoch, region="us-east-1"
    )
    assert _without_metadata(response) == expected


def test_state_follows_the_timeline_and_progress_figures_carry_over(install, ec2, clock):
    install([volume_import()])
    seen = []
    for seconds in (60, 599, 600, 900, 960, 10_000):
        clock.seconds = seconds
        [task] = ec2.describe_conversion_tasks(ConversionTaskIds=[VOLUME_ID])["ConversionTasks"]
        details = task["ImportVolume"]
        seen.append((task["State"], details["BytesConverted"], details["Image"]["Size"], task.get("StatusMessage")))
    assert seen == [
        ("active", 0, 4 * GIB, None),
        ("active", 0, 4 * GIB, None),
        ("active", GIB, 4 * GIB, None),
        ("cancelling", GIB, 4 * GIB, "Cancelling per user request"),
        ("cancelled", GIB, 4 * GIB, "User cancelled"),
        ("cancelled", GIB, 4 * GIB, "User cancelled"),
    ]


def test_per_volume_progress_and_task_facts(install, ec2, clock):
    install([instance_import(tags={"team": "migration"})])
    clock.seconds = 3600
    [task] = ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID])["ConversionTasks"]
    volumes = task["ImportInstance"]["Volumes"]
    assert [(v["BytesConverted"], v["Image"]["Size"], v["Image"]["Format"]) for v in volumes] == [
        (GIB, 3 * GIB, "VMDK"),
        (GIB, GIB, "VHD"),
    ]
    assert [v["Volume"] for v in volumes] == [
        {"Id": "vol-0aaaaaaaaaaaaaaa1", "Size": 30},
        {"Id": "vol-0aaaaaaaaaaaaaaa2", "Size": 10},
    ]
    assert task["ImportInstance"]["InstanceId"] == "i-0123456789abcdef0"
    assert task["ImportInstance"]["Description"] == "web server"
    assert task["StatusMessage"] == "Progress: 50%"
    assert task["ExpirationTime"] == "2026-03-08T12:00:00Z"  # created at epoch, expires 7 days later
    assert task["Tags"] == [{"Key": "team", "Value": "migration"}]


def test_without_ids_lists_only_tasks_that_exist_by_then(install, ec2, clock):
    install([volume_import(), instance_import()])  # the volume import appears at t=60
    clock.seconds = 30
    assert [t["ConversionTaskId"] for t in ec2.describe_conversion_tasks()["ConversionTasks"]] == [INSTANCE_ID]
    clock.seconds = 60
    assert [t["ConversionTaskId"] for t in ec2.describe_conversion_tasks()["ConversionTasks"]] == [
        INSTANCE_ID,
        VOLUME_ID,
    ]


def test_several_ids_come_back_in_the_order_asked(install, ec2, clock):
    install([instance_import(), volume_import()])
    clock.seconds = 60
    tasks = ec2.describe_conversion_tasks(ConversionTaskIds=[VOLUME_ID, INSTANCE_ID])["ConversionTasks"]
    assert [t["ConversionTaskId"] for t in tasks] == [VOLUME_ID, INSTANCE_ID]


def _error(call) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_unknown_id_is_invalid_conversion_task_id(install, ec2, clock):
    install([instance_import()])
    assert _error(lambda: ec2.describe_conversion_tasks(ConversionTaskIds=["import-i-doesnotexist"])) == (
        "InvalidConversionTaskId",
        400,
    )


def test_a_task_does_not_exist_before_its_first_timeline_entry(install, ec2, clock):
    install([volume_import()])  # first entry at t=60
    clock.seconds = 59
    assert _error(lambda: ec2.describe_conversion_tasks(ConversionTaskIds=[VOLUME_ID]))[0] == "InvalidConversionTaskId"


def test_one_unknown_id_fails_the_whole_request(install, ec2, clock):
    install([instance_import()])
    code, _ = _error(lambda: ec2.describe_conversion_tasks(ConversionTaskIds=[INSTANCE_ID, "import-vol-missing99"]))
    assert code == "InvalidConversionTaskId"


@pytest.mark.parametrize("task_id", ["i-ffvko9js", "import-ami-ffvko9js", "import-i-", "import-i-FFVKO9JS", ""])
def test_malformed_id_is_rejected_as_malformed(install, ec2, task_id):
    install([instance_import()])
    assert _error(lambda: ec2.describe_conversion_tasks(ConversionTaskIds=[task_id])) == (
        "InvalidConversionTaskId.Malformed",
        400,
    )


def test_dry_run_answers_dry_run_operation(install, ec2):
    install([instance_import()])
    assert _error(lambda: ec2.describe_conversion_tasks(DryRun=True)) == ("DryRunOperation", 412)


def test_tasks_pinned_to_a_region_are_invisible_elsewhere(install, clock):
    install([instance_import(region="eu-west-1")])
    here = boto3.client("ec2", region_name="us-east-1", config=NO_RETRIES)
    there = boto3.client("ec2", region_name="eu-west-1", config=NO_RETRIES)
    assert here.describe_conversion_tasks()["ConversionTasks"] == []
    assert [t["ConversionTaskId"] for t in there.describe_conversion_tasks()["ConversionTasks"]] == [INSTANCE_ID]


def test_moto_still_answers_every_other_ec2_call(install, ec2):
    install([instance_import()])
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert vpc in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
