"""EC2 progress arithmetic: bytes converted over image size, summed over
volumes; a percentage only when every figure is there and consistent."""

from __future__ import annotations

import pytest

from conversion_watch.models import Progress
from tests.unit.samples import (
    EC2_VOLUME_TASK,
    GIB,
    disk,
    ec2_instance_task,
    ec2_params,
    ec2_response,
    ec2_volume_task,
)
from tests.unit.steps import poll, start


def _observe_instance(stubbed, context, volumes):
    watch = start("ec2-conversion", "import-i-ffvko9js", context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks", ec2_response(ec2_instance_task("active", volumes=volumes)), ec2_params()
    )
    return poll(watch, context)["status"]["detail"]["progress"]


@pytest.mark.parametrize(
    ("volumes", "expected"),
    [
        pytest.param([disk(converted=2 * GIB, size=8 * GIB)], Progress(bytesConverted=2 * GIB, totalBytes=8 * GIB,
                                                                        percent=25.0), id="one-volume"),
        pytest.param(
            [disk(converted=2 * GIB, size=8 * GIB, volume_id="vol-a"), disk(converted=6 * GIB, size=8 * GIB,
                                                                           volume_id="vol-b")],
            Progress(bytesConverted=8 * GIB, totalBytes=16 * GIB, percent=50.0),
            id="multi-volume-sums",
        ),
        pytest.param([disk(converted=GIB, size=3 * GIB)], Progress(bytesConverted=GIB, totalBytes=3 * GIB,
                                                                    percent=33.3),
                     id="rounded-to-one-decimal"),
        pytest.param([disk(converted=0, size=8 * GIB)], Progress(bytesConverted=0, totalBytes=8 * GIB, percent=0.0),
                     id="nothing-converted-yet"),
        pytest.param(
            [disk(converted=8 * GIB, size=8 * GIB), disk(converted=2 * GIB, size=None, volume_id="vol-b")],
            Progress(bytesConverted=10 * GIB, totalBytes=None, percent=None),
            id="a-size-missing",
        ),
        pytest.param(
            [disk(converted=4 * GIB, size=8 * GIB), disk(converted=None, size=8 * GIB, volume_id="vol-b")],
            Progress(bytesConverted=4 * GIB, totalBytes=16 * GIB, percent=None),
            id="a-converted-figure-missing",
        ),
        pytest.param([disk(converted=9 * GIB, size=8 * GIB)], Progress(bytesConverted=9 * GIB, totalBytes=8 * GIB,
                                                                        percent=None), id="converted-exceeds-size"),
        pytest.param([disk(converted=-1, size=8 * GIB)], Progress(bytesConverted=-1, totalBytes=8 * GIB,
                                                                   percent=None), id="negative-converted"),
        # EC2's reference gives the image size in GiB: a figure under 1 MiB can only be that.
        pytest.param([disk(converted=2 * GIB, size=8)], Progress(bytesConverted=2 * GIB, totalBytes=8 * GIB,
                                                                 percent=25.0), id="size-in-gib"),
        pytest.param([disk(converted=GIB, size=3), disk(converted=GIB, size=GIB, volume_id="vol-b")],
                     Progress(bytesConverted=2 * GIB, totalBytes=4 * GIB, percent=50.0), id="gib-and-bytes-mixed"),
        pytest.param([disk(converted=5, size=0)], Progress(bytesConverted=5, totalBytes=0, percent=None),
                     id="zero-size"),
        pytest.param([disk(converted=None, size=8 * GIB)], None, id="no-converted-figures"),
        pytest.param([], None, id="no-volumes"),
    ],
)
def test_import_instance_progress(stubbed, lambda_context, volumes, expected):
    progress = _observe_instance(stubbed, lambda_context, volumes)

    assert (Progress.model_validate(progress) if progress is not None else None) == expected


@pytest.mark.parametrize(
    ("converted", "size", "expected"),
    [
        (GIB, 4 * GIB, Progress(bytesConverted=GIB, totalBytes=4 * GIB, percent=25.0)),
        (4 * GIB, 4 * GIB, Progress(bytesConverted=4 * GIB, totalBytes=4 * GIB, percent=100.0)),
        (GIB, None, Progress(bytesConverted=GIB, totalBytes=None, percent=None)),
        (None, 4 * GIB, None),
    ],
)
def test_import_volume_progress(stubbed, lambda_context, converted, size, expected):
    watch = start("ec2-conversion", EC2_VOLUME_TASK, lambda_context)
    stubbed("ec2").add_response(
        "describe_conversion_tasks",
        ec2_response(ec2_volume_task("active", converted=converted, size=size)),
        ec2_params(EC2_VOLUME_TASK),
    )

    progress = poll(watch, lambda_context)["status"]["detail"]["progress"]

    assert (Progress.model_validate(progress) if progress is not None else None) == expected
