"""Login and password reset with a throttle against guessing passwords.

The throttle is checked before the password is: while a user name or an address is blocked,
no password is tried at all, the attempt is logged as ``throttled`` and the visitor is told
in Swedish when to try again. Failures are counted in the audit log (intro_sodertorn.audit).
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEvent


class LoginThrottleMixin:
    """For an AuthenticationForm: refuse before authenticating when too many attempts failed."""

    throttle_message = ""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = audit.client_ip(self.request)
        until = audit.login_blocked_until(username, ip)
        if until is not None:
            audit.record(AuditEvent.Kind.THROTTLED, request=self.request, username=username)
            self.throttle_message = _(
                "Too many failed logins. For your security, logging in is paused: "
                "try again after %(time)s. Forgot your password? Ask for a new one below."
            ) % {"time": time_format(timezone.localtime(until), "H:i")}
            raise forms.ValidationError(self.throttle_message, code="throttled")
        return super().clean()


class ThrottledAuthenticationForm(LoginThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class ThrottledPasswordResetForm(PasswordResetForm):
    """Asks for a reset link; an address may ask PASSWORD_RESETS_PER_IP times per window."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        ip = audit.client_ip(self.request)
        if audit.password_reset_blocked(ip):
            audit.record(AuditEvent.Kind.PASSWORD_RESET_THROTTLED, request=self.request)
            raise forms.ValidationError(
                _("Too many requests for a new password from here. Wait a quarter of an hour and try again."),
                code="throttled",
            )
        # Only the address is kept: the e-mail typed may belong to someone who did not ask.
        audit.record(AuditEvent.Kind.PASSWORD_RESET_REQUESTED, request=self.request)
        return cleaned

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        """Hand the e-mail to a background job, for a known and an unknown address alike.

        Looking the address up and talking to the mail server happen in the job, so the answer takes the same time
        whether an account has the address or not (sending in the request told who has an account)."""
        # The link is built from SITE_URL (the portal's public address), never from the Host header of the request.
        site = urlsplit(settings.SITE_URL)
        options = {
            "domain_override": domain_override or site.netloc,
            "use_https": site.scheme == "https",
            "subject_template_name": "registration/password_reset_subject.txt",
            "email_template_name": "registration/password_reset_email.txt",
        }
        options |= {key: kwargs[key] for key in ("html_email_template_name", "from_email") if kwargs.get(key)}
        from .tasks import send_password_reset

        send_password_reset.delay(self.cleaned_data["email"], options)


def password_reset_deliver(email, options):
    """Send the reset link to every active account with the address (none: nothing is sent, nothing is said)."""
    form = PasswordResetForm(data={"email": email})
    if form.is_valid():
        form.save(request=None, **options)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
