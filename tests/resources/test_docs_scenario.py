"""docs/resources.md's scenario plays as the page shows."""

from __future__ import annotations

from pathlib import Path

from localrun import scenario
from localrun.engine import run_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "docs" / "examples" / "deployment-scenario.json"


def test_the_documented_deployment_creates_the_image_and_deletes_it():
    report = run_scenario(scenario.load(SCENARIO))

    assert report.to_json()["deployments"] == [
        {"logicalId": "Image", "action": "create", "status": "SUCCESS",
         "reason": "import-ami-0123456789abcdef0 completed",
         "attributes": {"ImportTaskId": "import-ami-0123456789abcdef0", "ImageId": "ami-0fedcba9876543210",
                        "SnapshotIds": "snap-0aaaabbbbccccdddd"}, "at": 5447.0},
        {"logicalId": "Image", "action": "delete", "status": "SUCCESS",
         "reason": "ImageResult: deregistered ami-0fedcba9876543210; deleted snap-0aaaabbbbccccdddd; "
                   "Image: ami-0fedcba9876543210 was already gone; snap-0aaaabbbbccccdddd was already gone",
         "attributes": {},
         "at": 7200.0},
    ]
