"""Forms for registration, profile edits, marketing choices and sign-in: the rules, written once.

The pages and the JSON API validate through these same forms. Which
registration fields are mandatory is the registry's ``mandatory`` flag
(policy A.8), so the form, the data map and the API always agree.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.age import is_minor
from accounts.models import REGISTRATION_FIELDS, MarketingChannel, User
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


class RegistrationInformationForm(forms.ModelForm):
    """Fields of registration information with the registry's mandatory flags and the age gate."""

    class Meta:
        model = User
        fields = EDITABLE_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mandatory = mandatory_registration_fields()
        for name in EDITABLE_FIELDS:
            field = self.fields[name]
            field.required = name in mandatory and not isinstance(field, forms.BooleanField)
        # Marked mandatory on the page although the field itself may stay empty.
        self.also_mandatory: set[str] = set()
        self.fields["birth_year"].help_text = _(
            "Give your date of birth, or only its year; either one is enough."
        )
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


class RegistrationForm(RegistrationInformationForm):
    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={
            "invalid": _("3 to 150 letters, digits and @ . + - _ only."),
        },
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, strip=False
    )
    marketing_email = forms.BooleanField(
        label=_("Send me marketing emails about memberships and products"), required=False
    )

    class Meta(RegistrationInformationForm.Meta):
        fields = ["username", *EDITABLE_FIELDS]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            candidate = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class MarketingPreferencesForm(forms.Form):
    """One yes/no per channel (B.7); unticked means no marketing on that channel."""

    def __init__(self, *args, current: dict[str, bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for channel, label in MarketingChannel.choices:
            self.fields[channel] = forms.BooleanField(
                label=label, required=False, initial=(current or {}).get(channel, False)
            )


class SignInForm(AuthenticationForm):
    shared_computer = forms.BooleanField(
        label=_("This is a public or shared computer"),
        help_text=_("You will be signed out when the browser closes or after 15 idle minutes."),
        required=False,
    )
