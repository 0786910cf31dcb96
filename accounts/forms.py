"""Forms for registration, profile edits, marketing choices and sign-in: the rules, written once.

The pages and the JSON API validate through these same forms, built on the rules of
``accounts.validators``. Which registration fields are mandatory is the registry's
``mandatory`` flag (policy A.8), so the form, the data map and the API always agree.
"""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import MarketingChannel, User
from accounts.validators import (  # noqa: F401 (the names the doors and tests import from here)
    EDITABLE_FIELDS,
    MINOR_REFUSED,
    RegistrationInformationRules,
    mandatory_registration_fields,
)


class RegistrationInformationForm(RegistrationInformationRules):
    """The rules, with the page's date picker and hints."""

    class Meta(RegistrationInformationRules.Meta):
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_year"].help_text = _(
            "Give your date of birth, or only its year; either one is enough."
        )


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
