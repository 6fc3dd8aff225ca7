"""Site-wide middleware: /healthz answered before host validation and HTTPS redirects (load
balancers and the container health check call it by IP over plain HTTP); the language set
from the URL alone; the Permissions-Policy."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import cc_delim_re

from jii_campaign.views import healthz


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off browser features no page here uses (settings.PERMISSIONS_POLICY): a script that
    got in anyway could not reach the camera, the location or the Payment Request API."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class UrlLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without `Vary: Accept-Language` where the URL alone names the
    language. With i18n_patterns(prefix_default_language=False) that is every path here ("/en/…"
    is English, anything else Japanese): the header would only split shared caches per browser
    language for the same bytes."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        if used and not prefixed_default and response.has_header("Vary"):
            kept = [
                name
                for name in cc_delim_re.split(response["Vary"])
                if name.strip() and name.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
