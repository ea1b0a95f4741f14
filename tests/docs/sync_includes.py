"""Rewrite every `<!-- include: PATH -->` block in README.md, CHANGELOG.md and docs/*.md from its file,
and every `<!-- output: SCRIPT -->` block from what `python SCRIPT` prints (it reads cdk.out: synth first).

    make synth && python -m tests.docs.sync_includes
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.docs.markdown import PAGES, ROOT, marked_blocks


def _printed(script: Path) -> str:
    return subprocess.run([sys.executable, str(script)], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def sync() -> list[str]:
    changed = []
    for page in PAGES:
        text = page.read_text()
        for block in marked_blocks(page):
            current = block.target.read_text() if block.kind == "include" else _printed(block.target)
            if block.text != current:
                marker = f"<!-- {block.kind}: {block.target.relative_to(page.parent.resolve())} -->\n"
                start = text.index("\n", text.index(marker) + len(marker)) + 1  # after the opening fence
                text = text[:start] + current + text[start + len(block.text):]
                changed.append(f"{page.name}: {block.target.name}")
        page.write_text(text)
    return changed


if __name__ == "__main__":
    print("\n".join(sync()) or "every include is current")
