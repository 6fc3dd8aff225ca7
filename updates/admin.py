"""Writing, previewing, testing and sending updates in the admin. Each step checks its own
permission (donations/staff/roles.py): 事務局 writes and sends; the recipients' addresses are
listed only to staff who may see donors (`updates.view_delivery`), each opening logged."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from donations.models import SupporterPreference
from donations.staff.access_records import record_access
from jii_campaign.admin import TranslatedAdmin
from jii_campaign.models import Organisation
from updates import audiences, emails, sending
from updates.models import Delivery, Update
from updates.tasks import send_test

PREVIEW = "updates.preview_update"
SEND_TEST = "updates.send_test_update"
SEND = "updates.send_update"
LANGUAGES = ("ja", "en")


@admin.register(Update)
class UpdateAdmin(TranslatedAdmin):
    list_display = ["title", "campaign", "published_at", "sent_at", "audience"]
    list_filter = ["campaign"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["sent_at", "audience", "delivery_counts"]
    change_form_template = "admin/updates/update/change_form.html"

    def get_urls(self):
        def wrap(permission, view):
            # 403 for staff without the permission, as the admin's own pages answer.
            checked = permission_required(permission, raise_exception=True)(view)
            return self.admin_site.admin_view(checked)

        return [
            path(
                "<int:pk>/preview/email/<str:language>/",
                wrap(PREVIEW, self.preview_email),
                name="updates_update_preview_email",
            ),
            path(
                "<int:pk>/preview/page/<str:language>/",
                wrap(PREVIEW, self.preview_page),
                name="updates_update_preview_page",
            ),
            path("<int:pk>/test/", wrap(SEND_TEST, self.test_view), name="updates_update_test"),
            path("<int:pk>/send/", wrap(SEND, self.send_view), name="updates_update_send"),
            *super().get_urls(),
        ]

    @admin.display(description=_("Deliveries"))
    def delivery_counts(self, obj):
        counts = (
            dict(obj.deliveries.values_list("status").annotate(n=Count("id")).order_by())
            if obj.pk
            else {}
        )
        labels = dict(Delivery.Status.choices)
        return " · ".join(f"{labels[s]}: {counts.get(s, 0)}" for s in labels) or "-"

    def preview_email(self, request, pk, language):
        update = get_object_or_404(Update, pk=pk)
        message = emails.message(
            update, request.user.email or "preview@example.org", _lang(language)
        )
        return HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")

    def preview_page(self, request, pk, language):
        update = get_object_or_404(Update, pk=pk)
        with translation.override(_lang(language)):
            return TemplateResponse(
                request,
                "updates/detail.html",
                {
                    "update": update,
                    "update_image": update.image.url if update.image else "",
                    "share": {"url": "", "text": update.title},
                },
            ).render()

    def test_view(self, request, pk):
        update = get_object_or_404(Update, pk=pk)
        if request.method == "POST" and request.user.email:
            language = _lang(request.POST.get("language", "ja"))
            send_test.enqueue(update.pk, request.user.email, language)
            self.message_user(
                request, _("A test is on its way to %(email)s.") % {"email": request.user.email}
            )
        elif not request.user.email:
            self.message_user(request, _("Your account has no e-mail address."), messages.ERROR)
        return redirect(reverse("admin:updates_update_change", args=[pk]))

    def send_view(self, request, pk):
        update = get_object_or_404(Update, pk=pk)
        audience = request.POST.get("audience") or request.GET.get("audience")
        choices = dict(Update.Audience.choices)
        address_missing = not Organisation.current().address
        if request.method == "POST" and audience in choices and not address_missing:
            try:
                count = sending.queue(update, audience)
            except sending.AlreadySent:
                self.message_user(request, _("This report was already sent."), messages.ERROR)
            else:
                self.message_user(request, _("Sending to %(count)d supporters.") % {"count": count})
            return redirect(reverse("admin:updates_update_change", args=[pk]))
        counts = {value: len(audiences.recipients(value, update.campaign)) for value in choices}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "update": update,
            "audiences": [(value, label, counts[value]) for value, label in choices.items()],
            "stopped": SupporterPreference.objects.filter(mail_stopped_at__isnull=False).count(),
            # 特定電子メール法: every report names the sender's address.
            "address_missing": address_missing,
            "title": _("Send “%(title)s”") % {"title": update.title},
        }
        return TemplateResponse(request, "admin/updates/update/send.html", context)


def _lang(language):
    return language if language in LANGUAGES else "ja"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "update",
        "status",
        "language",
        "attempts",
        "sent_at",
        "detail",
        "mail_stopped",
    ]
    list_filter = ["status", "update"]
    list_select_related = ["update"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Whether mail to each address was stopped, in the list's own query (not one per row).
        preference = SupporterPreference.objects.filter(email=OuterRef("email"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                stopped_at=Subquery(preference.values("mail_stopped_at")[:1]),
                stopped_reason=Subquery(preference.values("mail_stopped_reason")[:1]),
            )
        )

    @admin.display(description=_("Mail stopped"))
    def mail_stopped(self, obj):
        if obj.stopped_at:
            return f"{obj.stopped_reason} ({obj.stopped_at:%Y-%m-%d})"
        return ""

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):
            record_access(request, _("Recipients of activity reports"))
        return super().changelist_view(request, extra_context)
