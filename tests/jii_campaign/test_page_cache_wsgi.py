"""Cached pages are answered from memory before Django's handler (jii_campaign/page_cache_wsgi.py),
with exactly the answer Django gives: the same status, headers and bytes, each visitor's own CSRF
token and cookie; anything memory cannot answer is Django's, as before."""

import gzip
import io
import re
import sys
from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler

from campaigns.models import Campaign, CampaignSection
from jii_campaign import page_cache
from jii_campaign.page_cache_wsgi import CachedPagesFirst
from tests.support.gifts import giving_campaign
from tests.support.personas import with_sections

pytestmark = pytest.mark.django_db(transaction=True)
MESSAGE_FORM = "/campaigns/truth/messages/new/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROXIED_HTTPS = {"Host": "testserver", "X-Forwarded-Proto": "https"}


@pytest.fixture
def campaign(db, settings):
    """The small campaign and its forms. Each process reads the page version at most every tenth
    (Redis) and half (database) of a second in production; a minute here, so that what memory
    answers does not depend on how fast the test runs."""
    settings.PAGE_CACHE_TOKEN_READ_SECONDS = 60
    settings.PAGE_CACHE_VERSION_POLL_SECONDS = 60
    return with_sections(giving_campaign(), CampaignSection.Kind.MESSAGES)


class Django:
    """Django's WSGI application, counting the requests it answers."""

    def __init__(self):
        self.app = WSGIHandler()
        self.answered = 0

    def __call__(self, environ, start_response):
        self.answered += 1
        return self.app(environ, start_response)


@pytest.fixture
def django_app():
    return Django()


@pytest.fixture
def site(django_app):
    return CachedPagesFirst(django_app)


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.code = int(status.split()[0])

    def __getitem__(self, name):
        (value,) = [v for n, v in self.headers if n.lower() == name.lower()]
        return value

    def has(self, name):
        return any(n.lower() == name.lower() for n, _ in self.headers)

    def text(self):
        plain = gzip.decompress(self.body) if self.has("Content-Encoding") else self.body
        return plain.decode()

    def token(self):
        return TOKEN.search(self.text())[1]

    def cookie(self):
        return re.search(r"csrftoken=([^;]+)", self["Set-Cookie"])[1]


def call(app, path, method="GET", headers=None, data=None):
    environ = wsgi_environ(method, path, {**PROXIED_HTTPS, **(headers or {})}, data)
    started = []
    result = app(environ, lambda status, headers, exc_info=None: started.extend((status, headers)))
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return Answer(*started, body)


def wsgi_environ(method, path, headers, data):
    """The environ a WSGI server passes: the path as Latin-1 characters of its bytes."""
    path, _, query = path.partition("?")
    body = urlencode(data or {}).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote_to_bytes(quote(path)).decode("iso-8859-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def from_memory(site, django_app, path, **kwargs):
    """The answer of a request Django did not see."""
    answered = django_app.answered
    answer = call(site, path, **kwargs)
    assert django_app.answered == answered, f"Django answered {path}"
    return answer


def learnt(site, path, **kwargs):
    """Rendered, then served by Django from the cache (its headers learnt)."""
    call(site, path, **kwargs)
    call(site, path, **kwargs)


def same_for_everyone(answer):
    """The answer without what is each visitor's own (a form's token, cookie and ETag)."""
    headers = sorted(
        (name.lower(), re.sub(r"-[0-9a-f]{16}\"$", '"', value))
        for name, value in answer.headers
        if name.lower() != "set-cookie"
    )
    cookies = [
        re.sub(r"csrftoken=[^;]+|expires=[^;]+", "", value)
        for name, value in answer.headers
        if name.lower() == "set-cookie"
    ]
    return answer.status, headers, cookies, TOKEN.sub("", answer.text())


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("HEAD", "/"),
        ("GET", "/en/"),
        ("HEAD", "/en/"),
        ("GET", "/donate/"),  # the forms answer HEAD with 405, from Django
        ("GET", "/en/donate/?amount=10000&frequency=monthly"),
        ("GET", MESSAGE_FORM),
    ],
)
@pytest.mark.parametrize("encoding", ["gzip, deflate, br", ""])
def test_memory_answers_as_django_does(site, django_app, campaign, path, encoding, method):
    headers = {"Accept-Encoding": encoding}
    learnt(site, path, method=method, headers=headers)

    remembered = from_memory(site, django_app, path, method=method, headers=headers)
    rendered = call(django_app, path, method=method, headers=headers)

    assert remembered.code == 200
    assert same_for_everyone(remembered) == same_for_everyone(rendered)
    if method == "HEAD":
        assert remembered.body == b"" and int(remembered["Content-Length"]) > 0
    else:
        assert int(remembered["Content-Length"]) == len(remembered.body)
        assert "Strict-Transport-Security" in dict(remembered.headers)


