"""Retry policies and the error names they match (Step Functions Retry, backoff with full jitter)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_stepfunctions as sfn

from conversion_watch import contract as c

LAMBDA_SERVICE_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    # Time-out or out-of-memory; safe to retry because both steps only read.
    "Lambda.Unknown",
    "Sandbox.Timedout",  # how newer runtimes report a function time-out
]
EVENTBRIDGE_ERRORS = [
    "EventBridge.FailedEntry",
    "EventBridge.EventBridgeException",
    "EventBridge.InternalException",
    "EventBridge.ThrottlingException",
]


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped."""

    interval_seconds: int = 2
    max_attempts: int = 6
    backoff_rate: float = 2.0
    max_delay_seconds: int = 60

    def apply(self, state: sfn.TaskStateBase | sfn.CustomState, errors: list[str]) -> None:
        state.add_retry(
            errors=errors,
            interval=Duration.seconds(self.interval_seconds),
            max_attempts=self.max_attempts,
            backoff_rate=self.backoff_rate,
            max_delay=Duration.seconds(self.max_delay_seconds),
            jitter_strategy=sfn.JitterType.FULL,
        )


# An EventBridge outage is ridden out, not just a blip: 50 attempts, the delay doubling from
# 2 s to a 5 min cap, full jitter (docs/reliability.md: about 1.8 h on average,
# at least an hour but for odds below one in a million; one billed transition per attempt).
PUBLISH_RETRY = RetryPolicy(
    interval_seconds=c.PUBLISH_RETRY_INTERVAL_SECONDS,
    max_attempts=c.PUBLISH_RETRY_MAX_ATTEMPTS,
    max_delay_seconds=c.PUBLISH_RETRY_MAX_DELAY_SECONDS,
)
DYNAMODB_ERRORS = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.ThrottlingException",
    "DynamoDB.InternalServerErrorException",
    "DynamoDB.AmazonDynamoDBException",
]
CONDITION_FAILED = "DynamoDB.ConditionalCheckFailedException"
HAND_OVER_ERRORS = [
    "StepFunctions.SfnException",
    "StepFunctions.StepFunctionsException",
    "StepFunctions.ExecutionLimitExceededException",
    "StepFunctions.ThrottlingException",
    "States.Timeout",
]
# The name a retried start finds taken (both spellings: AWS's examples differ).
EXECUTION_ALREADY_EXISTS = ["StepFunctions.ExecutionAlreadyExistsException", "StepFunctions.ExecutionAlreadyExists"]
