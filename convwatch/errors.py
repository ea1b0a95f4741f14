"""Errors the CLI reports as one clear line, each with its own exit code.

``EXIT_CODES`` (what ``convwatch --help`` lists) is read from these classes."""

from __future__ import annotations


class CliError(Exception):
    """Any other AWS SDK failure (the message names it)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArguments(CliError):
    """Invalid arguments (unknown task type, a task id of the wrong form, a malformed ARN, no such region)."""

    exit_code = 2


class NoCredentials(CliError):
    """No AWS credentials or no region: nothing can be asked of AWS."""

    exit_code = 3


class StackNotFound(CliError):
    """No such stack in that account and region, or not a Conversion Watch stack."""

    exit_code = 4


class WatchNotFound(CliError):
    """The task is not watched by this state machine."""

    exit_code = 5


class AwsRefused(CliError):
    """AWS refused the request (access denied, validation...)."""

    exit_code = 6


class NetworkError(CliError):
    """AWS could not be reached (no route, DNS, proxy, connect or read timeout)."""

    exit_code = 7


class Throttled(CliError):
    """AWS throttled the request (Throttling, RequestLimitExceeded...): try again later."""

    exit_code = 8


def _summary(error_class: type[CliError]) -> str:
    return (error_class.__doc__ or "").strip().splitlines()[0]


EXIT_CODES: dict[int, tuple[str, str]] = {
    0: ("", "Success."),
    **{
        cls.exit_code: (cls.__name__, _summary(cls))
        for cls in (CliError, InvalidArguments, NoCredentials, StackNotFound, WatchNotFound, AwsRefused,
                    NetworkError, Throttled)
    },
}


def exit_codes_help() -> str:
    return "exit codes:\n" + "\n".join(
        f"  {code}  {name + ': ' if name else ''}{summary}" for code, (name, summary) in sorted(EXIT_CODES.items())
    )
