"""gunicorn's access log through the same redaction as the site's own logs (log_redaction.py):
a request line, path, query string, referrer or header that carries a manage-link, receipt or
pledge token, an e-mail address or a secret is written without it. gunicorn.conf.py names this
class as its `logger_class`."""

from gunicorn.glogging import Logger

from jii_campaign.log_redaction import redact


class RedactingAccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
