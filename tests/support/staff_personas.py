"""Members of staff as the groups make them (donations/staff/roles.py): a user in a group, and a
client signed in as them, with the second factor given when they need one."""

from django.contrib.auth.models import Group, User
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from donations.staff.roles import ACCOUNTS, ADMINISTRATORS, SECRETARIAT, define_groups
from tests.support.html_checks import https_client

__all__ = [
    "ACCOUNTS",
    "ADMINISTRATORS",
    "SECRETARIAT",
    "authenticator",
    "current_code",
    "member",
    "signed_in",
]


def member(username, *groups, superuser=False, password=None) -> User:
    """A staff account in these groups (the groups as the data migration defines them; tests
    that flush the database remove them, so they are defined again here)."""
    define_groups(_installed_apps())
    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def signed_in(user, *, second_factor=True):
    """A client signed in as `user` over HTTPS; with an authenticator that has given its code
    in this session when `second_factor`."""
    client = https_client()
    client.force_login(user)
    if second_factor:
        device = authenticator(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _installed_apps():
    from django.apps import apps

    return apps


def authenticator(user) -> TOTPDevice:
    """A confirmed authenticator app of `user`."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device) -> str:
    """The six digits the app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
