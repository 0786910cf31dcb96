from django import forms
from django.utils.translation import gettext_lazy as _

from datarequests.corrections import correctable_choices_of, correction_from_choice
from datarequests.models import Jurisdiction, Kind
from datarequests.services.intake import NO_MINOR
from privacy_office.phones import phone_e164
from privacy_office.registry import Category
from privacy_office.uploads import validate_document

CORRECTION_ROWS = 5

NO_PROOF = _("Attach the proof that you are the minor's parent or guardian.")


class JurisdictionChoiceField(forms.ModelChoiceField):
    """Each jurisdiction by its name and law, in the reader's language."""

    def label_from_instance(self, obj: Jurisdiction) -> str:
        return f"{obj.name_text} ({obj.law_text})"


class RequestForm(forms.Form):
    """A signed-in person's request: every kind the API takes. Corrections list every
    correctable field of the person's own records, several at once; the guardian's fields
    and the corrections are shown only for their kind (the page's stylesheet)."""

    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    jurisdiction = JurisdictionChoiceField(
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
    minor = forms.CharField(
        label=_("The minor's user name or email address"), required=False, max_length=254
    )
    guardianship_document = forms.FileField(
        label=_("Proof that you are the parent or guardian (PDF, JPEG or PNG, at most 10 MB)"),
        required=False,
        validators=[validate_document],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *correctable_choices_of(user)] if user is not None else [("", "—")]
        for number in range(1, CORRECTION_ROWS + 1):
            self.fields[f"correction_field_{number}"] = forms.ChoiceField(
                label=_("Field to correct (%(n)s)") % {"n": number},
                required=False,
                choices=choices,
            )
            self.fields[f"correction_value_{number}"] = forms.CharField(
                label=_("Correct value (%(n)s)") % {"n": number}, required=False, max_length=500
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.GUARDIAN_DELETION:
            if not (cleaned.get("minor") or "").strip():
                self.add_error("minor", NO_MINOR)
            if not cleaned.get("guardianship_document"):
                self.add_error("guardianship_document", NO_PROOF)
        return cleaned

    def correction_pairs(self) -> list[tuple[str, str]]:
        """The (field, value) inputs, in order, for the page to lay out in rows."""
        return [
            (self[f"correction_field_{n}"], self[f"correction_value_{n}"])
            for n in range(1, CORRECTION_ROWS + 1)
        ]

    categories = forms.MultipleChoiceField(
        label=_("Erase only these categories (none ticked: all my data)"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def erasure_categories(self) -> list[str]:
        if self.cleaned_data.get("kind") != Kind.ERASURE:
            return []
        return list(self.cleaned_data.get("categories") or [])

    def corrections(self) -> list[dict]:
        if self.cleaned_data.get("kind") != Kind.CORRECTION:
            return []
        return [
            correction_from_choice(field, self.cleaned_data.get(f"correction_value_{n}", ""))
            for n in range(1, CORRECTION_ROWS + 1)
            if (field := self.cleaned_data.get(f"correction_field_{n}"))
        ]


class PublicRequestForm(forms.Form):
    """A request for a copy of one's data from a person with no account, known by an email
    address or, with ``by="phone"``, by a phone number: only that one field is asked for
    (the page links to the other form), and ``by`` is kept in a hidden field."""

    EMAIL, PHONE = "email", "phone"

    # Any other value is read as email (__init__): a hidden field's error would not be seen.
    by = forms.CharField(initial=EMAIL, required=False, widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send a code to it, to make sure the request comes from you."),
    )
    phone = forms.CharField(
        label=_("Your mobile phone number, with its country code"),
        help_text=_(
            "For example +852 9123 4567. We send a code to it by text message, to make sure "
            "the request comes from you."
        ),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    jurisdiction = JurisdictionChoiceField(
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

    def __init__(self, *args, by: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not by:
            by = (self.data.get("by") if self.is_bound else "") or self.EMAIL
        self.by = self.PHONE if by == self.PHONE else self.EMAIL
        self.fields["by"].initial = self.by
        del self.fields[self.EMAIL if self.by == self.PHONE else self.PHONE]

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])


class EmailCodeForm(forms.Form):
    """The one-time code, as typed; ``texted`` when it was sent by text message."""

    code = forms.CharField(
        label=_("The code from the email"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, texted: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if texted:
            self.fields["code"].label = _("The code from the text message")
