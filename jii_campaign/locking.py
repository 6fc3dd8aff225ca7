"""Row-locked state changes: each transition method re-reads its row with SELECT ... FOR UPDATE."""

import functools

from django.db import transaction


def locked_transition(method):
    """Run a model method in a transaction holding the row lock, on freshly read state, so that
    the state check inside the method sees what concurrent requests committed before it."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with transaction.atomic():
            self.refresh_from_db(from_queryset=type(self)._default_manager.select_for_update())
            return method(self, *args, **kwargs)

    return wrapper
