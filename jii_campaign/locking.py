"""Row-locked state changes: each transition method re-reads its row with SELECT ... FOR UPDATE."""

import functools

from django.db import transaction


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
