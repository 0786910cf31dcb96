"""The life of a data request: every transition is one function, one transaction.

By topic: ``transitions`` (the table, the row lock, the event), ``intake``, ``identity``,
``fees``, ``fulfilment``, ``closing`` (refuse, withdraw, extend) and ``sweep`` (what the
schedule runs). Every public name is here too: ``services.data_request_submit(...)``.
"""

from datarequests.selectors import request_subject
from datarequests.services.asks import ASK_REQUIRED, requester_answer, requester_ask
from datarequests.services.closing import (
    ALREADY_EXTENDED,
    GROUND_REQUIRED,
    LATE_EXTENSION,
    NO_EXTENSION,
    REASON_REQUIRED,
    data_request_refuse,
    data_request_withdraw,
    deadline_extend,
)
from datarequests.services.fees import (
    fee_assess,
    fee_quote_lines,
    fee_settle,
    quote_cancel,
    quotes_lapse,
    request_volume,
)
from datarequests.services.fulfilment import (
    CLAIM_LEASE,
    EXPORT_BUILD_TASK,
    MINOR_ERASE_TASK,
    SUBJECT_ERASE_TASK,
    access_fulfil,
    correction_approve,
    erasure_fulfil,
    guardian_deletion_fulfil,
    guardian_erasure_approve,
)
from datarequests.services.identity import NO_GUARDIANSHIP_PROOF, NO_SUCH_MINOR, identity_verify
from datarequests.services.intake import (
    CORRECTIONS_ONLY_FOR_CORRECTION,
    FEE_ASSESS_TASK,
    NO_CORRECTIONS,
    NO_ERASURE_RIGHT,
    NO_MINOR,
    UNKNOWN_JURISDICTION,
    Requester,
    data_request_submit,
)
from datarequests.services.notices import (
    NOTICE_ALREADY_SENT,
    NOTICE_NOT_ASKED,
    NOTICE_TEXT_REQUIRED,
    delay_notice_send,
    receipt_confirm_send,
)
from datarequests.services.sweep import (
    DUE_SOON,
    REQUEUE_LIMIT,
    STUCK_AFTER,
    paused_clocks_refresh,
    requests_sweep,
    staff_reminder_send,
)
from datarequests.services.transitions import (
    TRANSITIONS,
    AlreadyMoved,
    Transition,
    actions_available,
    clock_rules,
    request_due_at,
    request_steps,
    transition_allowed,
)

__all__ = [
    "ALREADY_EXTENDED",
    "ASK_REQUIRED",
    "CLAIM_LEASE",
    "CORRECTIONS_ONLY_FOR_CORRECTION",
    "DUE_SOON",
    "EXPORT_BUILD_TASK",
    "FEE_ASSESS_TASK",
    "GROUND_REQUIRED",
    "LATE_EXTENSION",
    "MINOR_ERASE_TASK",
    "NOTICE_ALREADY_SENT",
    "NOTICE_NOT_ASKED",
    "NOTICE_TEXT_REQUIRED",
    "NO_CORRECTIONS",
    "NO_ERASURE_RIGHT",
    "NO_EXTENSION",
    "NO_GUARDIANSHIP_PROOF",
    "NO_MINOR",
    "NO_SUCH_MINOR",
    "REASON_REQUIRED",
    "REQUEUE_LIMIT",
    "STUCK_AFTER",
    "SUBJECT_ERASE_TASK",
    "TRANSITIONS",
    "UNKNOWN_JURISDICTION",
    "AlreadyMoved",
    "Requester",
    "Transition",
    "access_fulfil",
    "actions_available",
    "clock_rules",
    "correction_approve",
    "data_request_refuse",
    "data_request_submit",
    "data_request_withdraw",
    "deadline_extend",
    "delay_notice_send",
    "erasure_fulfil",
    "fee_assess",
    "fee_quote_lines",
    "fee_settle",
    "guardian_deletion_fulfil",
    "guardian_erasure_approve",
    "identity_verify",
    "paused_clocks_refresh",
    "quote_cancel",
    "quotes_lapse",
    "receipt_confirm_send",
    "request_due_at",
    "request_steps",
    "request_subject",
    "request_volume",
    "requester_answer",
    "requester_ask",
    "requests_sweep",
    "staff_reminder_send",
    "transition_allowed",
]
