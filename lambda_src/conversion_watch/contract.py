"""Every constant the infrastructure (``conversion_watch_cdk``) and the runtime
share, in one dependency-free module that both import -- as aws-cdk-lib's
provider framework keeps ``runtime/consts.ts`` beside ``provider.ts``.

Task kinds (types, id patterns, APIs, IAM actions, CloudTrail calls) are the
other shared table: ``conversion_watch.kinds``, one module per kind.
"""

from __future__ import annotations

from typing import Final

# -- The event contract (public API) ---------------------------------------------------------
DEFAULT_EVENT_SOURCE = "conversion-watch"
RESERVED_SOURCE_PREFIX = "aws."
STATE_CHANGE = "Conversion Task State Change"
WATCH_ERROR = "Conversion Task Watch Error"

# Normalized states: what subscribers filter on (``detail.state``).
IN_PROGRESS = "IN_PROGRESS"
CANCELLING = "CANCELLING"
COMPLETED = "COMPLETED"
CANCELLED = "CANCELLED"
FAILED = "FAILED"
STATES = (IN_PROGRESS, CANCELLING, COMPLETED, CANCELLED, FAILED)
ACTIVE_STATES = (IN_PROGRESS, CANCELLING)
TERMINAL_STATES = (COMPLETED, CANCELLED, FAILED)

# ``detail.outcomeReason`` of a terminal event: why the task ended.
OUTCOME_REASONS = ("completed", "user-cancelled", "expired", "error", "unknown")
# ``eventId`` of an event that belongs to no watch: ``<executionName>#rejected``.
REJECTED_MARKER = "rejected"

# -- Environment variables the stack sets and the functions read ----------------------------
ENV_MIN_POLL_SECONDS = "MIN_POLL_SECONDS"
ENV_MAX_POLL_SECONDS = "MAX_POLL_SECONDS"
ENV_DEFAULT_MAX_WATCH_SECONDS = "DEFAULT_MAX_WATCH_SECONDS"
ENV_POLLS_PER_EXECUTION = "POLLS_PER_EXECUTION"
ENV_NOT_FOUND_GRACE_SECONDS = "NOT_FOUND_GRACE_SECONDS"
ENV_SNAPSHOT_MAX_AGE_SECONDS = "SNAPSHOT_MAX_AGE_SECONDS"
ENV_STATE_MACHINE_ARN = "STATE_MACHINE_ARN"
ENV_POWERTOOLS_SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
ENV_POWERTOOLS_METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"

# -- Defaults (the construct's documented defaults and the functions' fallbacks) ---------------
DEFAULT_MIN_POLL_SECONDS = 30
DEFAULT_MAX_POLL_SECONDS = 300
DEFAULT_MAX_WATCH_DAYS = 30
DEFAULT_POLLS_PER_EXECUTION = 500
DEFAULT_NOT_FOUND_GRACE_SECONDS = 300
# The shared task snapshot (conversion_watch.task_snapshots): a poll reads a snapshot at most this
# old, so a change is seen at most this much later than per-task polling would; 0 = per-task polling.
DEFAULT_SNAPSHOT_MAX_AGE_SECONDS = 30
MAX_SNAPSHOT_MAX_AGE_SECONDS = 900
SNAPSHOT_PARTS = 16  # parts per kind (task id hashed to a part): each stays far below 400 KB
SNAPSHOT_LEASE_SECONDS = 20  # how long a refresher holds a kind's lease (at most half the maximum age)
SNAPSHOT_PACE_SECONDS = 12  # the longest a refresh waits out throttled pages (at most 3/4 of the lease)
DEFAULT_SWEEP_MINUTES = 15
DEFAULT_ARCHIVE_RETENTION_DAYS = 30
MAX_WATCH_DAYS = 365  # Standard workflows' own ceiling
ONE_YEAR_SECONDS = MAX_WATCH_DAYS * 24 * 3600

# -- Observability -------------------------------------------------------------------------
SERVICE_NAME = "conversion-watch"
METRIC_NAMESPACE = "ConversionWatch"
TASK_TYPE_DIMENSION = "TaskType"

# -- The Lambda runtime: what is tested is what is deployed ------------------------------------
# The Powertools layer is resolved from the SSM parameter of exactly this version (the
# Powertools project publishes one per version); requirements-dev.txt installs the same
# version for the tests (a test checks they agree). Move the three together.
PYTHON_RUNTIME = "python3.13"
POWERTOOLS_VERSION = "3.37.0"
POWERTOOLS_LAYER_PARAMETER = "/aws/service/powertools/python/{arch}/" + PYTHON_RUNTIME + "/" + POWERTOOLS_VERSION

