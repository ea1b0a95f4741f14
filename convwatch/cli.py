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
import sys
from collections.abc import Sequence
from typing import Any

from convwatch import render
from convwatch.deployment import DEFAULT_STACK, locate, open_session
from convwatch.errors import CliError


def _task_types() -> tuple[str, ...]:
    """The registry's task types (conversion_watch.kinds); without the runtime package, the
    watcher's validate step is left to refuse an unknown type."""
    try:
        from conversion_watch.kinds import TASK_TYPES as registered
    except ImportError:
        return ()
    return registered


TASK_TYPES = _task_types()


def _options(*, in_subcommand: bool) -> argparse.ArgumentParser:
    """Accepted before or after the command; a subcommand must not reset what was given before it."""
    options = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS if in_subcommand else None)
    options.add_argument("--json", action="store_true", help="print JSON for scripts")
    options.add_argument("--stack", help=f"stack name (default: $CONVWATCH_STACK or {DEFAULT_STACK})")
    options.add_argument("--state-machine-arn", help="skip the stack lookup (or $CONVWATCH_STATE_MACHINE_ARN)")
    options.add_argument("--region", help="AWS region (default: your AWS configuration)")
    options.add_argument("--profile", help="AWS profile (default: your AWS configuration)")
    return options


def parser() -> argparse.ArgumentParser:
    common = _options(in_subcommand=True)
    root = argparse.ArgumentParser(
        prog="convwatch", description=(__doc__ or "").split("\n\n")[0], parents=[_options(in_subcommand=False)]
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser("start", parents=[common], help="start watching a conversion task (idempotent)")
    start.add_argument("task_type", metavar="TASK_TYPE", choices=TASK_TYPES or None,
                       help=", ".join(TASK_TYPES) or "the task's type")
    start.add_argument("task_id", metavar="TASK_ID", help="e.g. import-ami-1234567890abcdef0, lct-0123...")
    status = commands.add_parser("status", parents=[common], help="last known state of a task's watch")
    status.add_argument("task_id", metavar="TASK_ID")
    commands.add_parser("list", parents=[common], help="running watches")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Imported here so `--help` works even without the checkout's lambda_src.
    from convwatch import watches

    try:
        session = open_session(profile=args.profile, region=args.region)
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
        if args.json:
            print(json.dumps({"error": type(error).__name__, "message": error.message}), file=sys.stderr)
        else:
            print(f"convwatch: {error.message}", file=sys.stderr)
        return error.exit_code
    print(json.dumps(result, indent=2) if args.json else text)
    return 0
