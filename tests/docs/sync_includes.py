"""Rewrite every `<!-- include: PATH -->` block in README.md, CHANGELOG.md and docs/*.md from its file.

    python -m tests.docs.sync_includes

Output blocks (`<!-- output: ... -->`) are left alone: paste what the script prints.
"""

from __future__ import annotations

from tests.docs.markdown import PAGES, marked_blocks


def sync() -> list[str]:
    changed = []
    for page in PAGES:
        text = page.read_text()
        for block in marked_blocks(page):
            current = block.target.read_text()
            if block.kind == "include" and block.text != current:
                marker = f"<!-- include: {block.target.relative_to(page.parent.resolve())} -->\n"
                start = text.index("\n", text.index(marker) + len(marker)) + 1  # after the opening fence
                text = text[:start] + current + text[start + len(block.text):]
                changed.append(f"{page.name}: {block.target.name}")
        page.write_text(text)
    return changed


if __name__ == "__main__":
    print("\n".join(sync()) or "every include is current")
