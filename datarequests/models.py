from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from datarequests import reasons
from privacy_office.uploads import sealed_storage, validate_document


class Kind(models.TextChoices):
    ACCESS = "access", _("Access (a copy of my data)")
    CORRECTION = "correction", _("Correction")
    GUARDIAN_DELETION = "guardian_deletion", _("Deletion of a minor's data by a guardian")
    ERASURE = "erasure", _("Erasure of my data")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    # Staff are checking who asks (an enclosed ID, the account): the clock runs.
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting proof of identity")
    # Something was asked of the requester (ID, a clarification): where the law says so, the
    # clock stops (or, in the UK, restarts on the day the answer arrives).
    AWAITING_REQUESTER = "awaiting_requester", _("Waiting for the requester's answer")
    ASSESSING_FEE = "assessing_fee", _("Assessing the fee")
    # Singapore (PDPR reg 7): a fee only after a written estimate the applicant accepts.
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Waiting for the fee estimate to be accepted")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    # A reply by post (a letter from a person with no account): ready to print, not yet
    # posted. The clock runs until staff record the dispatch.
    AWAITING_DISPATCH = "awaiting_dispatch", _("Reply ready to post")
    FULFILLED = "fulfilled", _("Fulfilled")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


OPEN_STATUSES = [
    Status.RECEIVED,
    Status.AWAITING_IDENTITY,
    Status.AWAITING_REQUESTER,
    Status.ASSESSING_FEE,
    Status.AWAITING_ACCEPTANCE,
    Status.AWAITING_PAYMENT,
    Status.IN_PROGRESS,
    Status.AWAITING_REVIEW,
    Status.AWAITING_DISPATCH,
]


class Channel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service page")
    API = "api", _("API")
    LETTER = "letter", _("Letter")
    # A person with no account, identified by a one-time code sent to their email address.
    PUBLIC_FORM = "public_form", _("Public form (no account)")


class DeadlineUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("calendar months")


class Asked(models.TextChoices):
    """What the organisation asked the requester for."""

    IDENTITY = "identity", _("proof of identity")
    CLARIFICATION = "clarification", _("a clarification of the request")


class Notice(models.TextChoices):
    """A notice the law asks for on the way to the reply."""

    EXTENSION = "extension", _("extension of the deadline, with reasons")
    RECEIPT = "receipt", _("confirmation of receipt")
    DELAY = "delay", _("notice that the deadline cannot be met, with reasons")
    REPLY_DATE = "reply_date", _("notice of when the reply will come")


# Where the law itself bans a fee for a correction: no setting may switch the ban off.
LAW_BANS_CORRECTION_FEE = {"HK": "PDPO s.28(1)"}
CORRECTION_FEE_BAN_REQUIRED = _(
    "The law of %(code)s bans a fee for a correction (%(law)s): the ban cannot be switched off."
)


class FeeRule(models.TextChoices):
    FREE = "free", _("Free; a fee only for a manifestly unfounded or excessive request")
    REASONABLE = "reasonable", _("A reasonable fee may be charged")


