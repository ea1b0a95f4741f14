"""The poll step (handler) for each new kind: the emitted detail parses as the public model and
carries the raw state, the percent and, at the end, the resulting ids in ``detail.task``."""

from __future__ import annotations

import pytest

from conversion_watch.models import StateChangeDetail
from tests.kinds import samples
from tests.unit.steps import poll, start

CASES = [
    ("ec2-import-image", samples.IMAGE_TASK, "describe_import_image_tasks", "ImportImageTasks", "ImportTaskIds",
     samples.import_image("active", message="converting", progress="40"),
     samples.import_image("completed", image_id=samples.AMI), {"imageId": samples.AMI}),
    ("ec2-import-snapshot", samples.SNAPSHOT_TASK, "describe_import_snapshot_tasks", "ImportSnapshotTasks",
     "ImportTaskIds", samples.import_snapshot("active", message="converting", progress="40"),
     samples.import_snapshot("completed", snapshot_id=samples.SNAPSHOT), {"snapshotId": samples.SNAPSHOT}),
    ("ec2-export-image", samples.EXPORT_IMAGE_TASK, "describe_export_image_tasks", "ExportImageTasks",
     "ExportImageTaskIds", samples.export_image("active", message="converting", progress="40"),
     samples.export_image("completed"), {"s3Bucket": "my-export-bucket", "s3Prefix": "exports/"}),
    ("ec2-export-instance", samples.EXPORT_INSTANCE_TASK, "describe_export_tasks", "ExportTasks", "ExportTaskIds",
     samples.export_instance("active", message="converting"), samples.export_instance("completed"),
     {"s3Key": f"vms/{samples.EXPORT_INSTANCE_TASK}.ova"}),
]


@pytest.mark.parametrize(("task_type", "task_id", "method", "key", "ids", "running", "done", "ids_at_end"), CASES)
def test_running_then_completed_events(stubbed, fake_clock, lambda_context, task_type, task_id, method, key, ids,
                                       running, done, ids_at_end):
    watch = start(task_type, task_id, lambda_context)
    stubbed("ec2").add_response(method, {key: [running]}, {ids: [task_id]})
    stubbed("ec2").add_response(method, {key: [done]}, {ids: [task_id]})

    first = poll(watch, lambda_context)
    fake_clock.advance(first["status"]["waitSeconds"])
    second = poll(first["watch"], lambda_context)

    began = StateChangeDetail.model_validate(first["status"]["detail"])
    ended = StateChangeDetail.model_validate(second["status"]["detail"])
    assert (began.state, began.serviceState, began.statusMessage) == ("IN_PROGRESS", "active", "converting")
    assert (began.progress.percent if began.progress else None) == (None if task_type == "ec2-export-instance"
                                                                    else 40.0)
    assert (ended.state, ended.serviceState, ended.terminal, ended.previousState) == (
        "COMPLETED", "completed", True, "IN_PROGRESS")
    assert ended.task.model_dump(include=set(ids_at_end)) == ids_at_end
