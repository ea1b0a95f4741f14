"""The README's configuration table lists exactly the context keys the app reads."""

from __future__ import annotations

import re

from tests.docs.markdown import README, ROOT

KEY = re.compile(r"conversionWatch:[A-Za-z]+")


def _keys_read_by_the_app() -> set[str]:
    sources = [ROOT / "app.py", *sorted((ROOT / "stacks").rglob("*.py"))]
    return {key for path in sources for key in KEY.findall(path.read_text())}


def _keys_in_the_readme_table() -> set[str]:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(conversionWatch:[A-Za-z]+)` \|", section, re.MULTILINE))


def test_every_context_key_is_documented_and_no_other() -> None:
    read = _keys_read_by_the_app()
    assert read, "no conversionWatch:* key found in app.py or stacks/: update this test to where they are read"
    assert _keys_in_the_readme_table() == read
