from django import forms
from django.utils.translation import gettext_lazy as _


class WithholdingForm(forms.Form):
    """Data withheld from a copy supplied under PDPO s.21(2), for the log book."""

    request_id = forms.IntegerField(label=_("Request number"), min_value=1)
    withheld = forms.CharField(label=_("Data withheld"), widget=forms.Textarea)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea)