class Jurisdiction(models.Model):
    """The rules of one law for requests: the clock, extensions, fees and refusal grounds."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    law = models.CharField(_("law"), max_length=200)
    deadline_amount = models.PositiveSmallIntegerField(_("deadline"))
    deadline_unit = models.CharField(_("counted in"), max_length=20, choices=DeadlineUnit.choices)
    next_working_day_rule = models.BooleanField(
        _("a deadline on a weekend or holiday moves to the next working day"), default=False
    )
    extension_amount = models.PositiveSmallIntegerField(_("extension"), null=True, blank=True)
    extension_unit = models.CharField(
        _("extension counted in"), max_length=20, choices=DeadlineUnit.choices, blank=True
    )
    extension_notice = models.TextField(_("what an extension needs"), blank=True)
    holiday_end_rule = models.BooleanField(
        _("a period ending on a general holiday or a Sunday runs to the next day"),
        default=False,
        help_text=_("Hong Kong: Interpretation and General Clauses Ordinance, Cap. 1 s.71."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_(
            "The day of receipt and every due day are counted in it. Empty: the time zone of the "
            "controller's member state (the EU)."
        ),
    )
    holiday_country = models.CharField(
        _("public holidays of (country code)"),
        max_length=2,
        blank=True,
        help_text=_("Empty: the controller's member state (the EU)."),
    )
    holiday_subdivision = models.CharField(
        _("public holidays of (region code)"), max_length=8, blank=True
    )
    clock_pauses_for_identity = models.BooleanField(
        _("clock stops while proof of identity asked of the requester is awaited"), default=False
    )
    clock_pauses_for_clarification = models.BooleanField(
        _("clock stops while a clarification asked of the requester is awaited"), default=False
    )
    clock_pauses_for_fee = models.BooleanField(
        _("clock stops while a fee is unpaid"), default=False
    )
    clock_restarts_on_answer = models.BooleanField(
        _("clock restarts when the ID, fee or clarification asked of the requester arrives"),
        default=False,
    )
    receipt_notice_working_days = models.PositiveSmallIntegerField(
        _("confirm receipt within (working days)"), null=True, blank=True
    )
    delay_notice = models.CharField(
        _("notice needed when the deadline cannot be met"),
        max_length=12,
        choices=[(Notice.DELAY, Notice.DELAY.label), (Notice.REPLY_DATE, Notice.REPLY_DATE.label)],
        blank=True,
    )
    delay_notice_days_before = models.PositiveSmallIntegerField(
        _("that notice is due this many days before the deadline"), default=0
    )
    access_fee = models.CharField(_("access fee"), max_length=12, choices=FeeRule.choices)
    correction_fee_banned = models.BooleanField(_("correction fee banned"), default=True)
    fee_cap = models.DecimalField(
        _("fee cap"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3)
    quote_valid_days = models.PositiveSmallIntegerField(
        _("an unpaid quote lapses after (days)"), default=30
    )
    refusal_grounds = models.JSONField(_("refusal grounds"), default=list)
    source = models.TextField(_("sources"), blank=True)
    fee_needs_accepted_estimate = models.BooleanField(
        _("a fee only after a written estimate the applicant accepts"),
        default=False,
        help_text=_("Singapore: PDPR 2021 reg 7. The clock waits for acceptance, not payment."),
    )
    quote_lapses = models.BooleanField(
        _("an unanswered quote or estimate lapses"),
        default=True,
        help_text=_("Off where the law sets no lapse (Singapore's estimates)."),
    )
    fee_lowest_form_rule = models.BooleanField(
        _("the fee is no more than the lowest among the forms offered"),
        default=False,
        help_text=_("Hong Kong: PDPO s.28(4)."),
    )
    # Raised by every change made through the admin; a request keeps the rules (and this
    # number) it was received under.
    rules_version = models.PositiveIntegerField(_("version of the rules"), default=1)
    # The staff desk (issue 15): when the assignee and the officer are warned.
    warning_days_before = models.PositiveSmallIntegerField(
        _("warn staff this many days before the deadline"), default=5
    )
    erasure_right = models.CharField(
        _("right to erasure"),
        max_length=200,
        blank=True,
        help_text=_(
            "The provision that grants a right to have one's data erased (GDPR Art. 17). Empty: "
            "the law gives no such right, and erasure requests are refused with that reason."
        ),
    )
    # The reply letter names where the requester may complain (GDPR Art. 15(1)(f), 77).
    complaint_authority = models.CharField(
        _("supervisory authority"),
        max_length=200,
        blank=True,
        help_text=_("Where a requester may complain; the reply letter names it."),
    )
    complaint_authority_address = models.TextField(
        _("supervisory authority's postal address"), blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return f"{self.code} ({self.law_text})"

    @property
    def name_text(self) -> str:
        """The name in the active language; as typed where the admin changed it."""
        return self._seeded_text("name", self.name)

    @property
    def law_text(self) -> str:
        """The law's name in the active language; as typed where the admin changed it."""
        return self._seeded_text("law", self.law)

    def _seeded_text(self, field: str, stored: str) -> str:
        return reasons.jurisdiction_text(self.code, field, stored)

    def clean(self) -> None:
        law = LAW_BANS_CORRECTION_FEE.get(self.code)
        if law and not self.correction_fee_banned:
            raise ValidationError(
                {
                    "correction_fee_banned": CORRECTION_FEE_BAN_REQUIRED
                    % {"code": self.code, "law": law}
                }
            )


