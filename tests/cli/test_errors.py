"""``convwatch`` errors: arguments are checked before any AWS call; network,
endpoint and throttling failures come out as one line (one JSON object with
``--json``) with the exit code ``--help`` documents -- never a traceback.

Failures are raised where botocore meets the network (``Endpoint._send``), so
botocore's own parsing and retry handling see them as they would see real ones;
one case uses a real refused connection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

import conversion_watch
from conversion_watch.kinds import kind
from convwatch.cli import main
from convwatch.deployment import is_known_region
from convwatch.errors import EXIT_CODES

LICENSE_TASK = "lct-0123456789abcdef0123456789abcdef"
VOLUME_TASK = "import-vol-ffut5xv4"
STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:ConversionWatch-Watcher"
CLOSED_PORT = "http://127.0.0.1:9"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def no_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """No region, no credentials: any AWS call would end in exit 3."""
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "CONVWATCH_STATE_MACHINE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def one_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    """No retries: the failure surfaces at once (the retry mode itself is botocore's)."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    for name in ("CONVWATCH_STACK", "CONVWATCH_STATE_MACHINE_ARN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


# -- arguments, before any AWS call ---------------------------------------------------------------


@pytest.mark.usefixtures("no_aws_configuration")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["start", "ec2-conversion", LICENSE_TASK], f"'{LICENSE_TASK}' is not an ec2-conversion task id"),
        (["start", "license-conversion", "lct-"], "'lct-' is not a license-conversion task id"),
        (["status", "i-0123456789abcdef0"], "'i-0123456789abcdef0' is not a task id of any kind"),
        (["list", "--state-machine-arn", "ConversionWatch-Watcher"],
         "'ConversionWatch-Watcher' is not a state machine ARN"),
    ],
)
def test_bad_arguments_exit_2_even_with_no_aws_configuration(capsys: Any, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)

    assert (code, out) == (2, "")
    assert err.startswith(f"convwatch: {message}") and err.count("\n") == 1, err


@pytest.mark.usefixtures("no_aws_configuration")
def test_bad_arguments_with_json_are_one_json_object(capsys: Any) -> None:
    code, out, err = run(capsys, "start", "ec2-conversion", LICENSE_TASK, "--json")

    assert (code, out) == (2, "")
    example = kind("ec2-conversion").id_example
    assert json.loads(err) == {
        "error": "InvalidArguments",
        "exitCode": 2,
        "message": f"'{LICENSE_TASK}' is not an ec2-conversion task id (expected e.g. {example})",
    }


@pytest.mark.usefixtures("no_aws_configuration")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["watch"], "argument COMMAND: invalid choice: 'watch'"),
        (["start", "ec2-conversion"], "the following arguments are required: TASK_ID (see convwatch start --help)"),
        (["start", "ec2-import", VOLUME_TASK], "argument TASK_TYPE: invalid choice: 'ec2-import'"),
        (["list", "--regoin", "us-east-1"], "unrecognized arguments: --regoin us-east-1"),
    ],
    ids=["command", "missing", "choice", "unknown-option"],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_argparse_errors_are_one_line_exit_2_and_json_with_json(capsys: Any, argv: list[str], message: str,
                                                                as_json: bool) -> None:
    code, out, err = run(capsys, *argv, *(["--json"] if as_json else []))

    assert (code, out) == (2, "")
    assert err.count("\n") == 1, err
    if as_json:
        document = json.loads(err)
        assert (document["error"], document["exitCode"]) == ("InvalidArguments", 2)
        assert message in document["message"]
    else:
        assert err.startswith("convwatch: ") and message in err, err


