"""The README's configuration table lists exactly the context keys the app reads."""

from __future__ import annotations

import re

from conversion_watch_cdk.settings import CONTEXT_KEYS, PREFIX
from tests.docs.markdown import README

KEY = re.compile(r"conversionWatch:[A-Za-z]+")


def _keys_read_by_the_app() -> set[str]:
    """The stack reads its context once, through ``StackSettings``: its table is the list."""
    return {PREFIX + key for key, _ in CONTEXT_KEYS.values()}


def _keys_in_the_readme_table() -> set[str]:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(conversionWatch:[A-Za-z]+)` \|", section, re.MULTILINE))


def test_every_context_key_is_documented_and_no_other() -> None:
    read = _keys_read_by_the_app()
    assert read
    assert _keys_in_the_readme_table() == read
