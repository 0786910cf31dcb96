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
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.lookups import Exact
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy_office.phones import phone_digits


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
class ContactPerson:
    """Someone without an account (a trade-fair lead, A.5), known by an email or a phone whose
    identity staff have verified."""

    email: str = ""
    phone: str = ""


def _phone_digits_of(field: str) -> Func:
    """The number a field holds as ``+`` and digits only (PostgreSQL), as ``phone_digits``."""
    return Func(
        F(field),
        Value(r"[^0-9+]"),
        Value(""),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=models.CharField(),
    )


def _user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def _follow(obj: models.Model, path: str | None) -> Any:
    """Return what a lookup path (``"order__buyer"``) reaches from a row, or None."""
    current: Any = obj
    for step in (path or "").split("__"):
        if current is None or not step:
            return None
        current = getattr(current, step, None)
    return current


def _path_problems(model: type[models.Model], path: str) -> list[str]:
    current: Any = model
    for step in path.split("__"):
        try:
            relation = current._meta.get_field(step)
        except FieldDoesNotExist:
            return [f"subject path {path!r} has no field {step!r} on {current._meta.label}"]
        if not relation.is_relation:
            return [f"subject path {path!r} step {step!r} is not a relation"]
        current = relation.related_model
    if current is not _user_model():
        return [f"subject path {path!r} leads to {current._meta.label}, not to the user model"]
    return []


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class Subject:
    """One kind of subject: how a declared model's rows reach a person.

    ``person`` is a user, or a ``ContactPerson`` for someone without an account; only
    kinds that match on identifiers find a contact's rows.
    """

    def filter(self, person) -> Q | None:
        """Return the filter selecting the person's rows of the model, or None if none can."""
        raise NotImplementedError

    def owner(self, obj: models.Model):
        """Return the user a row belongs to, or None when no account can be named."""
        raise NotImplementedError

    def problems(self, model: type[models.Model]) -> list[str]:
        """Return what is wrong with this subject as a declaration of ``model``."""
        raise NotImplementedError


@dataclass(frozen=True)
class NoSubject(Subject):
    """A model that holds nothing about a person (``subject=None``): only exempt fields."""

    def filter(self, person) -> Q | None:
        return None

    def owner(self, obj: models.Model):
        return None

    def problems(self, model: type[models.Model]) -> list[str]:
        return []


@dataclass(frozen=True)
class UserItself(Subject):
    """The user model's rows are the users themselves (``subject=SELF``)."""

    def filter(self, person) -> Q | None:
        if isinstance(person, ContactPerson):
            return None
        return Q(pk=person.pk)

    def owner(self, obj: models.Model):
        return obj

    def problems(self, model: type[models.Model]) -> list[str]:
        if model is _user_model():
            return []
        return ['subject "self" is only for the user model']


@dataclass(frozen=True)
class UserPaths(Subject):
    """Lookup paths from a row to its users (``"user"``, or ``("buyer", "seller")``: an order
    belongs to both parties); the first path names the row's owner, whose data it is."""

    paths: tuple[str, ...]

    def filter(self, person) -> Q | None:
        if isinstance(person, ContactPerson):
            return None
        condition = Q()
        for path in self.paths:
            condition |= Q(**{path: person})
        return condition

    def owner(self, obj: models.Model):
        return _follow(obj, self.paths[0])

    def problems(self, model: type[models.Model]) -> list[str]:
        return [problem for path in self.paths for problem in _path_problems(model, path)]


@dataclass(frozen=True)
class Identifiers(Subject):
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

    def filter(self, person) -> Q | None:
        if isinstance(person, ContactPerson):
            return self._contact_filter(person)
        condition = Q()
        if self.user:
            condition |= Q(**{self.user: person})
        if self.username:
            condition |= Q(**{self.username: person.get_username()})
        if self.email and person.email and getattr(person, "email_verified_at", None):
            by_email = Q(**{f"{self.email}__iexact": person.email})
            if self.user:
                # A row already tied to an account is that account's, whoever holds the
                # address now.
                by_email &= Q(**{f"{self.user}__isnull": True})
            condition |= by_email
        return condition or None

    def _contact_filter(self, person: ContactPerson) -> Q | None:
        condition = Q()
        if self.email and person.email:
            condition |= Q(**{f"{self.email}__iexact": person.email})
        if self.phone and person.phone:
            # Numbers are kept as typed (+86 571 8888 0000) or as E.164 (+8657188880000).
            condition |= Q(Exact(_phone_digits_of(self.phone), phone_digits(person.phone)))
        if condition and self.user:
            # A row already tied to an account is that account's, whoever holds the address now.
            condition &= Q(**{f"{self.user}__isnull": True})
        return condition or None

    def owner(self, obj: models.Model):
        return _follow(obj, self.user)

    def problems(self, model: type[models.Model]) -> list[str]:
        if not self.fields():
            return ["Identifiers() names no field"]
        problems = [
            f"identifier field {name!r} does not exist"
            for name in self.fields()
            if not _has_field(model, name)
        ]
        if self.user:
            problems += _path_problems(model, self.user)
        return problems


@dataclass(frozen=True)
class SubjectQuery(Subject):
    """Whose rows these are, when no lookup path says it: a function from a user to a filter.

    For example consent records made before sign-in, found through the visitor ids
    that later signed in as the user.
    """

    rows_of: Callable[[Any], Q]
    description: str

    def filter(self, person) -> Q | None:
        if isinstance(person, ContactPerson):
            return None
        return self.rows_of(person)

    def owner(self, obj: models.Model):
        # A function cannot be followed back from a row: the row's own user, where it has one.
        return getattr(obj, "user", None) if hasattr(obj, "user_id") else None

    def problems(self, model: type[models.Model]) -> list[str]:
        return [] if callable(self.rows_of) else ["SubjectQuery.rows_of is not callable"]


