"""A second factor for staff who can see donors' personal data (APPI): after the password, a
six-digit code from an authenticator app (TOTP, django-otp) or one of their one-time recovery
codes. Who needs it: superusers and anyone holding a permission in PERSONAL_DATA_PERMISSIONS
(会計 and 管理者, docs/staff-guide.md); 事務局 signs in with the password alone.

A local run with DEBUG=true skips it, and every admin page says so (admin/base_site.html)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

# Whoever holds one of these sees donors' personal data, or can grant it to themselves.
PERSONAL_DATA_PERMISSIONS = [
    "donations.view_donation",
    "donations.view_payment",
    "donations.view_stripeevent",
    "donations.view_statementline",
    "donations.view_dashboard",
    "donations.export_donations",
    "donations.download_receipts",
    "donations.anonymize_donor",
    "auth.change_user",
    "auth.change_group",
]


def required_for(user) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or any(user.has_perm(perm) for perm in PERSONAL_DATA_PERMISSIONS)


def admin_prefix() -> str:
    return "/" + settings.ADMIN_PATH


class SecondFactorMiddleware:
    """Admin pages for a member of staff who needs the second factor and has not given it in
    this session: to the code page, or to enrolment when they have no authenticator yet. The
    login and logout pages and the second factor's own pages stay open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._pending(request):
            if settings.DEBUG:
                request.second_factor_skipped = True  # shown on every admin page
            else:
                return self._ask(request)
        return self.get_response(request)

    @staticmethod
    def _pending(request) -> bool:
        prefix = admin_prefix()
        if not request.path.startswith(prefix):
            return False
        rest = request.path[len(prefix) :]
        if rest.startswith(("login/", "logout/", "second-factor/", "jsi18n/")):
            return False
        user = request.user
        return required_for(user) and not user.is_verified()

    @staticmethod
    def _ask(request):
        name = "second_factor_verify" if user_has_device(request.user) else "second_factor_enrol"
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
