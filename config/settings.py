"""Settings for Familieliv, read from the environment.

With no variables at all the site runs embedded: SQLite under ``DATA_DIR``, no Redis,
Celery tasks run in-process and e-mail goes to the console. Setting ``DATABASE_URL``
(PostgreSQL) and ``REDIS_URL`` switches to services mode, where secrets must be given.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    HTTPS=(bool, False),
    DATABASE_URL=(str, ""),
    DB_CONN_MAX_AGE=(int, 60),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "Familieliv <noreply@familieliv.invalid>"),
    LANGUAGE_CODE=(str, "da"),
    TIME_ZONE=(str, "Europe/Copenhagen"),
    DATA_DIR=(str, str(BASE_DIR / "var")),
    STATIC_ROOT=(str, str(BASE_DIR / "staticfiles")),
    LOG_LEVEL=(str, "INFO"),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    RATELIMIT_IP_META_KEY=(str, ""),
    RATELIMIT_ENABLE=(bool, True),
    OUTBOX_CLAIM_LEASE_SECONDS=(int, 300),
    OUTBOX_SWEEP_SECONDS=(float, 60.0),
    LISTING_CACHE_SECONDS=(int, 15),
    # Empty: on in services mode, off in the embedded demo.
    SECOND_FACTOR_FOR_SUPERUSERS=(str, ""),
    # How long personal data is kept before the daily purge anonymises it (README,
    # "Personal data"; the privacy notices read these).
    HOUSEHOLD_RETENTION_MONTHS=(int, 24),
    VOLUNTEER_RETENTION_MONTHS=(int, 24),
    OUTBOX_BODY_RETENTION_DAYS=(int, 90),
    # Where people write about their data (the privacy notices show them; empty: not shown).
    DATA_CONTROLLER_EMAIL=(str, ""),
    DATA_CONTROLLER_ADDRESS=(str, ""),
    DATA_PROTECTION_OFFICER_EMAIL=(str, ""),
)

DEBUG = env("DEBUG")
# A household with no booking, enrolment or visit for this long, and a volunteer who left
# this long ago, lose their personal data; a message's text goes this long after sending.
HOUSEHOLD_RETENTION_MONTHS = env("HOUSEHOLD_RETENTION_MONTHS")
VOLUNTEER_RETENTION_MONTHS = env("VOLUNTEER_RETENTION_MONTHS")
OUTBOX_BODY_RETENTION_DAYS = env("OUTBOX_BODY_RETENTION_DAYS")
# Each library's municipality is the data controller of what the site keeps (the branch's
# municipality names it on the privacy notices); these say how to reach it about personal
# data, for the installation as a whole, and its data protection officer.
DATA_CONTROLLER_EMAIL = env("DATA_CONTROLLER_EMAIL")
DATA_CONTROLLER_ADDRESS = env("DATA_CONTROLLER_ADDRESS")
DATA_PROTECTION_OFFICER_EMAIL = env("DATA_PROTECTION_OFFICER_EMAIL")
DATA_DIR = Path(env("DATA_DIR"))
DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
# Embedded mode: no external database configured, everything lives in DATA_DIR.
EMBEDDED = not DATABASE_URL


def _embedded_secret_key(data_dir: Path) -> str:
    """A random key made once per installation and kept beside the SQLite file."""
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set.")
    SECRET_KEY = _embedded_secret_key(DATA_DIR)

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
# The address links in messages point to.
SITE_URL = env("SITE_URL")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin on a site that refuses filters a list does not offer (common.admin_site).
    "common.admin_apps.FamilielivAdminConfig",
    "django.contrib.auth",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "phonenumber_field",
    # The audit trail of requests about a family's data (privacy.audit): before the apps,
    # whose admin (privacy.admin) replaces its own.
    "auditlog",
    # Lowest layer first, as pyproject.toml's import-linter contract lists them.
    "common",
    "notifications",
    "programmes",
    "partners",
    "households",
    "bookings",
    "courses",
    "attendance",
    "volunteers",
    "operations",
    "privacy",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer carries the policy, the refusals of the ones below too.
    "csp.middleware.CSPMiddleware",
    # Before the others read the query or the form: a NUL byte is refused first.
    "common.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.locale.VisitorLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "common.second_factor.SecondFactorMiddleware",
    # After the two above: the signed-in member of staff's language on the staff pages.
    "programmes.middleware.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A signed link past its time, replaced or broken: a page offering a new link.
    "common.middleware.SignedLinkMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "programmes.context_processors.listing_cache",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

if EMBEDDED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                # Writers queue up instead of failing, and a write transaction takes the
                # lock at BEGIN, so a capacity count and its insert cannot interleave.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env("DB_CONN_MAX_AGE")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "familieliv",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own memory, for what may differ between processes for a few seconds (the
# public listings): no network round trip on the busiest pages.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "familieliv-local",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE")
LANGUAGES = [
    ("da", _("Danish")),
    ("nb", _("Norwegian Bokmål")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times as each language writes them (config/formats): English day first, no
# seconds in the admin's inputs, Norwegian dates as 24.12.2026 rather than ISO 2026-12-24.
FORMAT_MODULE_PATH = ["config.formats"]
# The URL namespaces of the pages staff work on: each member of staff reads them in their
# own language, or their branches' (programmes.staff_language), whatever the address says.
STAFF_PAGES = ["admin", "attendance", "volunteers", "reports", "project_reports"]
# What librarians open every day, first on the admin's index in this order; the rest after
# it, under "More" (common.admin_site).
ADMIN_DAILY_MODELS = [
    "programmes.Session",
    "programmes.Series",
    "bookings.Booking",
    "courses.Enrolment",
    "courses.Course",
    "programmes.Programme",
    "volunteers.Shift",
    "volunteers.Volunteer",
]
# What the admin's index starts with: today's and this week's sessions at the librarian's
# branches and what needs them (named here so that common imports no higher app).
ADMIN_START_PAGE = "operations.start.start_page_context"
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True
# Phone numbers typed without a country code are read as the site language's country's;
# stored as E.164, shown in the international format (django-phonenumber-field).
PHONENUMBER_DEFAULT_REGION = {"nb": "NO"}.get(LANGUAGE_CODE, "DK")
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT"))
# Hashed, compressed names in every mode: collectstatic (make run, deployments) writes
# them with staticfiles.json, and WhiteNoise serves the hashed names for ten years
# (unhashed ones for a minute). The storage must not depend on the manifest's presence:
# then the first collectstatic ran with plain storage and never wrote one. The test suite
# swaps in plain storage (tests/conftest.py). Until collectstatic has run (a developer's
# runserver with DEBUG), WhiteNoise finds files in static/ as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "attendance:helper_today"
LOGOUT_REDIRECT_URL = "bookings:home"

# The public listings are cached this long (places left may lag by as much); the session
# page and the booking itself are always exact.
LISTING_CACHE_SECONDS = env("LISTING_CACHE_SECONDS")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default; filemail:///path keeps each message as a file;
# EMAIL_URL=smtp+tls://user:password@host:587 in production.
_email = env.email_url("EMAIL_URL")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(DATA_DIR / "mail")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis as broker when REDIS_URL is set; otherwise tasks run in-process, so an
# embedded site still produces every message without a server.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A message claimed by a worker that then died is sent again after this long. Keep it
# above CELERY_TASK_TIME_LIMIT: a worker still alive must never lose the rows it is sending.
OUTBOX_CLAIM_LEASE_SECONDS = env("OUTBOX_CLAIM_LEASE_SECONDS")
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": env("OUTBOX_SWEEP_SECONDS")},
    # Reminders, follow-ups and invitations are found in the database, never queued ahead.
    "plan-messages": {"task": "bookings.plan_messages", "schedule": env("OUTBOX_SWEEP_SECONDS")},
    "plan-course-messages": {
        "task": "courses.plan_messages",
        "schedule": env("OUTBOX_SWEEP_SECONDS"),
    },
    "plan-attendance-messages": {
        "task": "attendance.plan_messages",
        "schedule": env("OUTBOX_SWEEP_SECONDS"),
    },
    "plan-volunteer-messages": {
        "task": "volunteers.plan_messages",
        "schedule": env("OUTBOX_SWEEP_SECONDS"),
    },
    # Personal data past its retention period, anonymised every night (privacy.retention).
    "purge-personal-data": {
        "task": "privacy.purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
}
# What `manage.py plan_messages` runs without Celery beat (the embedded default): the
# bodies of the planning tasks above, named here so that no app imports another's.
MESSAGE_PLANNERS = [
    "bookings.outreach.plan_messages",
    "courses.outreach.plan_course_messages",
    "attendance.outreach.plan_attendance_messages",
    "volunteers.outreach.plan_volunteer_messages",
]
# What `manage.py plan_messages --every` also runs once a day (on starting, then every 24
# hours): the bodies of the daily beat tasks above.
DAILY_JOBS = [
    "privacy.retention.purge_personal_data",
]

if env("HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A year, subdomains too: browsers never try the site over plain HTTP again.
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Ready for the browsers' preload list; submitting the domain is the owner's choice.
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = True

# Behind a proxy, rate limits count the client's address from this header instead, e.g.
# HTTP_X_REAL_IP (set only by your proxy: a client could forge X-Forwarded-For).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY") or None
# Off only for load benchmarks, which send every request from one address.
RATELIMIT_ENABLE = env("RATELIMIT_ENABLE")

# Signed-in staff, helpers and coordinators work on shared library PCs: a session ends
# after a working day without a request (each request starts the clock again).
SESSION_COOKIE_AGE = 60 * 60 * 9
SESSION_SAVE_EVERY_REQUEST = True
# Sign-in protection (django-axes), on the admin's and the site's login alike: five wrong
# passwords for one user name lock that name for 15 minutes, from every address. Locking
# by name, not by address, keeps the other PCs behind a library's one address working.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # lock-outs are logged; not every sign-in
# By name on purpose (axes would have the address too): an address is limited by the
# login views' own rate limit instead (common.web.LOGIN_RATE), generous enough for a
# library's PCs behind one address, slow for someone trying many names.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A code from an authenticator app at sign-in (common.second_factor): superusers in
# services mode must have one; other staff may. Off in the embedded demo.
SECOND_FACTOR_FOR_SUPERUSERS = (
    env("SECOND_FACTOR_FOR_SUPERUSERS").lower() in ("1", "true", "yes", "on")
    if env("SECOND_FACTOR_FOR_SUPERUSERS")
    else not EMBEDDED
)
OTP_TOTP_ISSUER = "Familieliv"

# The audit trail (django-auditlog) keeps who asked for a household's data, never from
# which address: an address is personal data of its own.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# A failed CSRF check (an old page, cookies blocked) gets a page in the site's design.
CSRF_FAILURE_VIEW = "common.web.csrf_failure"

X_FRAME_OPTIONS = "DENY"
# The server error page stands alone (no template tag, no static file, so that it shows
# whatever broke): its one <style> element is allowed by its hash, which
# tests/common/test_csp.py checks against templates/500.html.
ERROR_PAGE_STYLE_HASH = "'sha256-WPnNdfL93v0hY/dfjWEYquToljPJ3awFnY08boHpBVU='"
# What a page may load and run: only the site's own files, never an inline script, event
# handler or style attribute, so that text someone slips into a page cannot act. A page
# that places things by numbers known only when it renders (the admin's week calendar)
# puts them in a <style> element carrying the request's nonce, which django-csp then adds.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE, ERROR_PAGE_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"

# Signed tokens in addresses are written as /manage/<redacted>/ (common.log_redaction):
# by the loggers that write addresses (a 404, runserver's request lines, a CSRF failure)
# before any handler sees them, and by the console for every other record.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "common.log_redaction.RedactTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "loggers": {
        "django.request": {"filters": ["redact_tokens"]},
        "django.security.csrf": {"filters": ["redact_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
}
