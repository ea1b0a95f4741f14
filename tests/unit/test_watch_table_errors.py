"""A failed watch-table call is the watcher's trouble, never the task's: the table's
``ResourceNotFoundException`` must not read as ``TaskNotFound`` (which would end the watch with
a task-not-found event), whichever module made the call."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from conversion_watch import cancel_marks
from conversion_watch.errors import ServiceUnavailable, Throttled
from conversion_watch.registry import Registry

TASK = "import-i-0123456789abcdef0"


@pytest.fixture
def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name="us-east-1")


@pytest.mark.parametrize(("code", "raised"), [("ResourceNotFoundException", ServiceUnavailable),
                                              ("InternalServerError", ServiceUnavailable),
                                              ("ThrottlingException", Throttled)])
def test_registry_reads_and_claims_raise_watcher_errors(dynamodb: Any, code: str, raised: type) -> None:
    registry = Registry(dynamodb, sfn=None, table="watch-table")
    with Stubber(dynamodb) as stub:
        stub.add_client_error("get_item", service_error_code=code, http_status_code=400)
        stub.add_client_error("put_item", service_error_code=code, http_status_code=400)
        with pytest.raises(raised, match="watch table"):
            registry.read(TASK)
        with pytest.raises(raised, match="watch table"):
            registry.claim(TASK, me="arn:exec", previous=None, watch={"sequence": 0})


def test_a_claim_that_lost_the_race_is_no_error(dynamodb: Any) -> None:
    registry = Registry(dynamodb, sfn=None, table="watch-table")
    with Stubber(dynamodb) as stub:
        stub.add_client_error("put_item", service_error_code="ConditionalCheckFailedException", http_status_code=400)
        assert registry.claim(TASK, me="arn:exec", previous=None, watch={"sequence": 0}) is False


def test_cancel_marks_read_the_same_way(dynamodb: Any) -> None:
    with Stubber(dynamodb) as stub:
        stub.add_client_error("get_item", service_error_code="ResourceNotFoundException", http_status_code=400)
        with pytest.raises(ServiceUnavailable, match="watch table"):
            cancel_marks.cancel_marked(dynamodb, "watch-table", TASK)
