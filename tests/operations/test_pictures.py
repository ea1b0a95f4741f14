"""The docs pictures are current: the committed state-machine DOT equals the
one generated from the synthesized definition, and each committed SVG was
rendered from the committed DOT (no Graphviz needed here)."""

from __future__ import annotations

import copy

import pytest

from tests.contract.stack import ROOT, synth_stack
from tools.render_diagrams import ARCHITECTURE_DOT, STATE_MACHINE_DOT, digest, stamp_of, svg_path
from tools.state_machine_dot import to_dot, watcher_definition

REGENERATE = "run `make diagrams` (needs Graphviz) and commit docs/images/"


def test_state_machine_dot_matches_the_synthesized_definition() -> None:
    current = to_dot(watcher_definition(synth_stack().to_json()))
    assert STATE_MACHINE_DOT.read_text() == current, f"state machine changed: {REGENERATE}"


@pytest.mark.parametrize("dot_file", [STATE_MACHINE_DOT, ARCHITECTURE_DOT], ids=lambda p: p.name)
def test_svg_was_rendered_from_the_committed_dot(dot_file: object) -> None:
    assert isinstance(dot_file, type(STATE_MACHINE_DOT))
    stamp = stamp_of(svg_path(dot_file).read_text())
    assert stamp == (dot_file.name, digest(dot_file.read_text())), f"{svg_path(dot_file).name} is stale: {REGENERATE}"


def test_a_changed_state_shows_in_the_dot() -> None:
    definition = watcher_definition(synth_stack().to_json())
    renamed = copy.deepcopy(definition)
    renamed["States"]["Task Completed"]["Comment"] = "comments are not drawn"
    assert to_dot(renamed) == to_dot(definition)
    renamed["States"]["Wait Before Next Poll"]["Next"] = "Check Poll Result"
    assert to_dot(renamed) != to_dot(definition)


def test_every_state_and_transition_is_drawn() -> None:
    definition = watcher_definition(synth_stack().to_json())
    dot = to_dot(definition)
    for name, state in definition["States"].items():
        assert f'"{name}" [label=' in dot
        targets = [state.get("Next"), state.get("Default"), *[c["Next"] for c in state.get("Choices", [])],
                   *[c["Next"] for c in state.get("Catch", [])]]
        for target in filter(None, targets):
            assert f'"{name}" -> "{target}"' in dot


def test_the_docs_show_both_pictures() -> None:
    """The architecture in the README, the state machine on the operations page."""
    shown = {
        ROOT / "README.md": "docs/images/architecture.svg",
        ROOT / "docs" / "operations.md": "images/state-machine.svg",
    }
    for page, image in shown.items():
        assert f"]({image})" in page.read_text(), f"{page.name} does not show {image}"
        assert (page.parent / image).exists()