# -- Step names (the Step Functions console shows them; the CLI and tests read them) -----------
STEP_VALIDATE = "Validate Watch Request"
STEP_IS_VALID = "Is Request Valid?"
STEP_POLL = "Poll Conversion Task"
STEP_CHECK_POLL = "Check Poll Result"
STEP_WAIT = "Wait Before Next Poll"
STEP_PUBLISH_CHANGE = "Publish State Change"
STEP_PUBLISH_ERROR = "Publish Watch Error"
STEP_IS_FINISHED = "Is Task Finished?"
STEP_HAND_OVER = "Hand Over To New Execution"
STEP_IS_OUR_SUCCESSOR = "Is It Our Successor?"
STEP_HANDED_OVER = "Handed Over"
STEP_TASK_COMPLETED = "Task Completed"
STEP_TASK_CANCELLED = "Task Cancelled"
STEP_TASK_FAILED = "Task Failed"
STEP_WATCH_FAILED = "Watch Failed"
STEP_IS_WATCH_REGISTERED = "Is Watch Registered?"
STEP_RECALL_REQUEST = "Recall The Request"
STEP_NAMES_A_TASK = "Does The Request Name A Task?"
STEP_RECORD_VALIDATION_FAILURE = "Record Validation Failure"
STEP_RECORD_UNNAMED_VALIDATION_FAILURE = "Record Validation Failure Of Unnamed Task"
STEP_RECORD_POLL_FAILURE = "Record Poll Failure"
STEP_RECORD_HAND_OVER_FAILURE = "Record Hand Over Failure"
STEP_RECORD_HAND_OVER_BLOCKED = "Record Hand Over Blocked"
STEP_EVENT_DELIVERY_FAILED = "Event Delivery Failed"
STEP_WATCH_SUPERSEDED = "Watch Superseded"
STEP_UNEXPECTED_POLL_RESULT = "Unexpected Poll Result"
STEP_NOT_THE_WATCH_HOLDER = "Not The Watch Holder"
STEP_TAKE_NEXT_NAME = "Take The Next Name"
STEP_WATCH_ALREADY_ENDED = "Watch Already Ended"
STEP_IS_TASK_OVER = "Is The Task Over?"
STEP_DOES_WATCH_GO_ON = "Does The Watch Go On?"
STEP_IS_FINAL_ERROR = "Is It A Final Error?"
STEP_REGISTRY_UNAVAILABLE = "Registry Unavailable"
STEP_DELIVERY_NOT_RECORDED = "Delivery Not Recorded"
STEP_REJECTION_NOT_DELIVERED = "Rejection Not Delivered"
# A hand-over whose successor name another execution holds moves on to the next free name of its line,
# looking this many names ahead per try (each a DescribeExecution); past them the hand-over is blocked.
SUCCESSOR_NAMES_TRIED = 10

# -- The status document the Lambda steps return and the Choice states branch on ---------------
# (``conversion_watch.status.Status``: one model, one constructor per outcome.)
OUTCOME_VALID: Final = "VALID"  # the request is valid and the watch is claimed: poll
OUTCOME_OBSERVED: Final = "OBSERVED"  # the task was observed (``state``, ``changed``, ``handOver`` ...)
OUTCOME_PENDING: Final = "PENDING"  # nothing to decide yet (the task is not visible yet): wait and look again
OUTCOME_ERROR: Final = "ERROR"  # the watch cannot go on: publish the watch error in ``detail``
OUTCOME_CLOSED: Final = "CLOSED"  # a resume found the watch's end delivered (and recorded it): stop
# a valid request whose execution does not hold the task's watch: it ends, publishing nothing for the task
OUTCOME_REFUSED: Final = "REFUSED"
STATUS_OUTCOMES = (OUTCOME_VALID, OUTCOME_OBSERVED, OUTCOME_PENDING, OUTCOME_ERROR, OUTCOME_CLOSED, OUTCOME_REFUSED)
# JSONPaths of the state document (``{"watch": ..., "status": ...}``) the definition reads.
WATCH_PATH = "$.watch"
STATUS_PATH = "$.status"
STATUS_OUTCOME = "$.status.outcome"
STATUS_STATE = "$.status.state"
STATUS_CHANGED = "$.status.changed"
STATUS_TERMINAL = "$.status.terminal"
STATUS_RESUMED = "$.status.resumed"  # a resume's redelivered event: the watch goes on after it
STATUS_HAND_OVER = "$.status.handOver"
STATUS_WAIT_SECONDS = "$.status.waitSeconds"
STATUS_DETAIL = "$.status.detail"
STATUS_ERROR_CODE = "$.status.errorCode"
STATUS_MESSAGE = "$.status.message"
STATUS_SUMMARY = "$.status.summary"
STATUS_NEXT_EXECUTION_NAME = "$.status.nextExecutionName"
STATUS_CONTINUATION = "$.status.continuation"

