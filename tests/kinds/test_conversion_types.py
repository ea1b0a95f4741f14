"""``task.conversionType`` (``facts.TaskFacts``, an enum in the published JSON Schema) is the name of the call that
started the task, for every kind of the registry; License Manager's conversions say ``LicenseConversion``. The
``Literal`` stays written out in facts.py (the kinds import facts, so facts cannot read the registry); this test
holds it to the registry, so a new kind learns here that its start calls belong in it."""

from __future__ import annotations

from typing import get_args

from conversion_watch.facts import TaskFacts
from conversion_watch.kinds import TASK_KINDS

LICENSE = "license-conversion"


def _literal_values() -> set[str]:
    annotation = TaskFacts.model_fields["conversionType"].annotation
    (literal, _none) = get_args(annotation)
    return set(get_args(literal))


def test_every_start_call_of_every_kind_is_a_conversion_type() -> None:
    expected = {call.event_name for k in TASK_KINDS.values() if k.task_type != LICENSE for call in k.start_calls}

    assert _literal_values() == expected | {"LicenseConversion"}
