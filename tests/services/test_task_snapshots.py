"""The snapshot-first read (issue 14): polls read their task from the kind's shared snapshot in
the watch table, one paginated list call per kind and refresh feeds them all, and a task the
snapshot does not hold is described on its own. Real clients, moto's DynamoDB, the service double."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from conversion_watch import clock as watch_clock
from conversion_watch.describe import describe_task
from conversion_watch.kinds import kind
from conversion_watch.task_snapshots import SnapshotStore, part_of
from tests.services.tasks import instance_import, license_conversion, volume_import

TABLE = "watch-table"
MAX_AGE = 30
GET = "license-manager:GetLicenseConversionTask"
LIST = "license-manager:ListLicenseConversionTasks"
EC2 = "ec2:DescribeConversionTasks"


def _license(index: int, end_at: int = 3600, end: str = "SUCCEEDED") -> dict[str, Any]:
    return license_conversion(
        timeline=[{"at": 0, "state": "IN_PROGRESS"}, {"at": end_at, "state": end, "statusMessage": end.lower()}],
        task_id=f"lct-fleet{index:06d}",
    )


@pytest.fixture
def table(moto: None, clock, monkeypatch) -> Iterator[str]:
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("WATCH_TABLE_NAME", TABLE)
    monkeypatch.setenv("SNAPSHOT_MAX_AGE_SECONDS", str(MAX_AGE))
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    watch_clock.set_source(clock)
    watch_clock.set_sleep(clock.sleep)
    yield TABLE
    watch_clock.set_source(None)
    watch_clock.set_sleep(None)


def test_many_polls_cost_one_list_call_per_refresh(install, table, clock):
    double = install([_license(i) for i in range(250)])
    clock.seconds = 60

    states = {describe_task("license-conversion", f"lct-fleet{i:06d}").state for i in range(250)}

    assert states == {"IN_PROGRESS"}
    assert double.calls == {LIST: 3}  # 250 running tasks, pages of 100: one refresh, no per-task call
    clock.seconds += MAX_AGE / 2 - 1
    describe_task("license-conversion", "lct-fleet000007")
    assert double.calls == {LIST: 3}  # still fresh: no call at all
    clock.seconds += 2
    describe_task("license-conversion", "lct-fleet000007")
    assert double.calls == {LIST: 6}  # past half the maximum age: refreshed once


def test_the_snapshot_reads_exactly_what_the_own_describe_reads(install, table, clock):
    install([instance_import(), volume_import(), license_conversion()])
    client_of = {"ec2": boto3.client("ec2"), "license-manager": boto3.client("license-manager")}
    for seconds in (100, 3700, 7300):
        clock.seconds = seconds
        for task in (instance_import(), volume_import(), license_conversion()):
            task_kind = kind(task["taskType"])
            shared = describe_task(task["taskType"], task["taskId"])
            own = task_kind.describe(client_of[task_kind.service], task["taskId"])
            assert shared == own


def test_a_task_missing_from_a_fresh_snapshot_is_described_on_its_own(install, table, clock):
    # lct-fleet000001 starts after the refresh; lct-fleet000002 ends (the list shows running tasks only).
    late = license_conversion(timeline=[{"at": 65, "state": "IN_PROGRESS"}], task_id="lct-fleet000001")
    double = install([_license(0), late, _license(2, end_at=70, end="FAILED")])
    clock.seconds = 60
    assert describe_task("license-conversion", "lct-fleet000000").state == "IN_PROGRESS"
    assert double.calls == {LIST: 1}

    clock.seconds = 72  # 12 s old: fresh, but created since
    assert describe_task("license-conversion", "lct-fleet000001").state == "IN_PROGRESS"
    assert double.calls == {LIST: 1, GET: 1}
    clock.seconds = 80  # refreshed: the failed task is no longer listed as running
    assert describe_task("license-conversion", "lct-fleet000002").state == "FAILED"
    assert double.calls == {LIST: 2, GET: 2}


def test_ec2_refresh_is_one_call_without_ids(install, table, clock):
    double = install([instance_import(), volume_import()])
    clock.seconds = 120
    assert describe_task("ec2-conversion", "import-i-ffvko9js").state == "IN_PROGRESS"
    assert describe_task("ec2-conversion", "import-vol-ffut5xv4").state == "IN_PROGRESS"
    assert double.calls == {EC2: 1}


def test_a_poll_that_loses_the_lease_uses_the_part_until_it_is_too_old(install, table, clock):
    double = install([_license(i) for i in range(3)])
    store = SnapshotStore(dynamodb=boto3.client("dynamodb"), table=TABLE, max_age=MAX_AGE,
                          now=lambda: clock().timestamp())
    clock.seconds = 10
    describe_task("license-conversion", "lct-fleet000000")  # refresh at 10 s; lease until 25 s
    clock.seconds = 24  # past half the age, lease still held by the refresher
    assert store.refresh_if_leased(kind("license-conversion"), boto3.client("license-manager")) is None
    describe_task("license-conversion", "lct-fleet000001")
    assert double.calls == {LIST: 1}  # lost the lease: 14 s old is still fresh enough
    clock.seconds = 41
    store.dynamodb.update_item(  # someone took the lease and is slow
        TableName=TABLE, Key={"pk": {"S": "SNAPSHOT#license-conversion"}, "sk": {"S": "LEASE"}},
        UpdateExpression="SET leaseUntil = :until", ExpressionAttributeValues={":until": {"N": "1e12"}},
    )
    describe_task("license-conversion", "lct-fleet000002")
    assert double.calls == {LIST: 1, GET: 1}  # 31 s old, past the bound: the task's own describe


def test_throttled_refresh_falls_back_to_the_own_describe(install, table, clock):
    # The list's bucket is empty (other tools took it); the poll still gets its answer.
    double = install([_license(0)], faults={"tokenBuckets": {
        "license-manager": {"capacity": 1, "refillPerSecond": 0.001}}})
    clock.seconds = 5
    double._buckets.take("license-manager", "ListLicenseConversionTasks")  # drain it
    assert describe_task("license-conversion", "lct-fleet000000").state == "IN_PROGRESS"
    assert double.calls[GET] == 1


def test_parts_are_stable_and_spread():
    ids = [f"lct-fleet{i:06d}" for i in range(1600)]
    assert all(part_of(i) == part_of(i) for i in ids)
    sizes = [sum(1 for i in ids if part_of(i) == n) for n in range(16)]
    assert min(sizes) > 60 and max(sizes) < 140


def _poll_three_pages_of_tasks(install, clock, *, capacity: int, refill: float) -> tuple[Any, int]:
    """250 running tasks = 3 list pages (by id), License Manager's bucket as given: polls of a task
    on each page at +5 s. Returns the double and how many list calls were throttled."""
    double = install([_license(i) for i in range(250)], faults={"tokenBuckets": {
        "license-manager": {"capacity": capacity, "refillPerSecond": refill}}})
    clock.seconds = 5
    for task_id in ("lct-fleet000000", "lct-fleet000199", "lct-fleet000210"):
        assert describe_task("license-conversion", task_id).state == "IN_PROGRESS"
    return double, double.faults_injected.get(f"{LIST}:RateLimitExceededException", 0)


def test_a_refresh_throttled_after_some_pages_keeps_them(install, table, clock):
    # Two tokens and all but no refill: the third page is still throttled when the refresh's pacing budget runs out.
    double, throttled = _poll_three_pages_of_tasks(install, clock, capacity=2, refill=0.001)
    # Pages one and two serve their tasks; only the unread page's task is described on its own.
    assert double.calls == {LIST: 2 + throttled, GET: 1}  # the double counts throttled attempts too
    # The third page was tried about once a second until the budget, min(12 s, 3/4 of the 15 s lease), ran out.
    assert 7 <= throttled <= 23
    assert 5 + 11.25 - 1.5 <= clock.seconds <= 5 + 11.25


def test_a_refresh_waits_out_throttled_pages(install, table, clock):
    # License Manager's RateLimitExceededException is not retried by botocore: the refresh waits
    # about a second per throttled page and reads all three pages while the bucket refills.
    double, throttled = _poll_three_pages_of_tasks(install, clock, capacity=1, refill=1)
    assert throttled >= 1 and double.calls == {LIST: 3 + throttled}  # no task described on its own
    assert clock.seconds < 5 + 11.25