# -- Error names Step Functions sees (the Lambda steps raise classes of these names) -----------
ERROR_THROTTLED = "Throttled"
ERROR_SERVICE_UNAVAILABLE = "ServiceUnavailable"
RETRYABLE_ERROR_NAMES = (ERROR_THROTTLED, ERROR_SERVICE_UNAVAILABLE)
# Errors the state machine itself ends or reports with (``errorCode`` / the execution's error).
ERROR_RETRIES_EXHAUSTED = "RetriesExhausted"
ERROR_HAND_OVER_FAILED = "HandOverFailed"
ERROR_EVENT_DELIVERY_FAILED = "EventDeliveryFailed"
ERROR_UNEXPECTED_POLL_RESULT = "UnexpectedPollResult"
# The execution's error when its request is valid but it does not hold the task's watch (REFUSED).
NOT_THE_WATCH_HOLDER = "NotTheWatchHolder"

# -- Metrics (Powertools EMF, namespace METRIC_NAMESPACE) the handlers publish -----------------
METRIC_WATCHES_STARTED = "WatchesStarted"
METRIC_REJECTED_REQUESTS = "RejectedRequests"
METRIC_POLLS = "Polls"
METRIC_STATE_CHANGES = "StateChanges"
METRIC_WATCH_ERRORS = "WatchErrors"
METRIC_TASK_FAILURES = "TaskFailures"  # the task failed, not the watcher
METRIC_WATCHER_FAULTS = "WatcherFaults"  # from the state machine's log (a metric filter)
METRIC_RUNNING_TASKS = "RunningTasks"
METRIC_WATCH_START_REQUESTS = "WatchStartRequests"
METRIC_SWEEP_FAILURES = "SweepFailures"
METRIC_SNAPSHOT_PARTS_IGNORED = "SnapshotPartsIgnored"  # undecodable, future-dated or too old: described instead
METRIC_WATCHES_RESUMED = "WatchesResumed"  # open watches whose holder had ended, resumed by a reconcile
METRIC_REJECTED_API_CALL_EVENTS = "RejectedApiCallEvents"
METRIC_ALREADY_WATCHED = "AlreadyWatched"
METRIC_CANCEL_CALLS_SEEN = "CancelCallsSeen"
TRIGGER_DIMENSION = "Trigger"

# -- The watch table: one small DynamoDB table, several item families -----------------------
# (conversion_watch.watch_table documents them; the construct creates the table.)
ENV_WATCH_TABLE_NAME = "WATCH_TABLE_NAME"
TABLE_PARTITION_KEY = "pk"
TABLE_SORT_KEY = "sk"
TABLE_TTL_ATTRIBUTE = "expiresAt"  # epoch seconds; DynamoDB deletes the item some time after

# -- The watch registry (``TASK#<taskId>`` / ``WATCH``): who watches a task, and how far ------
# Written by the validate step (the claim, conditional) and by the state machine's own
# DynamoDB steps (``Record ...``, each conditional on the caller still being the holder).
REGISTRY_ITEM = "WATCH"
REG_HOLDER = "executionArn"  # the execution that watches the task now
REG_SEQUENCE = "sequence"  # the last sequence delivered to the bus
REG_WATCH = "watch"  # JSON of the watch right after that delivery
REG_PENDING = "pending"  # JSON detail of a change about to be published, not yet confirmed
REG_PENDING_WATCH = "pendingWatch"  # JSON of the watch right after that change
REG_ERROR_CODE = "errorCode"  # errorCode of the last watch error delivered
# A hand-over: the successor's execution name and when it was recorded (``$$.State.EnteredTime``),
# written by the holder before it starts the successor; only that execution may claim the watch.
REG_SUCCESSOR = "successor"
REG_SUCCESSOR_AT = "successorRecordedAt"
# Present (``OPEN``) while the watch is open: until its task's terminal event or a final watch error
# is delivered. The sparse index OPEN_INDEX holds exactly the open watches: what the sweeper reconciles.
REG_OPEN = "openWatch"
OPEN_MARK = "OPEN"
OPEN_INDEX = "OpenWatches"
# Watch errors after which the watch is over for good (the task's outcome, or a fact a
# restart would only repeat). Any other end (RetriesExhausted, HandOverFailed,
# HandOverBlocked, EventDeliveryFailed, a crash, a time-out, an abort) is resumed.
FINAL_WATCH_ERRORS = ("TaskNotFound", "WatchTimedOut", "AccessDenied", "UnknownServiceState", "RequestRejected")
TASK_FAILED_ERROR = "ConversionTaskFailed"
HAND_OVER_BLOCKED = "HandOverBlocked"
WATCH_SUPERSEDED = "WatchSuperseded"
STEP_RECORD_PENDING = "Record Pending Change"
STEP_RECORD_DELIVERY = "Record Delivered Change"
STEP_RECORD_ERROR_DELIVERY = "Record Delivered Error"
STEP_CONFIRM_SUCCESSOR = "Confirm Successor"
STEP_RECORD_PENDING_ERROR = "Record Pending Error"
STEP_RECORD_SUCCESSOR = "Record Successor"
STEP_RECORD_END_DELIVERY = "Record Delivered End"
STEP_RECORD_FINAL_ERROR_DELIVERY = "Record Delivered Final Error"
STEP_PUBLISH_REJECTION = "Publish Request Rejection"
# How an execution ends when the registry cannot be written around a publish (no event is
# published without its pending record; a resume finishes the hand-over of what was published).
REGISTRY_ITEM_INVALID = "RegistryItemInvalid"  # a watch error: the item was ignored, the watch goes on
REGISTRY_UNAVAILABLE = "RegistryUnavailable"  # the pending record failed: nothing was published
DELIVERY_NOT_RECORDED = "DeliveryNotRecorded"  # published, but the delivered record failed
# The AWS event of this state machine's own executions that ended without finishing.
SFN_STATUS_CHANGE = "Step Functions Execution Status Change"
RESUMED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
# The publish step rides out an EventBridge outage: backoff with full jitter, capped.
PUBLISH_RETRY_INTERVAL_SECONDS = 2
PUBLISH_RETRY_MAX_DELAY_SECONDS = 300
PUBLISH_RETRY_MAX_ATTEMPTS = 50

