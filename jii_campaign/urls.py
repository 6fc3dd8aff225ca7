from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from jii_campaign import second_factor_views, views

admin.site.site_header = _("JII Partners donation site admin")
admin.site.site_title = _("Donation site admin")
admin.site.index_title = _("Admin menu")
admin.site.site_url = "/"

handler500 = "jii_campaign.outage.server_error"

urlpatterns = [
    # The second factor of staff who see personal data (jii_campaign/second_factor.py).
    path(
        f"{settings.ADMIN_PATH}second-factor/",
        second_factor_views.verify,
        name="second_factor_verify",
    ),
    path(
        f"{settings.ADMIN_PATH}second-factor/enrol/",
        second_factor_views.enrol,
        name="second_factor_enrol",
    ),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("donations.stripe.webhook_urls")),
    # The e-mail service's tracking webhooks (updates/mail_stops.py), checked by anymail.
    path("anymail/", include("updates.webhook_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("campaign_pages.urls")),
    path("pages/<slug:slug>/", views.info_page, name="info_page"),
    path("programs/", include("programs.urls")),
    path("testimonials/", include("testimonials.urls")),
    path("campaigns/<slug:slug>/messages/", include("testimonials.message_urls")),
    path("donate/", include("donations.giving.urls")),
    path("supporter/", include("donations.supporters.urls")),
    path("updates/", include("updates.urls")),
    prefix_default_language=False,
)
if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
