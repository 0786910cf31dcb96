"""Self-service pages: registration, sign-in, "my data", edits, marketing and password."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_otp import devices_for_user
from django_otp import login as otp_login

from accounts.email_change import (
    LINK_INVALID,
    LINK_SENT,
    email_change_confirm,
    email_change_pending,
    registration_edit,
)
from accounts.forms import (
    MarketingPreferencesForm,
    RegistrationForm,
    RegistrationInformationForm,
    SignInForm,
    mandatory_registration_fields,
)
from accounts.middleware import SHARED_COMPUTER_KEY
from accounts.password_reset import (
    PasswordResetRequestForm,
    lockout_clear,
    password_changed_notify,
)
from accounts.selectors import marketing_choices
from accounts.services import marketing_preferences_set, user_register
from accounts.tasks import password_reset_mail_task
from accounts.two_factor import (
    authenticator_confirm,
    authenticator_device,
    authenticator_pending,
    enrolment_link_valid,
)
from privacy_office import clock
from privacy_office.ratelimit import rate_limited
from privacy_office.subject_data import personal_data_of, readable_value


@method_decorator(rate_limited("register"), name="dispatch")
class RegisterView(View):
    template_name = "accounts/register.html"

    def get(self, request):
        return render(request, self.template_name, {"form": RegistrationForm()})

    def post(self, request):
        form = RegistrationForm(data=request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            user = user_register(
                cleaned=form.cleaned_data, marketing_email=form.cleaned_data["marketing_email"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, {"form": form}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("accounts:my-data")


LOGIN_HINT_COOKIE = "po_login_hint"


@method_decorator(rate_limited("login"), name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_initial(self):
        # The identification cookie (policy E.i), where the visitor allowed it.
        return {"username": self.request.COOKIES.get(LOGIN_HINT_COOKIE, "")}

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_computer"):
            self.request.session.set_expiry(0)  # ends when the browser closes
            self.request.session[SHARED_COMPUTER_KEY] = True
            response.delete_cookie(LOGIN_HINT_COOKIE)
        else:
            # Dropped by the consent middleware unless identification cookies are allowed.
            response.set_cookie(
                LOGIN_HINT_COOKIE,
                form.get_user().get_username(),
                max_age=30 * 24 * 60 * 60,
                httponly=True,
                samesite="Lax",
                secure=self.request.is_secure(),
            )
        return response


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST (a link could sign anyone out); a GET, from a bookmark or a
    typed address, gets a page with the button instead of a blank 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name)


MY_DATA_PAGE = 50


class MyDataView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/my_data.html"

    def get_context_data(self, **kwargs):
        model, page = self.request.GET.get("model", ""), self.request.GET.get("page", "")
        pages = {model: int(page)} if page.isdigit() and 0 < int(page) < 10**6 else {}
        return {
            **super().get_context_data(**kwargs),
            "categories": personal_data_of(
                user=self.request.user, limit=MY_DATA_PAGE, display=readable_value, pages=pages
            ),
        }


def email_change_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("accounts:email-confirm", kwargs={"token": token}))


def new_email_clean(form, value: str) -> str | None:
    """Check a new address as the form would, minus whether another account holds it (which
    the answer must not tell); on an error, add it to the form and return None."""
    try:
        return form.fields["email"].clean(value)
    except ValidationError as error:
        form.add_error("email", error)
        return None


@method_decorator(rate_limited("me_edit"), name="dispatch")
class EditRegistrationView(LoginRequiredMixin, View):
    template_name = "accounts/edit.html"

    def get(self, request):
        form = RegistrationInformationForm(instance=request.user)
        return render(request, self.template_name, self._context(form))

    def post(self, request):
        data = request.POST.copy()
        new_email = data.get("email")
        data["email"] = request.user.email
        form = RegistrationInformationForm(data=data, instance=request.user)
        form.is_valid()
        if new_email is not None:
            new_email = new_email_clean(form, new_email)
        if form.errors:
            form.data = request.POST  # show what was typed
            return render(request, self.template_name, self._context(form), status=400)
        changed, sent = registration_edit(
            user=request.user,
            cleaned=form.cleaned_data,
            new_email=new_email,
            link_for=lambda token: email_change_link(request, token),
            now=clock.now(),
        )
        if sent:
            messages.info(request, LINK_SENT)
        if changed:
            messages.success(request, _("Your registration information was saved."))
        elif not sent:
            messages.info(request, _("Nothing was changed."))
        return redirect("accounts:my-data")

    def _context(self, form):
        return {"form": form, "mandatory": mandatory_registration_fields()}


class EmailChangeConfirmView(View):
    """The link mailed to a new address: a button that makes the change (a mail scanner
    that opens the link changes nothing)."""

    template_name = "accounts/email_confirm.html"

    def get(self, request, token):
        if email_change_pending(token=token, now=clock.now()) is None:
            return render(request, self.template_name, {"error": LINK_INVALID}, status=400)
        return render(request, self.template_name, {})

    def post(self, request, token):
        try:
            email_change_confirm(token=token, now=clock.now())
        except ValidationError as error:
            return render(request, self.template_name, {"error": error.messages[0]}, status=400)
        messages.success(request, _("Your email address was changed."))
        return redirect("accounts:my-data")


class MarketingView(LoginRequiredMixin, View):
    template_name = "accounts/marketing.html"

    def get(self, request):
        form = MarketingPreferencesForm(current=marketing_choices(user=request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = MarketingPreferencesForm(data=request.POST)
        form.is_valid()
        marketing_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your marketing choices were saved."))
        return redirect("accounts:marketing")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:my-data")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        response = super().form_valid(form)
        password_changed_notify(user=form.user, reset_link=_reset_link(self.request))
        return response


def _reset_link(request) -> str:
    return request.build_absolute_uri(reverse("accounts:password-reset"))


@method_decorator(rate_limited("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the answer is the same whether or not an account has the address."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        # Queued for every address alike: the page takes as long whether or not it is known.
        password_reset_mail_task.delay(
            email=form.cleaned_data["email"],
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


@method_decorator(rate_limited("password_reset"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout_clear(username=form.user.get_username())
        password_changed_notify(user=form.user, reset_link=_reset_link(self.request))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


NO_ENROLMENT_LINK = _(
    "Staff enrol a second factor through a one-time link from a privacy officer. Ask one "
    "to issue you a link."
)
ENROLMENT_LINK_INVALID = _(
    "This enrolment link is not valid: it may have expired or been used already. Ask a "
    "privacy officer for a new one."
)


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Where a staff member's second factor stands; enrolling needs an officer's link."""

    template_name = "accounts/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if authenticator_device(user=request.user):
            return render(request, self.template_name, {"already": True})
        return render(request, self.template_name, {"refused": NO_ENROLMENT_LINK}, status=403)