DeclaredSubject = str | tuple[str, ...] | Subject | None


def subject_kind(subject: DeclaredSubject) -> Subject:
    """Return the kind of subject a declaration's ``subject=`` names."""
    if subject is None:
        return NoSubject()
    if isinstance(subject, Subject):
        return subject
    if subject == SELF:
        return UserItself()
    if isinstance(subject, str):
        return UserPaths(paths=(subject,))
    if isinstance(subject, tuple) and subject and all(isinstance(p, str) for p in subject):
        return UserPaths(paths=subject)
    raise TypeError(
        f"subject={subject!r}: use SELF, a lookup path to the user, a tuple of them, "
        "Identifiers(...), SubjectQuery(...) or None"
    )


@dataclass(frozen=True)
class Exemption:
    """Why a field stays on some rows when the person asks for erasure (GDPR Art. 17(3),
    CCPA §1798.105(d)): the law's ground and the rows it covers (``rows``: a lookup, for
    example orders still open). A guardian's deletion of a minor's data (policy F) ignores
    it; it governs only the person's own erasure request."""

    reason: str
    rows: Q


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
    exemptions: tuple[Exemption, ...] = ()


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
    exemptions: Sequence[Exemption] = (),
) -> PersonalField:
    """Declare one field; ``personal=False`` marks business data (policy A.7).

    ``masked`` (``Mask.LAST_FOUR`` or ``Mask.ALL``) is how the value is shown on
    every page, list, export and API answer; financial fields must say it.
    ``exemptions`` keep the field on the rows they cover when the person asks for erasure.
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
        exemptions=tuple(exemptions),
    )


@dataclass(frozen=True)
class Declaration:
    """All that one model declares: whose data it is, its fields, and what is not personal."""

    model: type[models.Model]
    subject: DeclaredSubject
    category: str | None
    fields: tuple[PersonalField, ...] = ()
    exempt: Mapping[str, str] = field(default_factory=dict)
    retained_from: str | None = None
    retention_kept: str = ""
    kind: Subject = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # ``subject`` stays as declared; ``kind`` is what every reader asks.
        object.__setattr__(self, "kind", subject_kind(self.subject))

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.object_name}"

    def category_of(self, declared: PersonalField) -> str:
        return declared.category or self.category or ""

    def field_names(self) -> set[str]:
        return {declared.name for declared in self.fields}

    def retention_days(self) -> int | None:
        """Return how long a row is kept (its fields' longest declared retention), or None."""
        days = [d.retention_days for d in self.fields if d.retention_days is not None]
        return max(days) if days else None


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
    # What a person's own erasure request keeps of this field, and the law's ground (shown on
    # the data map page; not in `datamap --format json`, whose keys API.md fixes).
    kept_on_erasure: tuple[str, ...] = ()

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
        subject: DeclaredSubject,
        category: str | None = None,
        fields: Iterable[PersonalField] = (),
        exempt: Mapping[str, str] | None = None,
        retained_from: str | None = None,
        retention_kept: str = "",
    ) -> Declaration:
        """Declare a model's personal data; a model is declared once.

        ``subject`` is ``"self"`` for the user model, a lookup path to the user
        (``"user"``, ``"order__buyer"``) or several (an order belongs to its
        buyer and its seller), ``Identifiers(...)`` for data about
        people without an account, ``SubjectQuery(...)`` when only a function can
        say whose rows they are, or ``None`` for a model that holds nothing
        about a person (then only ``exempt`` fields). ``exempt`` maps a field that
        looks personal but is not to the reason, shown on the data map.

        A model whose fields declare ``retention_days`` names in ``retained_from`` the
        date or time field (or a lookup path to one, ``"request__received_at"``) that a
        row's age is measured from; ``retention_purge`` deletes rows older than that.
        ``retention_kept`` says why its rows are kept past it instead (the purge skips
        them), for example proof the application's database role may not delete.
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
            retained_from=retained_from,
            retention_kept=retention_kept,
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

    def declaration_of(self, model: type[models.Model]) -> Declaration:
        """Return the model's declaration; raise LookupError for a model never declared."""
        declaration = self._declarations.get(model)
        if declaration is None:
            raise LookupError(f"{model._meta.label} declares no personal data")
        return declaration

    def owner_of(self, obj: models.Model):
        """Return the user a row is about, as its model's declaration says, or None."""
        declaration = self.for_model(type(obj))
        return None if declaration is None else declaration.kind.owner(obj)

    def declared_fields(self) -> list[DeclaredField]:
        """Return every declared field, ordered by app, model and declaration order."""
        rows = []
        for declaration in self.declarations():
            meta = declaration.model._meta
            for declared in declaration.fields:
                rows.append(
                    DeclaredField(
                        app=meta.app_label,
                        model=declaration.model.__name__,
                        field=declared.name,
                        category=declaration.category_of(declared),
                        personal=declared.personal,
                        purposes=list(declared.purposes),
                        mandatory=declared.mandatory,
                        correctable=declared.correctable,
                        erasure=str(declared.erasure),
                        public=declared.public,
                        retention_days=declared.retention_days,
                        kept_on_erasure=tuple(gettext(e.reason) for e in declared.exemptions),
                    )
                )
        return rows

    def exempt_fields(self) -> list[ExemptField]:
        return [
            ExemptField(
                app=declaration.model._meta.app_label,
                model=declaration.model.__name__,
                field=name,
                reason=reason,
            )
            for declaration in self.declarations()
            for name, reason in declaration.exempt.items()
        ]


registry = Registry()
declare = registry.declare
