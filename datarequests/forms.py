from django import forms
from django.utils.translation import gettext_lazy as _

from datarequests.models import Jurisdiction, Kind
from privacy_office.registry import registry


def correctable_choices() -> list[tuple[str, str]]:
    from accounts.models import User

    declaration = registry.for_model(User)
    meta = User._meta
    return [("", "—")] + [
        (f"accounts.User.{f.name}", str(meta.get_field(f.name).verbose_name).capitalize())
        for f in declaration.fields
        if f.correctable
    ]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=[(Kind.ACCESS, Kind.ACCESS.label), (Kind.CORRECTION, Kind.CORRECTION.label)],
        widget=forms.RadioSelect,
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Your jurisdiction (its law sets the deadline and any fee)"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    correction_field = forms.ChoiceField(
        label=_("Field to correct"), required=False, choices=correctable_choices
    )
    correction_value = forms.CharField(label=_("Correct value"), required=False, max_length=500)

    def corrections(self) -> list[dict]:
        field = self.cleaned_data.get("correction_field")
        if self.cleaned_data.get("kind") != Kind.CORRECTION or not field:
            return []
        return [{"field": field, "value": self.cleaned_data.get("correction_value", "")}]


class PublicRequestForm(forms.Form):
    """A request for a copy of one's data from a person with no account, known by email."""

    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send a code to it, to make sure the request comes from you."),
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    jurisdiction = forms.ModelChoiceField(
        label=_("Your jurisdiction (its law sets the deadline and any fee)"),
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class EmailCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code from the email"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