def test_each_visitor_gets_their_own_token_from_memory_and_it_is_accepted(
    site, django_app, campaign
):
    learnt(site, MESSAGE_FORM)

    first = from_memory(site, django_app, MESSAGE_FORM)
    second = from_memory(site, django_app, MESSAGE_FORM)
    back = from_memory(
        site, django_app, MESSAGE_FORM, headers={"Cookie": f"csrftoken={first.cookie()}"}
    )

    assert first.cookie() != second.cookie() and first.token() != second.token()
    assert first["ETag"] != second["ETag"]
    assert back.cookie() == first.cookie()  # the same secret, renewed
    message = {"body": "がんばって", "consent": "on", "csrfmiddlewaretoken": back.token()}
    posted = call(
        site,
        MESSAGE_FORM,
        method="POST",
        data=message,
        headers={"Cookie": f"csrftoken={first.cookie()}", "Referer": "https://testserver/"},
    )
    forged = call(
        site,
        MESSAGE_FORM,
        method="POST",
        data={**message, "csrfmiddlewaretoken": second.token()},
        headers={"Cookie": f"csrftoken={first.cookie()}", "Referer": "https://testserver/"},
    )
    assert posted.code == 302 and forged.code == 403
    assert campaign.messages.count() == 1


def test_a_change_is_never_answered_from_memory(site, django_app, campaign):
    learnt(site, "/")
    before = from_memory(site, django_app, "/")
    assert "小さな理解" not in before.text()

    Campaign.objects.filter(pk=campaign.pk).update(title="小さな理解")
    page_cache.bump()  # as a staff edit's commit does, in this process or (via Redis) another
    changed = call(site, "/")
    after = from_memory(site, django_app, "/")

    assert "小さな理解" in changed.text() and "小さな理解" in after.text()
    assert after["ETag"] == changed["ETag"] != before["ETag"]


def test_each_encoding_gets_its_own_headers(site, django_app, campaign):
    learnt(site, "/", headers={"Accept-Encoding": "gzip"})

    plain = call(site, "/", headers={"Accept-Encoding": ""})

    assert not plain.has("Content-Encoding") and plain.body.startswith(b"<!doctype html>")
    assert int(plain["Content-Length"]) == len(plain.body)


def test_plain_http_never_gets_the_headers_of_https(campaign, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    site = CachedPagesFirst(Django())  # its middleware reads the settings when it starts
    learnt(site, "/")

    plain = call(site, "/", headers={"X-Forwarded-Proto": "http"})
    secure = call(site, "/")

    assert plain.code == secure.code == 200
    assert not plain.has("Strict-Transport-Security")
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


@pytest.mark.parametrize(
    "headers, code",
    [
        ({"Host": "attacker.example"}, 400),
        ({"X-Forwarded-Proto": "http"}, 301),  # production redirects to HTTPS
        ({"If-None-Match": "*"}, 304),
    ],
)
def test_django_answers_what_memory_may_not(campaign, settings, headers, code):
    settings.SECURE_SSL_REDIRECT = True  # as in production, where the proxy says the scheme
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    django_app = Django()  # its middleware reads the settings when it starts
    site = CachedPagesFirst(django_app)
    learnt(site, "/")
    answered = django_app.answered

    answer = call(site, "/", headers=headers)

    assert answer.code == code and django_app.answered == answered + 1


def test_a_thousand_parameters_are_djangos_400_not_a_500(site, django_app, campaign):
    learnt(site, "/donate/")

    answer = call(site, "/donate/?" + "&".join(["a=1"] * 1001))

    assert answer.code == 400


def test_a_path_in_japanese_is_djangos_404(site, campaign):
    learnt(site, "/")

    assert call(site, "/キャンペーン/").code == 404
    assert call(site, "/").code == 200


def test_gunicorn_serves_memory_first():
    from jii_campaign import wsgi

    assert isinstance(wsgi.application, CachedPagesFirst)
