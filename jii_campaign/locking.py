"""Row-locked state changes: each transition method re-reads its row with SELECT ... FOR UPDATE."""

import functools

from django.db import connection, transaction


def locked_transition(method):
    """Run a model method in a transaction holding the row lock, on freshly read state, so that
    the state check inside the method sees what concurrent requests committed before it.

    A model that names a foreign key in `locked_after` has that row locked (and re-read) first:
    the owner's own transitions lock the owner and then this row, so taking them in the same
    order here means two transitions never wait for each other in a circle."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with transaction.atomic():
            if owner := getattr(self, "locked_after", None):
                _lock(getattr(self, owner))
            _lock(self)
            return method(self, *args, **kwargs)

    return wrapper


def _lock(instance):
    instance.refresh_from_db(from_queryset=type(instance)._default_manager.select_for_update())


def lock_stripe_objects(*stripe_ids):
    """Hold until the transaction ends a lock on each of these Stripe objects (by id), so that
    two events about one object apply one after the other. Row locks cannot do this when the
    row does not exist yet: a payment being recorded while its refund looks for it. With this
    lock, whichever commits second sees what the first wrote. Ids given together are taken in one
    order. SQLite serialises writes anyway: nothing to do there."""
    if connection.vendor != "postgresql":
        return
    ordered = sorted({stripe_id for stripe_id in stripe_ids if stripe_id})
    if not ordered:
        return
    with connection.cursor() as cursor:
        # One statement for a batch's many ids: a function scan yields an array in its order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(id)) FROM unnest(%s::text[]) AS id", [ordered]
        )