# -- Cancel evidence from CloudTrail (conversion_watch.cancel_evidence, issue 20) --------------
# A cancelled EC2 task with no evidence of why waits this long for its cancel call's CloudTrail
# record (the rule's mark, or event history) before its end is published as ``unknown``.
# CloudTrail "typically delivers logs within an average of about 5 minutes of an API call. This
# time is not guaranteed" (user guide); older pages said 15 minutes: three times the average.
ENV_CANCEL_EVIDENCE_GRACE_SECONDS = "CANCEL_EVIDENCE_GRACE_SECONDS"
DEFAULT_CANCEL_EVIDENCE_GRACE_SECONDS = 900
MAX_CANCEL_EVIDENCE_GRACE_SECONDS = 3600
CANCEL_EVIDENCE_POLL_SECONDS = 60  # how often the poll looks again during the grace
# Whether the poll step looks the cancel call up in CloudTrail's event history (LookupEvents:
# 90 days of management events, in every account, with or without a trail).
ENV_CANCEL_LOOKUP = "CANCEL_LOOKUP"
DEFAULT_CANCEL_LOOKUP = True

# -- Conversions as CloudFormation resources (conversion_watch.resources, conversion_watch_cdk.resources) --
# The custom resource types the provider function serves, and the follow step that starts the watch
# once the signaller's rule exists (so no terminal event can pass before anyone listens).
RESOURCE_IMPORTED_IMAGE = "Custom::ImportedImage"
RESOURCE_IMPORTED_SNAPSHOT = "Custom::ImportedSnapshot"
RESOURCE_LICENSE_CONVERSION = "Custom::LicenseTypeConversion"
RESOURCE_FOLLOW = "Custom::ConversionTaskFollow"
# After the wait condition: returns the task's attributes (from the wait condition's Data) for Fn::GetAtt.
RESOURCE_RESULT = "Custom::ConversionTaskResult"
# CloudFormation: a custom resource answers within ServiceTimeout, 1 to 3600 seconds (default 3600);
# a wait condition's Timeout is at most 43200 seconds (12 hours).
CUSTOM_RESOURCE_MAX_SECONDS = 3600
WAIT_CONDITION_MAX_SECONDS = 43200
DEFAULT_RESOURCE_TIMEOUT_SECONDS = WAIT_CONDITION_MAX_SECONDS
# The provider and signaller functions' handlers (localrun routes the same names).
PROVIDER_HANDLER = "conversion_watch.handlers.resource_provider.handler"
SIGNALLER_HANDLER = "conversion_watch.handlers.signal_wait_condition.handler"
# A success signal's Data: the resource's attributes in a fixed order joined by ";" (ids never hold ';');
# the result resource splits it (conversion_watch.resources.attributes).
SIGNAL_FIELD_SEPARATOR = ";"
SIGNAL_LIST_SEPARATOR = ","
# The deadline: a one-time EventBridge Scheduler schedule the follow step creates fires the signaller a little
# before the wait condition's own timeout, so a task still running fails the deployment with its id and state.
ENV_SIGNALLER_ARN = "SIGNALLER_ARN"
ENV_SCHEDULER_ROLE_ARN = "SCHEDULER_ROLE_ARN"
DEADLINE_SCHEDULE_PREFIX = "deadline-"
DEADLINE_MAX_MARGIN_SECONDS = 300

