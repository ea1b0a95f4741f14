"""Errors the CLI reports as one clear line, each with its own exit code."""

from __future__ import annotations


class CliError(Exception):
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArguments(CliError):
    exit_code = 2


class NoCredentials(CliError):
    """No credentials or no region: nothing can be asked of AWS."""

    exit_code = 3


class StackNotFound(CliError):
    """No such stack in that account and region, or not a Conversion Watch stack."""

    exit_code = 4


class WatchNotFound(CliError):
    exit_code = 5


class AwsRefused(CliError):
    """AWS answered with an error the CLI cannot do anything about (access, throttling...)."""

    exit_code = 6
