"""What a notification e-mail says. EventBridge fills ``<name>`` placeholders
from the event (input transformer); the text is sent as is, without the
quotes a JSON-string template would leave in the inbox."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import aws_events as events
from aws_cdk.interfaces import aws_events as events_interfaces

from conversion_watch.kinds import TASK_KINDS

TASK_LABELS = {task_type: kind.label for task_type, kind in TASK_KINDS.items()}
OUTCOME_VERBS = {"COMPLETED": "completed", "CANCELLED": "was cancelled", "FAILED": "failed"}
# What each detail.outcomeReason means, in one line of the e-mail (conversion_watch.outcome).
OUTCOME_REASON_HELP = (
    "completed; user-cancelled = a cancel request was seen; error = the service reported an error; "
    "expired = the upload was not complete before its expiration time; unknown = cancelled with no sign of why"
)

STATE_CHANGE_PATHS = {
    "taskId": "$.detail.taskId",
    "state": "$.detail.state",
    "outcomeReason": "$.detail.outcomeReason",
    "previousState": "$.detail.previousState",
    "serviceState": "$.detail.serviceState",
    "statusMessage": "$.detail.statusMessage",
    "elapsed": "$.detail.elapsed",
    "watchStartedAt": "$.detail.watchStartedAt",
    "observedAt": "$.detail.observedAt",
    "pollCount": "$.detail.pollCount",
    "eventId": "$.detail.eventId",
    "account": "$.account",
    "region": "$.region",
}
WATCH_ERROR_PATHS = {
    "taskType": "$.detail.taskType",
    "taskId": "$.detail.taskId",
    "errorCode": "$.detail.errorCode",
    "message": "$.detail.message",
    "lastKnownState": "$.detail.lastKnownState",
    "pollCount": "$.detail.pollCount",
    "observedAt": "$.detail.observedAt",
    "eventId": "$.detail.eventId",
    "account": "$.account",
    "region": "$.region",
}


def outcome_template(task_type: str, state: str) -> str:
    """E.g. ``VM import import-i-ffvko9js completed after 3 h 12 min.``"""
    return "\n".join(
        [
            f"{TASK_LABELS[task_type]} <taskId> {OUTCOME_VERBS[state]} after <elapsed>.",
            "",
            f"Why: <outcomeReason> ({OUTCOME_REASON_HELP}).",
            "State: <state> (service state: <serviceState>), previously <previousState>.",
            "Service message: <statusMessage>",
            "Watched since <watchStartedAt>; observed at <observedAt> after <pollCount> polls.",
            "Account <account>, region <region>. Event id <eventId>.",
        ]
    )


WATCH_ERROR_TEMPLATE = "\n".join(
    [
        "Conversion Watch stopped watching <taskType> task <taskId>: <errorCode>.",
        "",
        "<message>",
        "",
        "Last known state: <lastKnownState>; polls made: <pollCount>.",
        "Observed at <observedAt>. Account <account>, region <region>. Event id <eventId>.",
    ]
)


class PlainTextMessage(events.RuleTargetInput):
    """An input transformer whose template is plain text with ``<name>``
    placeholders (CDK's ``from_text`` would wrap it in JSON quotes)."""

    def __init__(self, template: str, paths: Mapping[str, str]) -> None:
        super().__init__()
        unused = {name for name in paths if f"<{name}>" not in template}
        if unused:
            raise ValueError(f"paths not used in the template: {sorted(unused)}")
        self.template = template
        self.paths = {name: path for name, path in paths.items()}

    def bind(self, rule: events_interfaces.IRuleRef) -> events.RuleTargetInputProperties:
        return events.RuleTargetInputProperties(input_template=self.template, input_paths_map=self.paths)
