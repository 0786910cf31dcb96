"""The personal-data registry: every model that holds personal data declares it here, once.

Each app states its declarations in its ``personal_data.py`` (discovered at
start-up). Everything that must see "all the data about one person" — the
data map, access exports, corrections, erasure, retention — reads the
registry instead of naming models; a system check (``privacy_office.checks``)
refuses models whose personal-looking fields are not declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    REGISTRATION = "registration", _("Registration information (A.2)")
    ACCOUNT = "account", _("Account information (A.3)")
    ACTIVITY = "activity", _("Activity information (A.4)")
    EVENT = "event", _("Event information (A.5)")
    BROWSING = "browsing", _("Browsing information (A.6)")


class Erasure(models.TextChoices):
    DELETE = "delete", _("Delete the row")
    REDACT = "redact", _("Redact the field")
    KEEP = "keep", _("Keep for a legal reason")


SELF = "self"


@dataclass(frozen=True)
class Identifiers:
    """A subject known by identifiers rather than an account (e.g. a trade-fair lead, A.5).

    Each value names the model field that holds that identifier; a requester is
    matched on a verified email or phone. ``user`` optionally names the link to
    the account the row was matched to.
    """

    email: str | None = None
    phone: str | None = None
    username: str | None = None
    user: str | None = None

    def fields(self) -> list[str]:
        return [name for name in (self.email, self.phone, self.username) if name]


@dataclass(frozen=True)
class SubjectQuery:
    """Whose rows these are, when no lookup path says it: a function from a user to a filter.

    For example consent records made before sign-in, found through the visitor ids
    that later signed in as the user.
    """

    rows_of: Callable[[object], object]
    description: str


@dataclass(frozen=True)
class PersonalField:
    """How one field is collected, used, corrected, erased and kept."""

    name: str
    purposes: tuple[str, ...]
    category: str | None = None
    personal: bool = True
    mandatory: bool = False
    correctable: bool = False
    erasure: str = Erasure.REDACT
    public: bool = False
    retention_days: int | None = None
    keep_reason: str = ""
    masked: str | None = None


class Mask(models.TextChoices):
    LAST_FOUR = "last4", _("all but the last four digits hidden")
    ALL = "all", _("hidden")


def personal(
    name: str,
    *,
    purposes: Sequence[str],
    category: str | None = None,
    personal: bool = True,
    mandatory: bool = False,
    correctable: bool = False,
    erasure: str = Erasure.REDACT,
    public: bool = False,
    retention_days: int | None = None,
    keep_reason: str = "",
    masked: str | None = None,
) -> PersonalField:
    """Declare one field; ``personal=False`` marks business data (policy A.7).

    ``masked`` (``Mask.LAST_FOUR`` or ``Mask.ALL``) is how the value is shown on
    every page, list, export and API answer; financial fields must say it.
    """
    return PersonalField(
        name=name,
        purposes=tuple(purposes),
        category=category,
        personal=personal,
        mandatory=mandatory,
        correctable=correctable,
        erasure=erasure,
        public=public,
        retention_days=retention_days,
        keep_reason=keep_reason,
        masked=masked,
    )


@dataclass(frozen=True)
class Declaration:
    """All that one model declares: whose data it is, its fields, and what is not personal."""

    model: type[models.Model]
    subject: str | tuple[str, ...] | Identifiers | SubjectQuery | None
    category: str | None
    fields: tuple[PersonalField, ...] = ()
    exempt: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.object_name}"

    def category_of(self, declared: PersonalField) -> str:
        return declared.category or self.category or ""

    def field_names(self) -> set[str]:
        return {declared.name for declared in self.fields}


@dataclass(frozen=True)
class DeclaredField:
    """One row of the data map."""

    app: str
    model: str
    field: str
    category: str
    personal: bool
    purposes: list[str]
    mandatory: bool
    correctable: bool
    erasure: str
    public: bool
    retention_days: int | None

    def as_dict(self) -> dict:
        return {
            "app": self.app,
            "model": self.model,
            "field": self.field,
            "category": self.category,
            "personal": self.personal,
            "purposes": self.purposes,
            "mandatory": self.mandatory,
            "correctable": self.correctable,
            "erasure": self.erasure,
            "public": self.public,
            "retention_days": self.retention_days,
        }


@dataclass(frozen=True)
class ExemptField:
    app: str
    model: str
    field: str
    reason: str


class Registry:
    def __init__(self) -> None:
        self._declarations: dict[type[models.Model], Declaration] = {}

    def declare(
        self,
        model: type[models.Model],
        *,
        subject: str | tuple[str, ...] | Identifiers | SubjectQuery | None,
        category: str | None = None,
        fields: Iterable[PersonalField] = (),
        exempt: Mapping[str, str] | None = None,
    ) -> Declaration:
        """Declare a model's personal data; a model is declared once.

        ``subject`` is ``"self"`` for the user model, a lookup path to the user
        (``"user"``, ``"order__buyer"``) or several (an order belongs to its
        buyer and its seller), ``Identifiers(...)`` for data about
        people without an account, or ``None`` for a model that holds nothing
        about a person (then only ``exempt`` fields). ``exempt`` maps a field that
        looks personal but is not to the reason, shown on the data map.
        """
        if model in self._declarations:
            raise ValueError(
                f"{model._meta.label} is declared twice in the personal-data registry."
            )
        declaration = Declaration(
            model=model,
            subject=subject,
            category=category,
            fields=tuple(fields),
            exempt=dict(exempt or {}),
        )
        self._declarations[model] = declaration
        return declaration

    def declarations(self) -> list[Declaration]:
        """Return the declarations, the user model's first, then by app and model."""
        return sorted(
            self._declarations.values(),
            key=lambda item: (item.subject != SELF, item.label.lower()),
        )

    def for_model(self, model: type[models.Model]) -> Declaration | None:
        return self._declarations.get(model)

    def declared_fields(self) -> list[DeclaredField]:
        """Return every declared field, ordered by app, model and declaration order."""
        rows = []
        for declaration in self.declarations():
            meta = declaration.model._meta
            for declared in declaration.fields:
                rows.append(
                    DeclaredField(
                        app=meta.app_label,
                        model=meta.object_name,
                        field=declared.name,
                        category=declaration.category_of(declared),
                        personal=declared.personal,
                        purposes=list(declared.purposes),
                        mandatory=declared.mandatory,
                        correctable=declared.correctable,
                        erasure=str(declared.erasure),
                        public=declared.public,
                        retention_days=declared.retention_days,
                    )
                )
        return rows

    def exempt_fields(self) -> list[ExemptField]:
        return [
            ExemptField(
                app=declaration.model._meta.app_label,
                model=declaration.model._meta.object_name,
                field=name,
                reason=reason,
            )
            for declaration in self.declarations()
            for name, reason in declaration.exempt.items()
        ]


registry = Registry()
declare = registry.declare
