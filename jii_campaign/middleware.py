"""Answer /healthz before host validation and HTTPS redirects: load balancers and the container
health check call it by IP over plain HTTP."""

from jii_campaign.views import healthz


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)
