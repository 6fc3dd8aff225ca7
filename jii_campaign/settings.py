"""The one settings module: every value that differs between machines comes from the environment.

docs/environment.toml lists each variable (README.md's table and .env.example are written from it).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import pgettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The default only serves local runs and tests: `check --deploy` flags a "django-insecure-" key.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the public site, used in e-mails and share links (never the Host header).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it patches the models' fields and registers translation options.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_ratelimit",
    "axes",
    # A second factor for staff who see donors' personal data (jii_campaign/second_factor.py):
    # time-based codes from an authenticator app, and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "jii_campaign",
    "campaigns",
    "programs",
    "testimonials",
    "donations",
    "campaign_pages",
    "seed",
    "updates",
]

MIDDLEWARE = [
    "jii_campaign.middleware.HealthCheckMiddleware",
    "jii_campaign.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Stripe's deliveries skip everything below, which serves people.
    "donations.stripe.middleware.StripeWebhookMiddleware",
    # Before the page cache, so that cached pages carry it too.
    "jii_campaign.middleware.PermissionsPolicyMiddleware",
    # Whole cached pages: a hit skips everything below (jii_campaign/page_cache.py).
    "jii_campaign.page_cache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jii_campaign.middleware.UrlLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Staff who see personal data reach the admin only after it (enrolling first if need be).
    "jii_campaign.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jii_campaign.urls"
WSGI_APPLICATION = "jii_campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jii_campaign.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_POOL", default=True
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        # Each worker thread holds one connection at a time (gunicorn.conf.py opens one per thread),
        # so waiting means the database is down: give up within a second so that pages answer
        # the calm 503 of jii_campaign/outage.py at once (and /healthz well within its 4 s).
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1.0),
        # While the database is down the pool retries with doubling pauses; starting over every
        # 10 s keeps those pauses short, so pages answer again within seconds of its return.
        "reconnect_timeout": 10,
    }
    # An unreachable host (packets dropped, not refused) must not hold a worker for long either.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 2)
    # Check a pooled connection before lending it (one empty round trip): once the database is
    # back after an outage, no visitor gets a 503 from a connection that died while it was down.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Public forms: per client IP and per e-mail address (jii_campaign/ratelimits.py), as
# django-ratelimit rates ("10/10m": ten in ten minutes). docs/SECURITY.md explains each number.
RATE_LIMITS = {
    "donate_confirm": {"ip": "40/10m", "email": "20/10m"},
    "donate_pay": {"ip": "10/10m", "email": "6/10m"},
    "manage": {"ip": "10/h", "email": "3/h"},
    # Sign-in links to the supporter page (donations/supporters/).
    "supporter_sign_in": {"ip": "10/h", "email": "3/h"},
    # Cheering messages and bank-transfer pledges: a person sends one or two.
    "support_message": {"ip": "5/10m"},
    "bank_pledge": {"ip": "5/h", "email": "5/h"},
    # Stripe reads behind the thank-you page, per Checkout session.
    "thanks_stripe": {"session": "10/m"},
    # One-click unsubscribe (updates/): mail clients POST once per message.
    "unsubscribe": {"ip": "30/10m"},
}
# Proxies in front of the site that append to X-Forwarded-For (jii_campaign/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "jii_campaign.client_ip.client_ip"
# While Redis cannot be reached, jii_campaign/ratelimits.py counts in each process's memory
# instead (docs/SECURITY.md); this covers a cache that answers with nothing at all.
RATELIMIT_FAIL_OPEN = True
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit knows only django-redis and memcached; Django's own RedisCache counts
    # atomically too (INCR). LocMemCache counts per process: jii.W004 asks for REDIS_URL.
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]

# The admin's address (with its trailing slash): somewhere less guessed than /admin/ if wanted.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/").strip("/") + "/"

# django-axes: failed admin logins are counted in the database (shared by every process); after
# AXES_FAILURE_LIMIT failures from one client address, or for one username, logins are refused
# for AXES_COOLOFF_TIME hours. Staff unlock in the admin (Axes > Access attempts) or with
# `manage.py axes_reset` (docs/staff-guide.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "jii_campaign.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "jii_campaign/admin_locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# The second factor (jii_campaign/second_factor.py): the name authenticator apps show, and the
# pause after each wrong code (1 s, doubling per failure: django-otp's throttling).
OTP_TOTP_ISSUER = "JII Partners"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# 管理者 delete a colleague's lost authenticator in the admin; nobody reads its key or codes there.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
# The languages the site offers, in the switcher's order. Adding one (Indonesian, Burmese …) is its
# catalogue under locale/ and a line here (its own-script name comes from Django's LANG_INFO or
# jii_campaign/languages.py). "ja-x-easy" is やさしい日本語 (BCP 47 private use of Japanese, so
# browsers, fonts and screen readers treat it as Japanese); "tl" is Tagalog/Filipino.
LANGUAGES = [
    ("ja", pgettext_lazy("language", "Japanese")),
    ("ja-x-easy", pgettext_lazy("language", "Easy Japanese")),
    ("en", pgettext_lazy("language", "English")),
    ("zh-hans", pgettext_lazy("language", "Simplified Chinese")),
    ("vi", pgettext_lazy("language", "Vietnamese")),
    ("ko", pgettext_lazy("language", "Korean")),
    ("pt-br", pgettext_lazy("language", "Portuguese (Brazil)")),
    ("tl", pgettext_lazy("language", "Tagalog")),
    ("ne", pgettext_lazy("language", "Nepali")),
]
# The offered languages Django's LANG_INFO does not know (get_language_info: the admin's translated
# fields, the language menu). ja-x-easy is read as Japanese, left to right, like ja.
LANG_INFO.update(
    {
        "ja-x-easy": {
            "bidi": False,
            "code": "ja-x-easy",
            "name": "Easy Japanese",
            "name_local": "やさしい にほんご",
        },
        "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
    }
)
# The site's catalogues, then Django's own messages for an offered language Django ships none for
# (Tagalog): without them a missing message falls back to LANGUAGE_CODE, Japanese.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "jii_campaign" / "django_catalogues"]
# Date formats for the languages Django ships none for (やさしい日本語, Tagalog).
FORMAT_MODULE_PATH = ["jii_campaign.formats"]
# Staff-edited text in every language (each app's translation.py). A language left empty falls
# back to やさしい日本語, then to Japanese; templates mark the fallback with its lang
# (site_tags.localized).
MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ja-x-easy", "ja"), "ja-x-easy": ("ja",)}
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Small site, one volume: Django serves uploads itself unless a proxy does (SERVE_MEDIA=false).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Whole cached pages and rate-limit counts: in Redis when REDIS_URL is set, shared by every
# process of every machine; otherwise in each process's own memory. Either way the pages' version
# is also kept in the database, which every process reads at most every
# PAGE_CACHE_VERSION_POLL_SECONDS: without Redis every process of one machine (web, event worker,
# commands) learns of a change within that time; with Redis it carries the changes Redis missed
# during an outage (jii_campaign/page_cache.py, docs/DEPLOYMENT.md). The admin lockout counts
# in the database.
REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that stops answering costs a request at most this long (then jii_campaign/cache_outage.py
# leaves it alone for a second): pages are rendered from the database instead.
REDIS_TIMEOUT_SECONDS = 0.5
CACHES = {
    "default": (
        {
            "BACKEND": "jii_campaign.shared_cache.HeldClientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
PAGE_CACHE_VERSION_POLL_SECONDS = 0.5
# A cached page is rendered again at most this often, however many changes commit meanwhile (a
# burst of gifts bumps the version many times a second): a stale page is served for one such
# window after its render, and one more only while another request renders it, so each change
# shows within twice this time (a second), with Redis or without.
PAGE_CACHE_RERENDER_SECONDS = 0.5
# Each process reads the version's token from Redis at most this often (a hit then costs no
# round trip most of the time); another process's change still shows within the second above.
PAGE_CACHE_TOKEN_READ_SECONDS = 0.1

# Uploaded images on S3-compatible object storage (django-storages) when a bucket is named, so
# that every instance sees every upload; local files under MEDIA_ROOT otherwise.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
MEDIA_S3_ENDPOINT_URL = env.str("MEDIA_S3_ENDPOINT_URL", default="")
MEDIA_S3_CUSTOM_DOMAIN = env.str("MEDIA_S3_CUSTOM_DOMAIN", default="")
MEDIA_ORIGINS = []
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN or None,
            # Public images under stable URLs: cached pages must not carry expiring signatures.
            "querystring_auth": False,
            "file_overwrite": False,
            "addressing_style": "path" if MEDIA_S3_ENDPOINT_URL else None,
        },
    }
    MEDIA_ORIGINS = [
        f"https://{MEDIA_S3_CUSTOM_DOMAIN}"
        if MEDIA_S3_CUSTOM_DOMAIN
        else MEDIA_S3_ENDPOINT_URL.rstrip("/")
        if MEDIA_S3_ENDPOINT_URL
        else f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"
    ]
    SERVE_MEDIA = False

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="JIIパートナーズ <info@j-ii.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering fails the send (retried later) instead of holding the worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Activity reports (updates/): a transactional e-mail service through django-anymail when
# EMAIL_SERVICE names one (its API key in EMAIL_SERVICE_API_KEY); its tracking webhook
# (/anymail/<service>/tracking/, HTTP basic auth EMAIL_WEBHOOK_SECRET "user:password") stops mail
# to addresses that bounce or complain. Without it, EMAIL_URL's backend sends everything.
EMAIL_SERVICE = env.str("EMAIL_SERVICE", default="")
EMAIL_SERVICE_API_KEYS = {
    "postmark": "POSTMARK_SERVER_TOKEN",
    "sendgrid": "SENDGRID_API_KEY",
    "mailgun": "MAILGUN_API_KEY",
    "brevo": "BREVO_API_KEY",
    "resend": "RESEND_API_KEY",
}
ANYMAIL = {"WEBHOOK_SECRET": env.str("EMAIL_WEBHOOK_SECRET", default="") or None}
if EMAIL_SERVICE:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_SERVICE}.EmailBackend"
    if EMAIL_SERVICE_API_KEYS.get(EMAIL_SERVICE):
        ANYMAIL[EMAIL_SERVICE_API_KEYS[EMAIL_SERVICE]] = env.str(
            "EMAIL_SERVICE_API_KEY", default=""
        )
UPDATES_SEND_PER_MINUTE = env.int("UPDATES_SEND_PER_MINUTE", default=60)

TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# Stripe. Without a secret key the site offers a clearly labelled local test checkout instead.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# While rotating the signing secret: the old one(s), still accepted (docs/DEPLOYMENT.md).
STRIPE_WEBHOOK_PREVIOUS_SECRETS = env.list("STRIPE_WEBHOOK_PREVIOUS_SECRETS", default=[])
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_KONBINI_ENABLED = env.bool("STRIPE_KONBINI_ENABLED", default=False)
# The labelled offline stand-in for Checkout, only where no real key is set; never in production.
LOCAL_TEST_CHECKOUT = env.bool("LOCAL_TEST_CHECKOUT", default=DEBUG)
STRIPE_CHECKOUT_ORIGINS = env.list(
    "STRIPE_CHECKOUT_ORIGINS", default=["https://checkout.stripe.com", "https://billing.stripe.com"]
)
# A secret key without a webhook secret is refused by a system check (jii.E001), which
# `manage.py stripe_setup` skips: it is the command that creates the endpoint and its secret.

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Chromium applies form-action to the redirect after a POST: Checkout lives on Stripe.
        "form-action": [SELF, *STRIPE_CHECKOUT_ORIGINS],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF token from its cookie (forms carry it), so scripts need not see it.
CSRF_COOKIE_HTTPONLY = True
# Browser features no page uses, all switched off (Permissions-Policy: camera=(), ...). Checkout
# and the customer portal are pages on Stripe's own origin, so `payment` is off here too.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# JSON lines on stderr in production (LOG_FORMAT=json), plain text on a developer's machine.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No e-mail address, manage-link token, secret or card number reaches a log line.
    "filters": {"redact": {"()": "jii_campaign.log_redaction.RedactingFilter"}},
    "formatters": {
        "json": {"()": "jii_campaign.log_format.JsonLinesFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own request warnings ("Not Found: /path") through the same filter, not around.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint reports every step of every PDF receipt at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
