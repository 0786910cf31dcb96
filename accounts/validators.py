"""The rules a registration's values must meet, written once for every door and service.

The pages and the JSON API validate through the forms built on these rules; a correction
(policy D) goes through ``registration_value_validate``. Which registration fields are
mandatory is the registry's ``mandatory`` flag (policy A.8).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.age import is_minor
from accounts.models import REGISTRATION_FIELDS, User
from privacy_office import clock
from privacy_office.registry import registry

EDITABLE_FIELDS = [name for name in REGISTRATION_FIELDS if name != "username"]
MINOR_REFUSED = _(
    "You must be 18 or older to register: this marketplace is not intended for minors "
    "(privacy policy, section F). If you gave only your year of birth and are already 18, "
    "give your full date of birth."
)
EARLIEST_BIRTH_YEAR = 1900
BIRTH_YEAR_RANGE = _("Give a year between %(earliest)s and %(latest)s.")
UNKNOWN_COUNTRY = _("%(code)s is not a country code; use the two-letter ISO code, such as CN.")
BIRTH_IN_FUTURE = _("A date of birth cannot be in the future.")
BIRTH_MISMATCH = _("The year of birth does not match the date of birth.")


def mandatory_registration_fields() -> set[str]:
    declaration = registry.for_model(User)
    return {field.name for field in declaration.fields if field.mandatory}


class RegistrationInformationRules(forms.ModelForm):
    """Fields of registration information with the registry's mandatory flags and the age gate.

    Django's forms are its validation of field values; the pages and the API use these rules
    through ``accounts.forms``, corrections through ``registration_value_validate``."""

    class Meta:
        model = User
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mandatory = mandatory_registration_fields()
        for name in EDITABLE_FIELDS:
            field = self.fields[name]
            field.required = name in mandatory and not isinstance(field, forms.BooleanField)
        # Marked mandatory on the page although the field itself may stay empty.
        self.also_mandatory: set[str] = set()
        if "birth_year" in mandatory:
            # Satisfied by a full date too (the year is taken from it).
            self.fields["birth_year"].required = False
            self.also_mandatory.add("birth_year")
            self.birth_mandatory = True
        else:
            self.birth_mandatory = False

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email and taken.exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email

    def clean_preferred_language(self):
        return self.cleaned_data.get("preferred_language") or settings.LANGUAGE_CODE

    def clean_country(self):
        code = (self.cleaned_data.get("country") or "").strip().upper()
        on_record = self.instance.pk and code == (self.instance.country or "").upper()
        if code and code not in dict(countries) and not on_record:  # older rules kept it
            raise forms.ValidationError(UNKNOWN_COUNTRY % {"code": code})
        return code

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if self.instance.pk and year == self.instance.birth_year:
            return year  # on record already: an edit of another field must not fail on it
        if year is not None and not EARLIEST_BIRTH_YEAR <= year <= clock.today().year:
            raise forms.ValidationError(
                BIRTH_YEAR_RANGE % {"earliest": EARLIEST_BIRTH_YEAR, "latest": clock.today().year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        birth_date, birth_year = cleaned.get("birth_date"), cleaned.get("birth_year")
        today = clock.today()
        if birth_date and birth_date > today:
            self.add_error("birth_date", BIRTH_IN_FUTURE)
            return cleaned
        if birth_date and birth_date.year < EARLIEST_BIRTH_YEAR:
            self.add_error(
                "birth_date",
                BIRTH_YEAR_RANGE % {"earliest": EARLIEST_BIRTH_YEAR, "latest": today.year},
            )
            return cleaned
        if birth_date and birth_year and birth_year != birth_date.year:
            self.add_error("birth_year", BIRTH_MISMATCH)
            return cleaned
        if birth_date:
            cleaned["birth_year"] = birth_date.year
        if cleaned.get("birth_year") is None:
            if self.birth_mandatory and "birth_year" not in self.errors:
                self.add_error("birth_year", _("Give your date of birth or at least its year."))
            return cleaned
        if is_minor(birth_date=birth_date, birth_year=cleaned["birth_year"], today=today):
            self.add_error(None, MINOR_REFUSED)
        return cleaned


def registration_information(user) -> dict:
    """Return the account's registration information as plain values (dates as ISO text)."""
    data = {"id": user.pk, "username": user.username}
    for name in EDITABLE_FIELDS:
        value = getattr(user, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def registration_value_validate(*, user: User, name: str, value) -> User:
    """Return the account, as stored, with one field changed to ``value`` under the rules;
    raise ``ValidationError`` with the rules' messages for that field (or the form's)."""
    stored = User.objects.get(pk=user.pk)
    rules = RegistrationInformationRules(
        data={**registration_information(stored), name: value}, instance=stored
    )
    if not rules.is_valid():
        messages = (
            rules.errors.get(name)
            or rules.errors.get("__all__")
            or next(iter(rules.errors.values()))
        )
        raise ValidationError(" ".join(messages))
    return rules.instance
