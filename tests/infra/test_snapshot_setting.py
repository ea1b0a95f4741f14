"""The shared snapshot's maximum age is a construct setting (issue 14): it reaches the poll
function's environment, 0 turns the snapshot off, out-of-range values are refused."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Capture, Template

from conversion_watch_cdk.watcher.construct import ConversionWatcher


def _poll_environment(**props) -> dict:
    stack = cdk.Stack(cdk.App(), "Fleet", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    ConversionWatcher(stack, "Watcher", powertools_layer_arn="arn:aws:lambda:eu-west-1:123:layer:p:1", **props)
    env = Capture()
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Function", {
        "Handler": "conversion_watch.handlers.poll_task.handler", "Environment": {"Variables": env}})
    return env.as_object()


@pytest.mark.parametrize(("age", "expected"), [(cdk.Duration.minutes(2), "120"), (cdk.Duration.seconds(0), "0")])
def test_snapshot_max_age_reaches_the_poll_function(age, expected):
    assert _poll_environment(snapshot_max_age=age)["SNAPSHOT_MAX_AGE_SECONDS"] == expected


def test_snapshot_max_age_beyond_fifteen_minutes_is_refused():
    with pytest.raises(ValueError, match="snapshot_max_age"):
        _poll_environment(snapshot_max_age=cdk.Duration.minutes(16))