class TwoFactorEnrolView(LoginRequiredMixin, View):
    """With an officer's one-time link, a staff member links an authenticator app, then
    keeps the recovery codes shown once."""

    template_name = "accounts/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_staff:
            raise PermissionDenied
        # Someone who already has a second factor proves it before linking another.
        if (
            user.is_authenticated
            and any(devices_for_user(user, confirmed=True))
            and not user.is_verified()
        ):
            return redirect("admin:login")
        if user.is_authenticated and authenticator_device(user=user):
            return render(request, self.template_name, {"already": True})
        if user.is_authenticated and not enrolment_link_valid(
            user=user, token=kwargs["token"], now=clock.now()
        ):
            refused = {"refused": ENROLMENT_LINK_INVALID}
            return render(request, self.template_name, refused, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        return render(request, self.template_name, self._context(request))

    def post(self, request, token):
        codes = authenticator_confirm(
            user=request.user,
            token=request.POST.get("token", ""),
            link_token=token,
            now=clock.now(),
        )
        if codes is None:
            context = self._context(request)
            context["error"] = _("That code is not right; type the 6 digits the app shows now.")
            return render(request, self.template_name, context, status=400)
        otp_login(request, authenticator_device(user=request.user))
        return render(request, "accounts/recovery_codes.html", {"codes": codes})

    def _context(self, request) -> dict:
        device = authenticator_pending(user=request.user)
        return {
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
            "secret": base64.b32encode(device.bin_key).decode(),
        }
