"""The scenario's tasks are checked up front, with errors that say what to fix."""

from __future__ import annotations

import re

import pytest

from localrun.services import ScenarioError
from localrun.services.scenario import parse_tasks
from tests.services.tasks import instance_import, license_conversion, volume_import


def test_the_shared_fixtures_parse():
    tasks = parse_tasks([instance_import(), volume_import(), license_conversion()])
    assert sorted(tasks) == ["import-i-ffvko9js", "import-vol-ffut5xv4", "lct-0123456789abcdef0123456789abcdef"]


def test_state_at_a_time_is_the_last_entry_at_or_before_it():
    [task] = parse_tasks([volume_import()]).values()
    assert task.entry_at(59) is None
    assert [task.entry_at(t).state for t in (60, 899, 900, 959, 960, 10**9)] == [
        "active",
        "active",
        "cancelling",
        "cancelling",
        "cancelled",
        "cancelled",
    ]


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (instance_import([{"at": 0, "state": "running"}]), "state 'running' is not a state of this service"),
        (license_conversion([{"at": 0, "state": "active"}]), "state 'active' is not a state of this service"),
        (license_conversion([{"at": 0, "state": "IN_PROGRESS"}, {"at": 0, "state": "FAILED"}]), "at must increase"),
        (license_conversion([{"at": 5, "state": "IN_PROGRESS"}, {"at": 1, "state": "FAILED"}]), "at must increase"),
        (license_conversion([{"at": -1, "state": "IN_PROGRESS"}]), "at must be seconds >= 0"),
        (license_conversion([{"at": "0", "state": "IN_PROGRESS"}]), "at must be seconds >= 0"),
        (license_conversion([{"at": 0, "state": "SUCCEEDED"}, {"at": 9, "state": "IN_PROGRESS"}]), "is terminal"),
        ({**license_conversion(), "timeline": []}, "timeline must be a non-empty list"),
        (license_conversion([{"at": 0, "state": "IN_PROGRESS", "bytesConverted": 5}]), "EC2 figure"),
        (license_conversion([{"at": 0, "state": "IN_PROGRESS", "progress": 5}]), "unknown field"),
        (license_conversion(task_id="lct_0001"), "License Manager task id"),
        (instance_import([{"at": 0, "state": "active", "bytesConverted": 5}]), "1 figure(s) for 2 volume(s)"),
        (instance_import([{"at": 0, "state": "active", "size": [1, -1]}]), "non-negative integer"),
        (instance_import(conversionType="ImportVolume"), "does not fit the id"),
        (instance_import(volumes=[]), "non-empty list"),
        (instance_import(volumes=[{"format": "QCOW2"}]), "format must be one of"),
        (instance_import(platform="Linux"), "platform must be 'Windows'"),
        (volume_import(platform="Windows"), "platform belongs to ImportInstance"),
        (volume_import(volumes=[{}, {}]), "exactly one volume"),
        (volume_import(taskId="import-ami-12345678"), "import-i-xxxxxxxx"),
        (volume_import(expiresAfter=0), "expiresAfter"),
        (volume_import(tags={"a": 1}), "tags"),
        ({"taskType": "s3-copy", "taskId": "x", "timeline": []}, "taskType must be"),
        ("import-i-ffvko9js", "a task must be an object"),
    ],
)
def test_bad_tasks_are_refused_with_a_clear_message(task, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        parse_tasks([task])


def test_duplicate_task_ids_are_refused():
    with pytest.raises(ScenarioError, match="appears twice"):
        parse_tasks([license_conversion(), license_conversion()])


def test_no_tasks_is_fine():
    assert parse_tasks(None) == {}
    assert parse_tasks([]) == {}
