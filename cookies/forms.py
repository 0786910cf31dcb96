from django import forms
from django.utils.translation import gettext_lazy as _

from cookies.models import Method


class ConsentForm(forms.Form):
    """The banner's and the preference centre's form: works as a plain HTML form."""

    action = forms.ChoiceField(
        choices=[("accept", _("Accept all")), ("reject", _("Reject all")), ("save", _("Save"))]
    )
    source = forms.ChoiceField(choices=[("banner", "banner"), ("centre", "centre")], required=False)

    def __init__(self, *args, categories=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        for category in categories:
            if category.always_on:
                continue
            self.fields[category.code] = forms.BooleanField(
                label=category.title,
                required=False,
                initial=bool(current and current.allows(category.code)),
            )
        self.optional_codes = [c.code for c in categories if not c.always_on]

    def decision(self) -> tuple[dict[str, bool], str]:
        action = self.cleaned_data["action"]
        from_banner = self.cleaned_data.get("source") != "centre"
        if action == "accept":
            return dict.fromkeys(self.optional_codes, True), (
                Method.BANNER_ACCEPT if from_banner else Method.PREFERENCE_CENTRE
            )
        if action == "reject":
            return dict.fromkeys(self.optional_codes, False), (
                Method.BANNER_REJECT if from_banner else Method.PREFERENCE_CENTRE
            )
        choices = {code: bool(self.cleaned_data.get(code)) for code in self.optional_codes}
        return choices, Method.BANNER_SAVE if from_banner else Method.PREFERENCE_CENTRE
