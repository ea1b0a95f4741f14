"""Reading the project's markdown: pages, include/output markers, relative links and heading anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

README = ROOT / "README.md"
PAGES = (README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md")))

# <!-- include: PATH --> or <!-- output: SCRIPT -->, then a fenced block on the next line.
_MARKED_BLOCK = re.compile(r"^<!-- (include|output): (\S+) -->\n```[a-z]*\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_ANY_MARKER = re.compile(r"^<!-- (include|output):", re.MULTILINE)
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class MarkedBlock:
    page: Path
    kind: str  # "include" (the block is the file) or "output" (the block is what the script prints)
    target: Path  # resolved relative to the page
    text: str


def marked_blocks(page: Path) -> list[MarkedBlock]:
    text = page.read_text()
    blocks = [MarkedBlock(page, kind, (page.parent / target).resolve(), body)
              for kind, target, body in _MARKED_BLOCK.findall(text)]
    if len(blocks) != len(_ANY_MARKER.findall(text)):
        raise AssertionError(f"{page.name}: a marker is not followed directly by a fenced block")
    return blocks


def links(page: Path) -> list[str]:
    """Link targets outside fenced code blocks."""
    text = _FENCE.sub("", page.read_text())
    return [a or b for a, b in _LINK.findall(text)]


def anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    text = _FENCE.sub("", page.read_text())
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found
