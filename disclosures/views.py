"""The page a recipient's acknowledgement link opens: it names the notice, a button confirms."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from disclosures.models import RecipientNotice
from disclosures.notices import notice_acknowledge, token_delivery_id
from privacy_office import clock


class AcknowledgeView(View):
    template_name = "disclosures/acknowledge.html"

    def _notice(self, token: str) -> RecipientNotice:
        delivery_id = token_delivery_id(token)
        notice = RecipientNotice.objects.filter(delivery_id=delivery_id).first()
        if delivery_id is None or notice is None:
            raise Http404
        return notice

    def get(self, request, token: str):
        return render(request, self.template_name, {"notice": self._notice(token), "done": False})

    def post(self, request, token: str):
        notice = self._notice(token)
        notice_acknowledge(
            delivery_id=notice.delivery_id, how=_("acknowledged by the link"), now=clock.now()
        )
        notice.refresh_from_db()
        return render(request, self.template_name, {"notice": notice, "done": True})
