"""The second factor's pages, under the admin's address: the code after the password, and the
enrolment of an authenticator app (a QR code or the key to type, one code to confirm, then
recovery codes shown once). Wrong codes count as failed logins for django-axes, so guessing
codes ends in the same lockout as guessing passwords; django-otp also slows each device down
after every wrong code."""

from base64 import b32encode

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jii_campaign.second_factor import required_for

RECOVERY_CODE_COUNT = 10
WRONG_CODE = _(
    "That code was not accepted. Check that your phone's clock is right and try the newest "
    "code; after several wrong codes, wait a minute before the next."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def staff_pages(view):
    return never_cache(staff_member_required(require_http_methods(["GET", "POST"])(view)))


@staff_pages
def verify(request):
    user, after = request.user, _next(request)
    if not required_for(user) or user.is_verified():
        return redirect(after)
    if not django_otp.user_has_device(user):
        return redirect(f"{reverse('second_factor_enrol')}?{urlencode({'next': after})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _locked(request):
            return _lock_out(request)
        if form.is_valid():
            device = _device_for(user, form.cleaned_data["code"])
            if device and django_otp.verify_token(
                user, device.persistent_id, form.cleaned_data["code"]
            ):
                django_otp.login(request, device)
                return redirect(after)
        return _wrong_code(request, form, "admin/second_factor/verify.html", {"next": after})
    return _render(request, "admin/second_factor/verify.html", form, {"next": after})


@staff_pages
def enrol(request):
    user, after = request.user, _next(request)
    if not required_for(user) or django_otp.user_has_device(user):
        return redirect(f"{reverse('second_factor_verify')}?{urlencode({'next': after})}")
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    extra = {"next": after, "qr_code": _qr_code(device), "key": _typed_key(device)}
    if request.method == "POST":
        if _locked(request):
            return _lock_out(request)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            codes = _confirm(device)
            django_otp.login(request, device)
            context = {"codes": codes, "next": after, "title": _("Your recovery codes")}
            return TemplateResponse(request, "admin/second_factor/recovery_codes.html", context)
        return _wrong_code(request, form, "admin/second_factor/enrol.html", extra)
    return _render(request, "admin/second_factor/enrol.html", form, extra)


def _device_for(user, code):
    """Six digits are the app's code; anything else can only be a recovery code. Trying one
    device only keeps a mistyped recovery code from slowing the app's codes down."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def _confirm(device):
    """The app works: keep it, and replace any earlier recovery codes with new ones."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def _credentials(request):
    return {"username": request.user.get_username()}


def _locked(request) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(request))


def _lock_out(request):
    """Signed out, and django-axes' lockout page (AxesMiddleware answers it)."""
    credentials = _credentials(request)
    logout(request)
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return redirect("admin:login")


def _wrong_code(request, form, template, extra):
    user_login_failed.send(sender=__name__, credentials=_credentials(request), request=request)
    if getattr(request, "axes_locked_out", False):
        return _lock_out(request)
    if form.is_valid():
        form.add_error("code", WRONG_CODE)
    return _render(request, template, form, extra)


def _render(request, template, form, extra):
    context = {"form": form, "title": _("Second factor"), **extra}
    return TemplateResponse(request, template, context)


def _next(request) -> str:
    after = request.POST.get("next") or request.GET.get("next", "")
    if after and url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return after
    return reverse("admin:index")


def _qr_code(device) -> str:
    # bandit B308/B703: segno writes only its own path data; the username inside the otpauth
    # URL becomes QR modules, never text in the SVG.
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff")
    return mark_safe(svg)  # nosec B308 B703


def _typed_key(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
