"""License Manager GetLicenseConversionTask / ListLicenseConversionTasks through a real boto3 client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from localrun.services import license_service
from tests.services.conftest import EPOCH
from tests.services.tasks import LICENSE_ID, license_conversion


def _without_metadata(response):
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@pytest.mark.parametrize("state", ["IN_PROGRESS", "SUCCEEDED", "FAILED"])
def test_get_reports_every_status_and_parses_back_exactly(install, license_manager, clock, state):
    timeline = [{"at": 30, "state": "IN_PROGRESS"}]
    if state != "IN_PROGRESS":
        timeline.append({"at": 90, "state": state, "statusMessage": f"ended {state}"})
    double = install([license_conversion(timeline)])
    clock.seconds = 100

    response = license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)

    assert response["Status"] == state
    assert response["StartTime"] == EPOCH + timedelta(seconds=30)
    if state == "IN_PROGRESS":
        assert "EndTime" not in response
    else:
        assert response["EndTime"] == EPOCH + timedelta(seconds=90)
        assert response["StatusMessage"] == f"ended {state}"
    expected = license_service.get_license_conversion_task(
        double.tasks, request={"LicenseConversionTaskId": LICENSE_ID}, seconds=100, epoch=EPOCH, region="us-east-1"
    )
    assert _without_metadata(response) == expected


def test_get_carries_the_license_contexts(install, license_manager):
    install(
        [license_conversion(sourceUsageOperation="RunInstances:0800", destinationUsageOperation="RunInstances:0002")]
    )
    response = license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID)
    assert response["SourceLicenseContext"] == {"UsageOperation": "RunInstances:0800"}
    assert response["DestinationLicenseContext"] == {"UsageOperation": "RunInstances:0002"}
    assert response["ResourceArn"] == "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
    assert response["StatusMessage"] == "Converting"


def _error(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_get_unknown_id_is_invalid_parameter_value(install, license_manager):
    install([license_conversion()])
    code = _error(lambda: license_manager.get_license_conversion_task(LicenseConversionTaskId="lct-unknown0000"))
    assert code == ("InvalidParameterValueException", 400)


def test_get_before_the_task_exists_is_unknown(install, license_manager, clock):
    install([license_conversion([{"at": 500, "state": "IN_PROGRESS"}])])
    clock.seconds = 499
    code = _error(lambda: license_manager.get_license_conversion_task(LicenseConversionTaskId=LICENSE_ID))
    assert code == ("InvalidParameterValueException", 400)


@pytest.mark.parametrize("task_id", ["import-i-ffvko9js", "lct_0123", "lct-" + "a" * 47, "LCT-0123"])
def test_get_malformed_id_is_a_validation_error(install, license_manager, task_id):
    install([license_conversion()])
    with pytest.raises(license_manager.exceptions.InvalidParameterValueException) as caught:
        license_manager.get_license_conversion_task(LicenseConversionTaskId=task_id)
    assert "failed to satisfy constraint" in caught.value.response["Error"]["Message"]


def _many(count: int) -> list[dict]:
    return [
        license_conversion([{"at": index, "state": "IN_PROGRESS"}], task_id=f"lct-{index:08d}")
        for index in range(count)
    ]


def _all_pages(client, **kwargs):
    pages, token = [], None
    while True:
        response = client.list_license_conversion_tasks(**kwargs, **({"NextToken": token} if token else {}))
        pages.append([t["LicenseConversionTaskId"] for t in response["LicenseConversionTasks"]])
        token = response.get("NextToken")
        if token is None:
            return pages


def test_list_pages_through_every_task_with_max_results(install, license_manager, clock):
    install(_many(7))
    clock.seconds = 100
    pages = _all_pages(license_manager, MaxResults=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [task for page in pages for task in page] == [f"lct-{i:08d}" for i in range(7)]


def test_list_default_page_is_ten_and_last_page_has_no_token(install, license_manager, clock):
    install(_many(12))
    clock.seconds = 100
    first = license_manager.list_license_conversion_tasks()
    assert len(first["LicenseConversionTasks"]) == 10
    second = license_manager.list_license_conversion_tasks(NextToken=first["NextToken"])
    assert len(second["LicenseConversionTasks"]) == 2
    assert "NextToken" not in second


def test_list_shows_only_tasks_that_exist_by_then(install, license_manager, clock):
    install(_many(5))
    clock.seconds = 2
    assert _all_pages(license_manager) == [["lct-00000000", "lct-00000001", "lct-00000002"]]


def test_list_filters_on_status_and_resource_arn(install, license_manager, clock):
    done = license_conversion(
        [{"at": 0, "state": "IN_PROGRESS"}, {"at": 5, "state": "SUCCEEDED"}],
        task_id="lct-done0000",
        resourceArn="arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    )
    install([*_many(2), done])
    clock.seconds = 10
    by_status = license_manager.list_license_conversion_tasks(Filters=[{"Name": "Status", "Values": ["SUCCEEDED"]}])
    assert [t["LicenseConversionTaskId"] for t in by_status["LicenseConversionTasks"]] == ["lct-done0000"]
    by_arn = license_manager.list_license_conversion_tasks(
        Filters=[{"Name": "ResourceArns", "Values": ["arn:aws:ec2:us-east-1:123456789012:instance/i-1"]}]
    )
    assert [t["LicenseConversionTaskId"] for t in by_arn["LicenseConversionTasks"]] == ["lct-done0000"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"NextToken": "not-a-token"},
        {"MaxResults": 0},
        {"Filters": [{"Name": "TaskId", "Values": ["x"]}]},
    ],
)
def test_list_rejects_bad_parameters(install, license_manager, kwargs):
    install(_many(2))
    assert _error(lambda: license_manager.list_license_conversion_tasks(**kwargs)) == (
        "InvalidParameterValueException",
        400,
    )
