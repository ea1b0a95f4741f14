"""A task id is found by what it is, not where it sits (issue 20, item 1).

Where CloudTrail puts a VM Import/Export call's task id is documented nowhere; License Manager's
user guide shows its parameters in lower camel case. Each start and cancel call is played here in
every shape public sources show CloudTrail using: the query API's lowerCamel XML names, the
member's UpperCamel name, lower camel for JSON-protocol services, and the wrapped
``{"<Operation>Request": {...}}`` / ``{"<Operation>Response": {...}}`` of newer EC2 calls. The
starter must read the id from each, and the synthesized rule must deliver each to it.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conversion_watch import cloudtrail
from conversion_watch.cloudtrail import RejectedEvent, cancel_from_event, task_from_event
from conversion_watch.kinds import TASK_KINDS, cancel_calls, start_calls
from localrun.moto_patches.targets import event_pattern
from tests.autostart import samples
from tests.autostart.stack_helpers import rule_with_pattern, synth_autostart

IDS = {
    "ec2-conversion": samples.VOLUME_TASK,
    "license-conversion": samples.LICENSE_TASK,
    "ec2-import-image": samples.IMAGE_TASK,
    "ec2-import-snapshot": samples.SNAPSHOT_TASK,
    "ec2-export-image": samples.EXPORT_IMAGE_TASK,
    "ec2-export-instance": samples.EXPORT_INSTANCE_TASK,
}


def _lower(name: str) -> str:
    return name[0].lower() + name[1:]


def _upper(name: str) -> str:
    return name[0].upper() + name[1:]


def _shapes(operation: str, kind_id: str, inner: dict[str, Any], wrapper: str) -> list[tuple[str, dict[str, Any]]]:
    """The section in every shape: as given (the kinds' known path), UpperCamel keys,
    lowerCamel keys, wrapped in ``<Operation><wrapper>``, wrapped and lowerCamel, and nested
    under a list (``...Set.items``)."""
    def recase(value: Any, case: Any) -> Any:
        if isinstance(value, dict):
            return {case(k): recase(v, case) for k, v in value.items()}
        return value

    return [
        ("known path", inner),
        ("UpperCamel", recase(inner, _upper)),
        ("lowerCamel", recase(inner, _lower)),
        (f"wrapped {operation}{wrapper}", {f"{operation}{wrapper}": recase(inner, _upper)}),
        ("wrapped, lowerCamel", {_lower(f"{operation}{wrapper}"): recase(inner, _lower)}),
        ("in an item list", {"taskSet": {"items": [{"description": "x", "taskId": kind_id}]}}),
    ]


def _event(call: Any, section: dict[str, Any]) -> dict[str, Any]:
    base = samples.import_volume_event() if call.event_source == "ec2.amazonaws.com" else \
        samples.license_conversion_event()
    event = copy.deepcopy(base)
    event["detail"].update({"eventName": call.event_name, "eventSource": call.event_source,
                            "requestParameters": {"unrelated": "value"}, "responseElements": {"requestId": "r-1"}})
    event["detail"][call.section] = section
    return event


def _nested(path: tuple[str, ...], value: str) -> dict[str, Any]:
    section: dict[str, Any] = {}
    holder = section
    for key in path[:-1]:
        holder = holder.setdefault(key, {})
    holder[path[-1]] = value
    return section


START_CASES = [
    pytest.param(name, kind.task_type, shape_name, section, id=f"{name}-{shape_name}")
    for name, (kind, call) in start_calls().items()
    for shape_name, section in _shapes(name, IDS[kind.task_type], _nested(call.id_path, IDS[kind.task_type]),
                                       "Response")
]

CANCEL_CASES = [
    pytest.param(name, kind.task_type, shape_name, section, id=f"{name}-{kind.task_type}-{shape_name}")
    for name, call in cancel_calls().items()
    for kind in TASK_KINDS.values() if call in kind.cancel_calls
    for shape_name, section in _shapes(name, IDS[kind.task_type], _nested(call.id_path, IDS[kind.task_type]),
                                       "Request")
]


@pytest.mark.parametrize(("event_name", "task_type", "shape", "section"), START_CASES)
def test_every_start_call_is_read_in_every_record_shape(event_name: str, task_type: str, shape: str,
                                                        section: dict[str, Any]) -> None:
    _, call = start_calls()[event_name]
    task = task_from_event(_event(call, section))
    assert (task.task_type, task.task_id) == (task_type, IDS[task_type])


@pytest.mark.parametrize(("event_name", "task_type", "shape", "section"), CANCEL_CASES)
def test_every_cancel_call_is_read_in_every_record_shape(event_name: str, task_type: str, shape: str,
                                                         section: dict[str, Any]) -> None:
    cancel = cancel_from_event(_event(cancel_calls()[event_name], section))
    assert cancel is not None and (cancel.task_type, cancel.task_id) == (task_type, IDS[task_type])


def test_license_manager_records_in_lower_camel_case_as_its_user_guide_shows() -> None:
    """The record the issue names: before, ``responseElements.licenseConversionTaskId`` was MissingTaskId."""
    event = samples.license_conversion_event()
    assert event["detail"]["responseElements"] == {"licenseConversionTaskId": samples.LICENSE_TASK}
    assert task_from_event(event).task_id == samples.LICENSE_TASK


def test_cancel_import_task_with_the_member_name_it_has_on_the_wire() -> None:
    event = samples.cancel_import_task_event()
    event["detail"]["requestParameters"] = {"ImportTaskId": samples.IMAGE_TASK, "CancelReason": "not needed"}
    cancel = cancel_from_event(event)
    assert cancel is not None and cancel.task_id == samples.IMAGE_TASK


def test_ids_of_other_resources_in_the_record_are_not_taken_for_the_task() -> None:
    """ImportInstance answers with an instance id too; only the kind's own pattern counts."""
    event = samples.import_instance_event()
    response = event["detail"]["responseElements"]
    event["detail"]["responseElements"] = {"ImportInstanceResponse": {"ConversionTask": {
        "ImportInstance": {"InstanceId": "i-0123456789abcdef0"}, "ConversionTaskId": samples.INSTANCE_TASK}}}
    assert task_from_event(event).task_id == samples.INSTANCE_TASK
    assert response  # the original shape is read too (tests/autostart/test_cloudtrail.py)


def test_two_different_task_ids_are_refused_not_guessed() -> None:
    event = samples.import_image_event()
    event["detail"]["responseElements"] = {"a": {"taskId": samples.IMAGE_TASK},
                                           "b": {"taskId": "import-ami-0fedcba9876543210"}}
    with pytest.raises(RejectedEvent, match="AmbiguousTaskId"):
        task_from_event(event)


def test_the_search_is_bounded_in_depth_and_size() -> None:
    deep: dict[str, Any] = {"importTaskId": samples.IMAGE_TASK}
    for _ in range(cloudtrail.MAX_DEPTH + 2):
        deep = {"wrapped": deep}
    event = samples.import_image_event()
    event["detail"]["responseElements"] = deep
    with pytest.raises(RejectedEvent, match="MissingTaskId"):
        task_from_event(event)
    wide = {f"k{n}": "x" for n in range(cloudtrail.MAX_NODES + 10)}
    assert cloudtrail.task_ids_in(wide, TASK_KINDS.values()) == []


def test_a_long_string_is_no_task_id() -> None:
    assert cloudtrail.task_ids_in({"a": samples.IMAGE_TASK + "0" * 100}, TASK_KINDS.values()) == []


@pytest.fixture(scope="module")
def rule_patterns() -> dict[str, Any]:
    import aws_cdk as cdk

    from tests.autostart.test_cancel_calls import _with_table  # the same table the cancel tests use

    app = cdk.App()
    stack = cdk.Stack(app, "Holder", env=cdk.Environment(account="123456789012", region="us-east-1"))
    with_table = synth_autostart(watch_table=_with_table(stack))
    return {"starts": event_pattern(rule_with_pattern(synth_autostart())["EventPattern"]),
            "starts and cancels": event_pattern(rule_with_pattern(with_table)["EventPattern"])}


def test_the_rule_delivers_every_shape_because_it_reads_no_field_of_the_record(
    rule_patterns: dict[str, Any],
) -> None:
    for case in START_CASES:
        event_name, _, _, section = case.values
        assert rule_patterns["starts"].matches_event(_event(start_calls()[event_name][1], section)), case.id
    for case in CANCEL_CASES:
        event_name, _, _, section = case.values
        assert rule_patterns["starts and cancels"].matches_event(_event(cancel_calls()[event_name], section)), case.id
        assert not rule_patterns["starts"].matches_event(_event(cancel_calls()[event_name], section)), case.id
