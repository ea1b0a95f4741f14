"""Find the deployed watcher: the stack's ``StateMachineArn`` output, or an ARN given directly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from conversion_watch.service_errors import THROTTLING_CODES
from convwatch.errors import AwsRefused, CliError, NetworkError, NoCredentials, StackNotFound, Throttled

DEFAULT_STACK = "ConversionWatch"
STACK_ENV = "CONVWATCH_STACK"
STATE_MACHINE_ENV = "CONVWATCH_STATE_MACHINE_ARN"
STATE_MACHINE_OUTPUT = "StateMachineArn"


@dataclass(frozen=True)
class Deployment:
    session: Any
    state_machine_arn: str

    def client(self, service: str) -> Any:
        return self.session.client(service)


def open_session(*, profile: str | None, region: str | None) -> Any:
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound as error:
        raise NoCredentials(f"AWS profile not found: {error}") from None
    if session.region_name is None:
        raise NoCredentials("no AWS region configured: pass --region or set AWS_DEFAULT_REGION")
    if session.get_credentials() is None:
        raise NoCredentials(
            "no AWS credentials found: configure a profile (aws configure / aws sso login), "
            "pass --profile, or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
        )
    return session


def is_known_region(region: str | None) -> bool:
    """``region`` is in botocore's partition data (endpoints.json) for some partition. A region newer than the
    installed botocore is unknown here, so this only explains a failure; it never refuses a region up front."""
    if not region:
        return False
    session = boto3.Session()
    return any(
        region in session.get_available_regions(service, partition_name=partition)
        for partition in session.get_available_partitions()
        for service in ("cloudformation", "stepfunctions")
    )


def locate(session: Any, *, stack: str | None, state_machine_arn: str | None) -> Deployment:
    arn = state_machine_arn or os.environ.get(STATE_MACHINE_ENV)
    if arn:
        return Deployment(session, arn)
    stack_name = stack or os.environ.get(STACK_ENV) or DEFAULT_STACK
    stacks = aws_call(
        lambda: session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"],
        f"DescribeStacks {stack_name}",
        not_found=lambda: StackNotFound(
            f"no stack {stack_name!r} in {session.region_name}: deploy it (cdk deploy), or pass --stack / "
            f"--region, or --state-machine-arn"
        ),
    )
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if STATE_MACHINE_OUTPUT not in outputs:
        raise StackNotFound(
            f"stack {stack_name!r} ({stacks[0].get('StackStatus')}) has no {STATE_MACHINE_OUTPUT} output: "
            "is it a Conversion Watch stack, fully deployed?"
        )
    return Deployment(session, outputs[STATE_MACHINE_OUTPUT])


def aws_call(call: Any, what: str, *, not_found: Any = None, not_found_codes: tuple[str, ...] = ()) -> Any:
    """Run one SDK call, turning its failures into the CLI's named errors."""
    try:
        return call()
    except (NoCredentialsError, NoRegionError) as error:
        raise NoCredentials(f"{what}: {error}") from None
    except (BotoConnectionError, HTTPClientError) as error:
        # EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError, ReadTimeoutError...
        raise NetworkError(f"{what}: cannot reach AWS ({type(error).__name__}): {_one_line(error)}") from None
    except BotoCoreError as error:
        raise CliError(f"{what}: {type(error).__name__}: {_one_line(error)}") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        stack_missing = code == "ValidationError" and "does not exist" in message
        if not_found is not None and (stack_missing or code in not_found_codes):
            raise not_found() from None
        if code in {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException"}:
            raise NoCredentials(f"{what}: AWS rejected the credentials ({code}): {message}") from None
        if code in THROTTLING_CODES or code == "TooManyRequestsException":
            raise Throttled(f"{what} throttled ({code}): {_one_line(message)}; try again in a minute") from None
        raise AwsRefused(f"{what} failed ({code}): {_one_line(message)}") from None


def _one_line(text: object) -> str:
    return " ".join(str(text).split())
