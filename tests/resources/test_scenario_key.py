"""The scenario's `deployments` key: refused, with the entry named, when it cannot be played."""

from __future__ import annotations

from typing import Any

import pytest

from localrun.scenario import ScenarioError, parse

TASK = {"taskType": "ec2-import-image", "taskId": "import-ami-0123456789abcdef0",
        "timeline": [{"at": 60, "state": "active"},
                     {"at": 600, "state": "completed", "imageId": "ami-0123456789abcdef0"}]}
CREATE = {"at": 60, "action": "create", "resource": "ImportedImage", "logicalId": "Image",
          "properties": {}, "taskId": TASK["taskId"]}


def _parse(**change: Any) -> Any:
    return parse({"tasks": [TASK], "deployments": [{**CREATE, **change}]})


def test_a_deployment_alone_is_a_scenario():
    [deployment] = _parse().deployments
    assert (deployment.action, deployment.resource_type, deployment.timeout) == ("create", "Custom::ImportedImage",
                                                                                 43200)


@pytest.mark.parametrize(("change", "message"), [
    ({"action": "replace"}, r"deployments\[0\]\.action: one of \['create', 'update', 'delete', 'rollback'\]"),
    ({"resource": "ImportedVolume"}, r"deployments\[0\]\.resource: one of"),
    ({"logicalId": "my-image"}, r"deployments\[0\]\.logicalId: letters and digits"),
    ({"timeoutSeconds": 43201}, r"deployments\[0\]\.timeoutSeconds: 1 to 43200"),
    ({"taskId": "import-snap-0123456789abcdef0"}, r"must name a ec2-import-image task of the scenario's 'tasks'"),
    ({"at": 30}, r"timeline must begin when the create starts it \(at 30\), not at 60"),
    ({"stackName": "S"}, r"deployments\[0\]: an object with keys from"),
])
def test_a_deployment_that_cannot_be_played_is_refused(change, message):
    with pytest.raises(ScenarioError, match=message):
        _parse(**change)
