"""The record of who opened donors' personal data, and when: each CSV export, receipt download
and donation page a member of staff opens becomes an entry in the admin's own log (LogEntry),
shown in the row's history and, for 管理者, under 管理 → 操作の記録."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from donations.models import Donation


def record_access(request, what, obj=None) -> None:
    """Log that request.user saw `what` (of `obj`, or of donations at large)."""
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(obj if obj is not None else Donation),
        object_id=str(obj.pk) if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        # LogEntry knows additions, changes and deletions only; the message says it was a read.
        action_flag=CHANGE,
        change_message=str(what),
    )
