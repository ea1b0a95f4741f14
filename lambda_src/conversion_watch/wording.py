"""Small pieces of English the messages share."""

from __future__ import annotations


def a_task_id(task_type: str) -> str:
    """"an ec2-conversion task id", "a license-conversion task id": the article the task type's sound takes
    (every task type starts with its letters' own sound)."""
    return f"{'an' if task_type[:1] in 'aeiou' else 'a'} {task_type} task id"