class CalendarOverride(models.Model):
    """Staff's correction of a jurisdiction's public holiday calendar: a day added or removed."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="calendar_overrides"
    )
    date = models.DateField(_("date"))
    day_off = models.BooleanField(
        _("a holiday"),
        default=True,
        help_text=_("Ticked: a holiday the calendar lacks. Unticked: a working day after all."),
    )
    description = models.CharField(_("why"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar override")
        verbose_name_plural = _("holiday calendar overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "date"], name="datarequests_calendar_override_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.date}: {self.description}"


class FeeSchedule(models.Model):
    """What a request of one kind costs in one jurisdiction, before the law's cap."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    base_amount = models.DecimalField(_("base amount"), max_digits=10, decimal_places=2, default=0)
    per_thousand_records = models.DecimalField(
        _("per 1,000 records copied"), max_digits=10, decimal_places=2, default=0
    )
    postage = models.DecimalField(
        _("postage for a letter"), max_digits=10, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "kind"], name="datarequests_fee_once")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.get_kind_display()}"

    def clean(self) -> None:
        charged = any((self.base_amount, self.per_thousand_records, self.postage))
        jurisdiction = self.jurisdiction if self.jurisdiction_id else None
        if (
            jurisdiction is not None
            and self.kind == Kind.CORRECTION
            and jurisdiction.correction_fee_banned
            and charged
        ):
            raise ValidationError(
                _("The law of %(code)s bans a fee for corrections.") % {"code": jurisdiction.code}
            )