def test_version_prints_the_distribution_version(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"convwatch {conversion_watch.__version__}\n"


@pytest.mark.usefixtures("no_aws_configuration")
def test_good_arguments_with_no_region_still_exit_3(capsys: Any) -> None:
    code, _, err = run(capsys, "start", "license-conversion", LICENSE_TASK)

    assert code == 3
    assert "no AWS region configured" in err


# -- the network --------------------------------------------------------------------------------


@pytest.mark.usefixtures("one_attempt")
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_refused_connection_is_a_network_error(monkeypatch: pytest.MonkeyPatch, capsys: Any, as_json: bool):
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED_PORT)  # nothing listens there: a real refused connection

    code, out, err = run(capsys, "list", *(["--json"] if as_json else []))

    assert (code, out) == (7, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    if as_json:
        document = json.loads(err)
        assert (document["error"], document["exitCode"]) == ("NetworkError", 7)
        assert "EndpointConnectionError" in document["message"]
    else:
        assert err.startswith("convwatch: DescribeStacks ConversionWatch: cannot reach AWS (EndpointConnectionError)")


@pytest.mark.usefixtures("one_attempt")
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_region_no_partition_has_is_an_argument_error(monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                         as_json: bool) -> None:
    """``us-est-1`` resolves nowhere: what fails is the name, not the network."""
    url = "https://cloudformation.us-est-1.amazonaws.com/"
    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", _fail_with(EndpointConnectionError(endpoint_url=url)))

    code, out, err = run(capsys, "list", "--region", "us-est-1", *(["--json"] if as_json else []))

    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    message = json.loads(err)["message"] if as_json else err.removeprefix("convwatch: ")
    assert message.startswith("'us-est-1' is not an AWS region (none of botocore's partitions has it): "
                              "DescribeStacks ConversionWatch: cannot reach AWS (EndpointConnectionError)"), message


@pytest.mark.parametrize("region", ["us-east-1", "eu-south-2", "cn-north-1", "us-gov-west-1"])
def test_known_regions_of_every_partition(region: str) -> None:
    assert is_known_region(region)


@pytest.mark.parametrize("region", ["us-est-1", "useast1", "", None])
def test_unknown_regions(region: str | None) -> None:
    assert not is_known_region(region)


def _fail_with(error: Exception) -> Any:
    def send(_endpoint: Any, request: Any) -> Any:
        raise error

    return send


@pytest.mark.usefixtures("one_attempt")
@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://cloudformation.us-east-1.amazonaws.com/"),
        ConnectTimeoutError(endpoint_url="https://cloudformation.us-east-1.amazonaws.com/"),
        ReadTimeoutError(endpoint_url="https://cloudformation.us-east-1.amazonaws.com/"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_connection_and_timeout_errors_are_one_line_exit_7(monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                            error: Exception) -> None:
    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", _fail_with(error))

    code, out, err = run(capsys, "status", VOLUME_TASK)

    assert (code, out) == (7, "")
    assert err == f"convwatch: DescribeStacks ConversionWatch: cannot reach AWS ({type(error).__name__}): {error}\n"


# -- throttling ---------------------------------------------------------------------------------


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _answer(status: int, body: str, content_type: str) -> Any:
    def send(_endpoint: Any, request: Any) -> AWSResponse:
        return AWSResponse(request.url, status, {"Content-Type": content_type}, _Body(body.encode()))

    return send


def _query_error(code: str) -> str:
    """CloudFormation's (query protocol) error document."""
    return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>Rate exceeded</Message></Error>"
            "<RequestId>7f0c2f9e</RequestId></ErrorResponse>")


@pytest.mark.usefixtures("one_attempt")
@pytest.mark.parametrize("code_name", ["Throttling", "RequestLimitExceeded"])
def test_a_throttled_stack_lookup_is_exit_8(monkeypatch: pytest.MonkeyPatch, capsys: Any, code_name: str) -> None:
    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", _answer(400, _query_error(code_name), "text/xml"))

    code, out, err = run(capsys, "list", "--json")

    assert (code, out) == (8, "")
    document = json.loads(err)
    assert document == {"error": "Throttled", "exitCode": 8,
                        "message": f"DescribeStacks ConversionWatch throttled ({code_name}): Rate exceeded; "
                                   "try again in a minute"}


@pytest.mark.usefixtures("one_attempt")
@pytest.mark.parametrize("argv", [["list"], ["status", VOLUME_TASK], ["start", "ec2-conversion", VOLUME_TASK]],
                         ids=["list", "status", "start"])
def test_throttled_step_functions_calls_are_exit_8(monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                   argv: list[str]) -> None:
    body = json.dumps({"__type": "com.amazonaws.swf.base.model#ThrottlingException", "message": "Rate exceeded"})
    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", _answer(400, body, "application/x-amz-json-1.0"))

    code, out, err = run(capsys, *argv, "--state-machine-arn", STATE_MACHINE)

    assert (code, out) == (8, "")
    assert err.startswith("convwatch: ") and "throttled (ThrottlingException)" in err and err.count("\n") == 1, err


# -- help ---------------------------------------------------------------------------------------


def test_help_lists_every_exit_code(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    out = capsys.readouterr().out

    assert exited.value.code == 0
    listed = out.split("exit codes:\n", 1)[1]
    for code, (name, _) in EXIT_CODES.items():
        assert f"  {code}  {name}" in listed
    assert set(EXIT_CODES) == set(range(9))
