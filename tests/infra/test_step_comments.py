"""Comments deployed in the state machine that name what the registry of kinds decides say what it says: the
poll step's comment names every kind's describe call (a new kind cannot leave the deployed text behind)."""

from __future__ import annotations

import botocore.session

from conversion_watch import contract as c
from conversion_watch.kinds import TASK_KINDS
from conversion_watch_cdk.watcher.step_comments import describe_operations, poll_comment


def test_the_deployed_poll_comment_names_every_kinds_describe_call(definition) -> None:
    comment = definition["States"][c.STEP_POLL]["Comment"]

    assert comment == poll_comment()
    for task_kind in TASK_KINDS.values():
        assert task_kind.describe_action.split(":", 1)[1] in comment, task_kind.task_type


def test_the_describe_operations_are_real_operations_of_their_services() -> None:
    session = botocore.session.get_session()
    services = {k.describe_action.split(":", 1)[1]: k.service for k in TASK_KINDS.values()}

    assert describe_operations() == list(services)
    for operation, service in services.items():
        assert operation in session.get_service_model(service).operation_names
