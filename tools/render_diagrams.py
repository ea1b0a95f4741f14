"""Render the README pictures: the state machine (from the synthesized
template) and the architecture (hand-written DOT), as SVG via Graphviz.

    make diagrams     # = make synth, then: python -m tools.render_diagrams

Each SVG carries the SHA-256 of the DOT it was rendered from, so a test
(which needs no Graphviz) can tell a stale picture from a fresh one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools.state_machine_dot import to_dot, watcher_definition

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
STATE_MACHINE_DOT = IMAGES / "state-machine.dot"
ARCHITECTURE_DOT = IMAGES / "architecture.dot"
DEFAULT_TEMPLATE = ROOT / "cdk.out" / "ConversionWatch.template.json"
STAMP = re.compile(r"<!-- rendered from (?P<name>\S+) sha256=(?P<digest>[0-9a-f]{64}) -->")


class GraphvizMissing(RuntimeError):
    """``dot`` is not installed (``apt-get install graphviz``)."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def svg_path(dot_file: Path) -> Path:
    return dot_file.with_suffix(".svg")


def stamp_of(svg_text: str) -> tuple[str, str] | None:
    """``(dot file name, sha256)`` the SVG says it was rendered from."""
    match = STAMP.search(svg_text)
    return (match["name"], match["digest"]) if match else None


def render_svg(dot_file: Path) -> Path:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing("Graphviz 'dot' not found: apt-get install -y graphviz (or brew install graphviz)")
    dot_text = dot_file.read_text()
    svg = subprocess.run([dot, "-Tsvg"], input=dot_text, capture_output=True, text=True, check=True).stdout
    header_end = svg.index("?>") + 2 if svg.startswith("<?xml") else 0
    stamped = f"{svg[:header_end]}\n<!-- rendered from {dot_file.name} sha256={digest(dot_text)} -->{svg[header_end:]}"
    target = svg_path(dot_file)
    target.write_text(stamped)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE, help="synthesized template (cdk synth)")
    args = parser.parse_args(argv)
    definition = watcher_definition(json.loads(args.template.read_text()))
    STATE_MACHINE_DOT.write_text(to_dot(definition))
    try:
        for dot_file in (STATE_MACHINE_DOT, ARCHITECTURE_DOT):
            print(f"wrote {render_svg(dot_file).relative_to(ROOT)}")
    except GraphvizMissing as error:
        print(f"wrote {STATE_MACHINE_DOT.relative_to(ROOT)}; {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