class DataRequest(models.Model):
    """A request to access, correct or delete personal data, and where it stands."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_requests",
    )
    minor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minor whose data is to be deleted"),
    )
    minor_named = models.CharField(
        _("minor as the guardian named them"),
        max_length=254,
        blank=True,
        help_text=_(
            "Kept as given: an unknown name is not refused at the door, which would "
            "tell the asker whether an account exists. Staff link the account."
        ),
    )
    guardianship_document = models.FileField(
        _("proof of guardianship"),
        upload_to="guardianship/",
        storage=sealed_storage,
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    requester_email = models.EmailField(_("requester's email"), blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=32, blank=True)
    postal_address = models.TextField(_("postal address for the written reply"), blank=True)
    language = models.CharField(_("reply language"), max_length=10, choices=settings.LANGUAGES)
    details = models.TextField(_("details"), blank=True)
    letter_scan = models.FileField(
        _("scan of the letter"),
        upload_to="letters/",
        storage=sealed_storage,
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    received_at = models.DateTimeField(_("received at"))
    identity_method = models.CharField(_("identity checked by"), max_length=200, blank=True)
    manifestly_excessive_reason = models.TextField(
        _("why it is manifestly unfounded or excessive"), blank=True
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    # The earliest notice the law asks for that is still to be sent (datarequests.clock).
    notice_due_at = models.DateTimeField(_("next notice due at"), null=True, blank=True)
    # Set while a worker builds the access export (outside the row lock); a claim older
    # than the task's time limit is a dead worker's and may be taken over.
    export_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Flagged at intake, never merged: the same person's open request of the same kind.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("possible duplicate of"),
    )
    # The jurisdiction's rules as they stood at intake (datarequests.rules): the clock and the
    # fee of this request follow them, whatever staff change later.
    rules = models.JSONField(_("rules received under"), default=dict, blank=True, editable=False)
    rules_version = models.PositiveIntegerField(
        _("version of the rules received under"), null=True, blank=True, editable=False
    )
    # The staff desk (issue 15): who handles the request. Changed only through
    # services.data_request_assign, which writes an internal event and the audit trail.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    erasure_categories = models.JSONField(
        _("categories to erase"),
        default=list,
        blank=True,
        help_text=_("An erasure of some categories only; empty: all of the person's data."),
    )
    # CCPA regs §7063: a request made for the person by an authorized agent, with the
    # person's signed permission; the person's identity is verified with them directly.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authorized agent"),
    )
    agent_permission = models.FileField(
        _("the person's signed permission for the agent"),
        upload_to="agent-permissions/",
        storage=sealed_storage,
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        permissions = [
            ("refuse_datarequest", _("Can refuse a data request")),
            # Four eyes: given to privacy officers only, never with entering or verifying.
            ("approve_erasure", _("Can approve the erasure of a minor's data")),
            ("view_scans_datarequest", _("Can read letter scans and guardianship proofs")),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="datarequests_queue")]

    def __str__(self) -> str:
        return _("Request %(id)s (%(kind)s, %(status)s)") % {
            "id": self.pk,
            "kind": self.get_kind_display(),
            "status": self.get_status_display(),
        }


class RequestEvent(models.Model):
    """One step in a request's life: what happened, who did it, when and why (append-only)."""

    class Type(models.TextChoices):
        STATUS = "status", _("status changed")
        EXTENDED = "extended", _("deadline extended")
        NOTICE = "notice", _("notice sent")
        NOTE = "note", _("note")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.STATUS)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    asked = models.CharField(
        _("asked of the requester"), max_length=16, choices=Asked.choices, blank=True
    )
    notice = models.CharField(_("notice"), max_length=12, choices=Notice.choices, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What a person typed, as typed; the product's own reasons are a code with parameters
    # (datarequests.reasons), put into the reader's words when shown.
    reason = models.TextField(_("reason"), blank=True)
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def reason_text(self) -> str:
        """The reason in the active language (typed words as typed)."""
        return reasons.reason_text(
            code=self.reason_code, params=self.reason_params, typed=self.reason
        )


class CorrectionItem(models.Model):
    """One correction asked for: a declared correctable field, its old and new value."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("field"), max_length=120, help_text="app.Model.field")
    object_id = models.CharField(_("row"), max_length=40)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.field


class FeeQuote(models.Model):
    """The fee assessed for a request, with its lines; one per request."""

    class Status(models.TextChoices):
        QUOTED = "quoted", _("Quoted")
        PAID = "paid", _("Paid")
        ACCEPTED = "accepted", _("Estimate accepted")
        DECLINED = "declined", _("Estimate declined")
        WAIVED = "waived", _("Waived")
        LAPSED = "lapsed", _("Lapsed")
        CANCELLED = "cancelled", _("Cancelled")
        NONE = "none", _("No fee")

    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="fee_quote")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    lines = models.JSONField(_("lines"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    quoted_at = models.DateTimeField(_("quoted at"))
    settled_at = models.DateTimeField(_("paid or waived at"), null=True, blank=True)
    settlement_note = models.TextField(_("payment reference or waiver reason"), blank=True)
    is_estimate = models.BooleanField(_("a written estimate to accept"), default=False)
    answered_at = models.DateTimeField(_("estimate accepted or declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee quote")
        verbose_name_plural = _("fee quotes")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"

    @property
    def shown_lines(self) -> list[dict]:
        """The lines as the reader reads them: each label in the active language."""
        return [
            {"label": reasons.fee_line_label(line), "amount": line["amount"]} for line in self.lines
        ]


class Export(models.Model):
    """The encrypted access export of a request, downloadable by its owner until it expires."""

    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="export")
    path = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    row_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("made at"))
    expires_at = models.DateTimeField(_("link valid until"))
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return _("Export of request %(id)s") % {"id": self.request_id}


class ErasureTombstone(models.Model):
    """Proof that a person's data was erased (policy F): when, by whom, what — not the data."""

    request = models.OneToOneField(DataRequest, on_delete=models.PROTECT, related_name="tombstone")
    subject_id = models.BigIntegerField(_("erased account"), db_index=True)
    erased_at = models.DateTimeField(_("erased at"))
    categories = models.JSONField(_("categories"))
    counts = models.JSONField(_("rows per table"))

    class Meta:
        verbose_name = _("erasure tombstone")
        verbose_name_plural = _("erasure tombstones")

    def __str__(self) -> str:
        return _("Erasure of account %(id)s") % {"id": self.subject_id}


class DispatchMethod(models.TextChoices):
    POST = "post", _("Ordinary post")
    REGISTERED = "registered", _("Registered post")
    COURIER = "courier", _("Courier")
    BY_HAND = "by_hand", _("Handed over in person")


class Dispatch(models.Model):
    """How and when the written reply to a postal request was sent: the step that ends it."""

    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="dispatch")
    dispatched_on = models.DateField(_("posted on"))
    method = models.CharField(_("sent by"), max_length=12, choices=DispatchMethod.choices)
    tracking = models.CharField(_("tracking number"), max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("dispatch of a written reply")
        verbose_name_plural = _("dispatches of written replies")

    def __str__(self) -> str:
        return f"{self.dispatched_on} {self.get_method_display()}"


class EmailCodeChallenge(models.Model):
    """A request from a person with no account, held until they type the one-time code
    mailed to the address, or texted to the phone number (E.164), they gave (only its hash
    is kept); then it is submitted. Exactly one of the two is given."""

    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    details = models.TextField(_("details"), blank=True)
    language = models.CharField(_("reply language"), max_length=10, choices=settings.LANGUAGES)
    code_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("asked at"))
    expires_at = models.DateTimeField(_("code valid until"))
    attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)
    request = models.OneToOneField(
        DataRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("one-time code challenge")
        verbose_name_plural = _("one-time code challenges")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(email="") & ~models.Q(phone=""))
                | (~models.Q(email="") & models.Q(phone="")),
                name="datarequests_code_to_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return _("Code challenge %(id)s") % {"id": self.pk}


