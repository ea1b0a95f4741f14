"""The lists the docs show that the code decides, as the code has them now. ``python -m tests.docs.code_lists``
prints each, ready to paste after its ``<!-- list: NAME -->`` marker; ``test_lists_match_code`` compares."""

from __future__ import annotations

import dataclasses
import pkgutil

from conversion_watch import handlers
from conversion_watch.kinds import TASK_KINDS
from conversion_watch.kinds.base import TaskKind
from conversion_watch_cdk.task_permissions import describe_actions, list_actions
from convwatch.errors import EXIT_CODES
from localrun.services.scenario import entry_keys, task_keys
from localrun.services.task_timeline import raw_states, terminal_raw_states


def _ticks(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def read_actions() -> list[str]:
    """docs/development.md: the poll function's read actions."""
    return sorted({*describe_actions(), *list_actions()})


def handler_names() -> list[str]:
    """docs/development.md: every module of ``conversion_watch.handlers`` has a ``handler``."""
    return [f"{handlers.__name__}.{module.name}.handler" for module in pkgutil.iter_modules(handlers.__path__)]


def kind_fields() -> list[str]:
    """docs/development.md: ``TaskKind``'s fields, optional ones (with a default) as ``[name]``."""
    return [field.name if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            else f"[{field.name}]" for field in dataclasses.fields(TaskKind)]


def exit_code_rows() -> list[str]:
    """docs/operations.md: the CLI's exit codes."""
    rows = [f"| {code} | {f'`{name}`' if name else ''} | {meaning} |"
            for code, (name, meaning) in sorted(EXIT_CODES.items())]
    return ["| exit code | name | meaning |", "|---|---|---|", *rows]


def scenario_key_rows() -> list[str]:
    """docs/service-double.md: what a scenario task of each kind accepts."""
    rows = ["| `taskType` | task fields (besides `taskType`, `taskId`, `timeline`) | timeline entry fields (besides "
            "`at`, `state`) | `state` values (terminal in bold) |", "|---|---|---|---|"]
    for task_type in TASK_KINDS:
        fields = sorted(task_keys(task_type) - {"taskType", "taskId", "timeline"})
        entry_fields = sorted(entry_keys(task_type) - {"at", "state"})
        terminal = terminal_raw_states(task_type)
        states = " ".join(f"**`{s}`**" if s in terminal else f"`{s}`" for s in raw_states(task_type))
        rows.append(f"| `{task_type}` | {_ticks(fields)} | {_ticks(entry_fields)} | {states} |")
    return rows


if __name__ == "__main__":
    print("read-actions:\n" + _ticks(read_actions()))
    print("\nhandlers:\n" + _ticks(handler_names()))
    print("\nkind-fields:\n" + ", ".join(f"[`{n[1:-1]}`]" if n.startswith("[") else f"`{n}`" for n in kind_fields()))
    print("\nexit codes:\n" + "\n".join(exit_code_rows()))
    print("\nscenario-keys:\n" + "\n".join(scenario_key_rows()))
