"""Site-wide middleware: /healthz answered before host validation and HTTPS redirects (load
balancers and the container health check call it by IP over plain HTTP); the Permissions-Policy."""

from django.conf import settings

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