class PaymentDetails(models.Model):
    """Where a jurisdiction's fees are paid: shown on every quote (page, email, letter)."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, on_delete=models.CASCADE, related_name="payment_details"
    )
    payee = models.CharField(_("payee"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=200)
    account_number = models.CharField(_("account number"), max_length=64)
    bank_code = models.CharField(_("bank code (SWIFT/BIC)"), max_length=20, blank=True)
    reference_prefix = models.CharField(
        _("payment reference prefix"),
        max_length=20,
        default="PO-",
        help_text=_("The reference a payer quotes is this prefix and the request's number."),
    )
    instructions = models.TextField(_("other instructions"), blank=True)

    class Meta:
        verbose_name = _("payment details")
        verbose_name_plural = _("payment details")

    def __str__(self) -> str:
        return f"{self.jurisdiction.code}: {self.payee}"

    def reference_for(self, request: DataRequest) -> str:
        return f"{self.reference_prefix}{request.pk}"


class FeePayment(models.Model):
    """A payment of a quoted fee, as staff recorded it from the bank statement."""

    quote = models.OneToOneField(FeeQuote, on_delete=models.CASCADE, related_name="payment")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("payment reference"), max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.reference})"


class InternalNote(models.Model):
    """Staff's own record on a request (a note, a reassignment, an escalation).

    Never shown to the requester: not on their page, in the API or in their export. Kept
    apart from ``RequestEvent``, which is the requester's timeline."""

    class Type(models.TextChoices):
        NOTE = "note", _("internal note")
        ASSIGNED = "assigned", _("assignment")
        ESCALATED = "escalated", _("escalation")
        REMINDED = "reminded", _("reminder")

    request = models.ForeignKey(
        DataRequest, on_delete=models.CASCADE, related_name="internal_notes"
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.NOTE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("text"))
    at = models.DateTimeField(_("at"))
    # The day (in the request's jurisdiction) an escalation is for: one a day at most.
    day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "type", "day"],
                condition=models.Q(day__isnull=False),
                name="datarequests_internal_note_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_type_display()}"


