"""The README stays short, and no link in the README, the changelog or docs/ leads nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.markdown import PAGES, README, anchors, links

MAX_README_LINES = 300


def test_the_readme_has_at_most_300_lines() -> None:
    lines = len(README.read_text().splitlines())
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move detail into a docs/ page"


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(README.parent / target.split("#")[0]).resolve() for target in links(README)}
    unlinked = [page.name for page in PAGES if page != README and page.resolve() not in linked]
    assert not unlinked, f"not linked from README.md: {unlinked}"


def _broken(page: Path) -> list[str]:
    broken = []
    for target in links(page):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading #{anchor} in {path.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path) -> None:
    assert _broken(page) == []


def test_a_broken_link_and_a_missing_heading_are_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## A section\n")
    page = tmp_path / "page.md"
    page.write_text("[ok](other.md#a-section) [gone](missing.md) [bad](other.md#nowhere)\n"
                    "```\n[in code](ignored.md)\n```\n")
    assert _broken(page) == ["missing.md: no such file", "other.md#nowhere: no heading #nowhere in other.md"]
