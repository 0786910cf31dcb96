from django import forms
from django.utils.translation import gettext_lazy as _

from datarequests.models import Jurisdiction, Kind
from privacy_office.registry import Category, registry


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
        choices=[
            (Kind.ACCESS, Kind.ACCESS.label),
            (Kind.CORRECTION, Kind.CORRECTION.label),
            (Kind.ERASURE, Kind.ERASURE.label),
        ],
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
        field = self.cleaned_data.get("correction_field")
        if self.cleaned_data.get("kind") != Kind.CORRECTION or not field:
            return []
        return [{"field": field, "value": self.cleaned_data.get("correction_value", "")}]