class Correspondence(models.TextChoices):
    """The messages the product sends a requester, each from a template."""

    ASKED = "asked", _("request for ID or clarification")
    FEE_QUOTED = "fee_quoted", _("fee quote")
    EXTENDED = "extended", _("extension notice")
    NOTICE = "notice", _("notice the law asks for")
    REFUSED = "refused", _("refusal")
    FULFILLED = "fulfilled", _("reply")
    LAPSED = "lapsed", _("lapsed quote")
    FEE_RECEIPT = "fee_receipt", _("fee receipt")


class MessageChannel(models.TextChoices):
    """How a message reaches the requester: emailed, a letter staff print and post, or a
    text message to a requester known only by a phone number."""

    EMAIL = "email", _("email")
    LETTER = "letter", _("letter")
    SMS = "sms", _("text message")


class CorrespondenceTemplate(models.Model):
    """Staff's wording of one message in one language; without one, the product's own."""

    key = models.CharField(_("message"), max_length=20, choices=Correspondence.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django template syntax. Always available: {{ request.pk }}, "
            "{{ request.jurisdiction.law }}; by message: {{ quote.amount }} and "
            "{{ quote.currency }} (fee quote), {{ reason }} (extension), {{ ground }} and "
            "{{ explanation }} (refusal), {{ text }} (request for ID or clarification, notice)."
        ),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("correspondence template")
        verbose_name_plural = _("correspondence templates")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"], name="datarequests_correspondence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"


class SentMessage(models.Model):
    """A message sent to the requester, as it was sent: its text, address and time."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="messages")
    key = models.CharField(_("message"), max_length=20, choices=Correspondence.choices)
    language = models.CharField(_("language"), max_length=10)
    channel = models.CharField(
        _("sent by"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL
    )
    # The email address, the phone number of a text message, or for a letter the postal
    # address it is posted to.
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # A text message is short: it links to its full text, kept here (without any link).
    full_text = models.TextField(_("full text behind the link"), blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    failed_at = models.DateTimeField(_("delivery failed at"), null=True, blank=True)
    # The step the message tells the requester of: an ask by letter pauses the clock only
    # from the day the letter is posted (services.letters).
    event = models.ForeignKey(
        RequestEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A letter: the last day the law leaves for it to reach the post (an extension before
    # the first deadline ends, a delay notice before the reply is due), if any.
    post_by = models.DateField(_("to post by"), null=True, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_method = models.CharField(
        _("posted by"), max_length=12, choices=DispatchMethod.choices, blank=True
    )
    posted_tracking = models.CharField(_("tracking number"), max_length=64, blank=True)
    posted_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posting recorded by"),
    )
    posted_recorded_at = models.DateTimeField(_("posting recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        indexes = [
            models.Index(
                fields=["sent_at"],
                condition=models.Q(channel="letter", posted_on__isnull=True),
                name="datarequests_letters_to_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"


# Stored reasons name these choices by their value; each reader reads their label.
reasons.PARAMETERS.update(
    channel=reasons.choice_label(Channel),
    method=reasons.choice_label(DispatchMethod),
    what=reasons.choice_label(Asked),
)
