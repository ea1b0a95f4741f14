"""convwatch: start, inspect and list the watches of a deployed Conversion Watch stack.

The state machine is found through the stack's ``StateMachineArn`` output
(stack ``ConversionWatch`` unless ``--stack`` / ``CONVWATCH_STACK`` says
otherwise), or given directly with ``--state-machine-arn`` /
``CONVWATCH_STATE_MACHINE_ARN``. Credentials and region come from the usual
AWS configuration (``--profile``, ``--region``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from conversion_watch import __version__
from conversion_watch.errors import InvalidInput
from conversion_watch.kinds import TASK_TYPES, kind_of_task_id
from conversion_watch.starter import check_task
from convwatch import render, watches
from convwatch.deployment import DEFAULT_STACK, STATE_MACHINE_ENV, is_known_region, locate, open_session
from convwatch.errors import CliError, InvalidArguments, NetworkError, exit_codes_help


class _Parser(argparse.ArgumentParser):
    """argparse's errors become ``InvalidArguments`` (exit 2), so they are one line, and JSON with ``--json``,
    like every other error."""

    def error(self, message: str) -> NoReturn:
        raise InvalidArguments(f"{message} (see {self.prog} --help)")


def _options(*, in_subcommand: bool) -> _Parser:
    """Accepted before or after the command; a subcommand must not reset what was given before it."""
    options = _Parser(add_help=False, argument_default=argparse.SUPPRESS if in_subcommand else None)
    options.add_argument("--json", action="store_true", help="print JSON for scripts")
    options.add_argument("--stack", help=f"stack name (default: $CONVWATCH_STACK or {DEFAULT_STACK})")
    options.add_argument("--state-machine-arn", help="skip the stack lookup (or $CONVWATCH_STATE_MACHINE_ARN)")
    options.add_argument("--region", help="AWS region (default: your AWS configuration)")
    options.add_argument("--profile", help="AWS profile (default: your AWS configuration)")
    return options


def parser() -> argparse.ArgumentParser:
    common = _options(in_subcommand=True)
    root = _Parser(
        prog="convwatch",
        description=(__doc__ or "").split("\n\n")[0],
        parents=[_options(in_subcommand=False)],
        epilog=exit_codes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser("start", parents=[common], help="start watching a conversion task (idempotent)")
    start.add_argument("task_type", metavar="TASK_TYPE", choices=TASK_TYPES, help=" or ".join(TASK_TYPES))
    start.add_argument("task_id", metavar="TASK_ID", help="e.g. import-i-ffvko9js, lct-0123...")
    status = commands.add_parser("status", parents=[common], help="last known state of a task's watch")
    status.add_argument("task_id", metavar="TASK_ID")
    commands.add_parser("list", parents=[common], help="running watches")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(arguments)
    except InvalidArguments as error:
        # The line could not be parsed, so --json is read from it as written.
        report_error(error, as_json="--json" in arguments[: _end_of_options(arguments)])
        return error.exit_code
    region: str | None = None
    try:
        check_arguments(args)  # before any AWS call: a wrong id is exit 2, whatever the configuration
        session = open_session(profile=args.profile, region=args.region)
        region = session.region_name
        deployment = locate(session, stack=args.stack, state_machine_arn=args.state_machine_arn)
        result: Any
        if args.command == "start":
            result = watches.start(deployment, args.task_type, args.task_id)
            text = render.started(result)
        elif args.command == "status":
            result = watches.status(deployment, args.task_id)
            text = render.status(result)
        else:
            result = watches.list_running(deployment)
            text = render.running(result)
    except CliError as error:
        reported = _explained(error, region)
        report_error(reported, as_json=args.json)
        return reported.exit_code
    print(json.dumps(result, indent=2) if args.json else text)
    return 0


def _explained(error: CliError, region: str | None) -> CliError:
    """AWS unreachable in a region botocore has never heard of: a typo (``us-est-1``), not an outage."""
    if isinstance(error, NetworkError) and region and not is_known_region(region):
        return InvalidArguments(f"{region!r} is not an AWS region (none of botocore's partitions has it): "
                                f"{error.message}")
    return error


def _end_of_options(arguments: list[str]) -> int:
    return arguments.index("--") if "--" in arguments else len(arguments)


def check_arguments(args: argparse.Namespace) -> None:
    """The task id (and a state machine ARN given directly) are checked without AWS."""
    if args.command == "start":
        try:
            check_task(args.task_type, args.task_id)
        except InvalidInput as error:
            raise InvalidArguments(error.message) from None
    elif args.command == "status" and kind_of_task_id(args.task_id) is None:
        raise InvalidArguments(f"{args.task_id!r} is not a task id of any kind ({', '.join(TASK_TYPES)})")
    arn = args.state_machine_arn or os.environ.get(STATE_MACHINE_ENV)
    if arn and (not arn.startswith("arn:") or ":states:" not in arn or ":stateMachine:" not in arn):
        raise InvalidArguments(f"{arn!r} is not a state machine ARN (arn:<partition>:states:...:stateMachine:<name>)")


def report_error(error: CliError, *, as_json: bool) -> None:
    """One line on stderr; with --json a JSON object a script can branch on."""
    if as_json:
        document = {"error": type(error).__name__, "exitCode": error.exit_code, "message": error.message}
        print(json.dumps(document), file=sys.stderr)
    else:
        print(f"convwatch: {error.message}", file=sys.stderr)
