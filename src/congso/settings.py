"""Settings for congso, read from the environment.

Every setting is documented in docs/operations.md. The default profile is production-safe
(DEBUG off, secure cookies, a SECRET_KEY is required). ``CONGSO_PROFILE=demo`` turns on the
conveniences of the local demo (a generated secret key, HTTP cookies, the sandbox apps) but keeps DEBUG
off, so the demo shows the product's own error pages; ``CONGSO_DEBUG=1`` turns Django's debug pages on
for a developer in any profile. ``CONGSO_PROFILE=test`` is what the test suite uses.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()

PROFILE = env.str("CONGSO_PROFILE", default="production")
if PROFILE not in {"production", "demo", "test"}:
    raise RuntimeError(f"CONGSO_PROFILE must be production, demo or test, not {PROFILE!r}")
IS_PRODUCTION = PROFILE == "production"

# Where the embedded SQLite database, uploaded files and local state live by default.
VAR_DIR = Path(env.str("CONGSO_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off in every profile: the demo is shown to people who must see the product's own 404/500 pages, never
# Django's technical page (URL map, settings). A developer asks for it with CONGSO_DEBUG=1 (or DEBUG=1).
DEBUG = env.bool("CONGSO_DEBUG", default=env.bool("DEBUG", default=False))

if IS_PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: production refuses to start without one
else:
    SECRET_KEY = env.str("SECRET_KEY", default=f"insecure-{PROFILE}-key-never-use-in-production-0123456789")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "congso.core",
    "congso.agencies",
    "congso.identity",
    "congso.catalog",
    "congso.dossiers",
    "congso.workflow",
    "congso.workspace",
    "congso.portal",
    "congso.lgsp",
    "congso.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The Django admin, with congso's entry rule and default-deny below the platform (agencies.admin_site).
    "congso.agencies.admin_config.CongsoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
]
# Simulators of national systems (population database, business registry): never in production.
# Turning them on there explicitly is an error, not a silent no; the app itself also refuses to start in
# the production profile, whichever way it was installed (congso.sandbox.apps).
CONGSO_SANDBOX_ENABLED = env.bool("CONGSO_SANDBOX_ENABLED", default=not IS_PRODUCTION)
if CONGSO_SANDBOX_ENABLED and IS_PRODUCTION:
    raise RuntimeError(
        "CONGSO_SANDBOX_ENABLED cannot be on in the production profile (fake national systems)."
    )
if CONGSO_SANDBOX_ENABLED:
    INSTALLED_APPS.append("congso.sandbox")
# Plugins a province adds without forking: extra Django apps (their subscribers.py, registries…).
INSTALLED_APPS += env.list("CONGSO_EXTRA_APPS", default=[])

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "congso.core.middleware.RequestContextMiddleware",
    # Axes must be last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congso.urls"
WSGI_APPLICATION = "congso.wsgi.application"

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
                "congso.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default so a new machine runs the demo with no server; PostgreSQL is
# production and CI, chosen with DATABASE_URL=postgres://user@host:5432/name.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'congso.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # A file, not memory: worker and browser tests share the test database with other processes.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_congso.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (django.tasks API, database backend) -----------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "outbox"],
    }
}

# --- Identity ------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "congso.identity.backends.UsernameOrNationalIdBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:after-login"
LOGOUT_REDIRECT_URL = "portal:home"

# The reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For is believed
# when they are the direct peer; empty: the site is served directly and REMOTE_ADDR is the client.
# Every reader of the client address goes through congso.core.net.client_address.
CONGSO_TRUSTED_PROXIES = env.list("CONGSO_TRUSTED_PROXIES", default=[])

# Lockout after repeated failures (django-axes): per account, and per client address alone (a lock by
# address and User-Agent was escaped by changing the User-Agent on every try).
AXES_FAILURE_LIMIT = env.int("CONGSO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("CONGSO_LOGIN_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "congso.core.net.axes_client_ip"
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
# Count every spelling of one account (case, spaces, a national ID typed with dots) as one account,
# also on the admin sign-in page; and always answer a lockout with the HTML page (axes's JSON answer
# to XMLHttpRequest would reveal the user name behind a national ID).
AXES_USERNAME_CALLABLE = "congso.identity.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "congso.identity.lockout.lockout_response"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)  # a reset link lasts one hour
# Password-reset requests answered with an e-mail: per account, and per client address (whatever the
# address asked for). Beyond them the page is the same but no mail leaves (identity.services).
CONGSO_PASSWORD_RESET_ACCOUNT_LIMIT = env.int("CONGSO_PASSWORD_RESET_ACCOUNT_LIMIT", default=3)
CONGSO_PASSWORD_RESET_ACCOUNT_WINDOW_SECONDS = env.int(
    "CONGSO_PASSWORD_RESET_ACCOUNT_WINDOW_SECONDS", default=3600
)
CONGSO_PASSWORD_RESET_ADDRESS_LIMIT = env.int("CONGSO_PASSWORD_RESET_ADDRESS_LIMIT", default=10)
CONGSO_PASSWORD_RESET_ADDRESS_WINDOW_SECONDS = env.int(
    "CONGSO_PASSWORD_RESET_ADDRESS_WINDOW_SECONDS", default=3600
)

# --- Internationalisation: Vietnamese first, English second --------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "congso_language"
LANGUAGE_COOKIE_SECURE = env.bool("CONGSO_SECURE_COOKIES", default=IS_PRODUCTION)  # as SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the shell's own CSS, JS and images (src/congso/static)
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files are never served from a public URL (MEDIA_URL stays unset and no route serves
# MEDIA_ROOT): views that check permissions stream them as attachments with a safe type.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if not IS_PRODUCTION else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="congso <no-reply@congso.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
SECURE_COOKIES = env.bool("CONGSO_SECURE_COOKIES", default=IS_PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_NAME = "congso_session"
CSRF_COOKIE_NAME = "congso_csrf"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# HSTS: on by default in production (one year), so that a browser that has once reached the portal over
# HTTPS never falls back to HTTP. Subdomains are included unless the province says otherwise; preloading
# is an opt-in (it binds the registrable domain, which a province rarely owns alone under gov.vn), so
# Django's reminder about it (security.W021) is silenced while it is off.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Deployment warnings an operator has reviewed and accepts (``congso check`` fails on every other one).
SILENCED_SYSTEM_CHECKS = env.list("CONGSO_SILENCED_SYSTEM_CHECKS", default=[]) + (
    [] if SECURE_HSTS_PRELOAD else ["security.W021"]
)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("CONGSO_BEHIND_TLS_PROXY", default=False) else None
)

# Strict Content-Security-Policy: only our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Platform ---------------------------------------------------------------------------------
# The demo province and the pattern of legal identifiers are configuration (STANDARDS.md [verify]).
CONGSO_PROVINCE_NAME = env.str("CONGSO_PROVINCE_NAME", default="Bình Dương")
# Group letter and number of the province in agency electronic codes (QCVN 102:2016), e.g. H08 [verify].
CONGSO_PROVINCE_AGENCY_GROUP = env.str("CONGSO_PROVINCE_AGENCY_GROUP", default="H08")
CONGSO_SITE_NAME = env.str("CONGSO_SITE_NAME", default="Cổng dịch vụ công tỉnh Bình Dương")
CONGSO_SITE_NAME_EN = env.str("CONGSO_SITE_NAME_EN", default="Bình Dương Province Public Service Portal")
# A worker writes a heartbeat every CONGSO_WORKER_HEARTBEAT_SECONDS; it is "alive" (for `congso check`,
# and for the outbox sweep, which releases the deliveries of dead workers) while its heartbeat is younger
# than CONGSO_WORKER_HEARTBEAT_MAX_AGE: a few intervals, so one slow write does not declare it dead.
CONGSO_WORKER_HEARTBEAT_SECONDS = env.float("CONGSO_WORKER_HEARTBEAT_SECONDS", default=5.0)
CONGSO_WORKER_HEARTBEAT_MAX_AGE = env.float(
    "CONGSO_WORKER_HEARTBEAT_MAX_AGE", default=3 * CONGSO_WORKER_HEARTBEAT_SECONDS
)
# While the database is unreachable the worker retries with exponential backoff capped at this.
CONGSO_WORKER_RECONNECT_MAX_SECONDS = env.float("CONGSO_WORKER_RECONNECT_MAX_SECONDS", default=30.0)
# Outbox delivery: attempts before a delivery is parked, and the backoff base in seconds.
CONGSO_OUTBOX_MAX_ATTEMPTS = env.int("CONGSO_OUTBOX_MAX_ATTEMPTS", default=8)
CONGSO_OUTBOX_BACKOFF_SECONDS = env.float("CONGSO_OUTBOX_BACKOFF_SECONDS", default=5.0)
CONGSO_OUTBOX_BACKOFF_MAX_SECONDS = env.float("CONGSO_OUTBOX_BACKOFF_MAX_SECONDS", default=3600.0)
# A delivery enqueued but not finished after this long is assumed lost (worker killed) and re-enqueued.
CONGSO_OUTBOX_STALE_SECONDS = env.float("CONGSO_OUTBOX_STALE_SECONDS", default=120.0)
# The LGSP gateway and its message log (lgsp/conf.py says what each does).
CONGSO_LGSP_GATEWAY_RELOAD_SECONDS = env.float("CONGSO_LGSP_GATEWAY_RELOAD_SECONDS", default=1.0)
CONGSO_LGSP_MAX_BODY_BYTES = env.int("CONGSO_LGSP_MAX_BODY_BYTES", default=10 * 1024 * 1024)
CONGSO_LGSP_REPLAY_WINDOW_SECONDS = env.int("CONGSO_LGSP_REPLAY_WINDOW_SECONDS", default=86400)
CONGSO_LGSP_CHECKPOINT_SECONDS = env.float("CONGSO_LGSP_CHECKPOINT_SECONDS", default=300.0)
CONGSO_LGSP_LOG_RETENTION_DAYS = env.int("CONGSO_LGSP_LOG_RETENTION_DAYS", default=365)
CONGSO_LGSP_LOG_ARCHIVE_DIR = env.str("CONGSO_LGSP_LOG_ARCHIVE_DIR", default="")
# Office hours for limits stated in working hours (core.working_days.due_at_hours): 8 hours a day.
CONGSO_OFFICE_HOURS = env.str("CONGSO_OFFICE_HOURS", default="07:30-11:30,13:00-17:00")
# The day joined to National Day until the year's announcement is entered: auto | before | after.
CONGSO_NATIONAL_DAY_EXTRA_DAY = env.str("CONGSO_NATIONAL_DAY_EXTRA_DAY", default="auto")
# Dossiers (STANDARDS.md §1): the code pattern is configuration because Circular 03/2025 may change it.
CONGSO_DOSSIER_CODE_PATTERN = env.str(
    "CONGSO_DOSSIER_CODE_PATTERN", default="{agency_code}-{date:%y%m%d}-{seq:04d}"
)
CONGSO_DOSSIER_AT_RISK_HOURS = env.int("CONGSO_DOSSIER_AT_RISK_HOURS", default=8)
CONGSO_DOSSIER_LOOKUP_PIN_LENGTH = env.int("CONGSO_DOSSIER_LOOKUP_PIN_LENGTH", default=8)
# Counter intake warns about a dossier of the same applicant and procedure received this recently.
CONGSO_DOSSIER_DUPLICATE_MINUTES = env.int("CONGSO_DOSSIER_DUPLICATE_MINUTES", default=30)
# Uploaded papers: type checked by content; a virus scan by ClamAV (clamd) when configured.
CONGSO_UPLOAD_MAX_BYTES = env.int("CONGSO_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CONGSO_UPLOAD_ALLOWED_TYPES = env.list(
    "CONGSO_UPLOAD_ALLOWED_TYPES", default=["application/pdf", "image/jpeg", "image/png"]
)
CONGSO_CLAMAV_SOCKET = env.str("CONGSO_CLAMAV_SOCKET", default="")
CONGSO_CLAMAV_HOST = env.str("CONGSO_CLAMAV_HOST", default="")
CONGSO_CLAMAV_PORT = env.int("CONGSO_CLAMAV_PORT", default=3310)
CONGSO_CLAMAV_TIMEOUT = env.int("CONGSO_CLAMAV_TIMEOUT", default=30)
CONGSO_CLAMAV_REQUIRED = env.bool("CONGSO_CLAMAV_REQUIRED", default=IS_PRODUCTION)
# A stored file that no row references is deleted by the sweep once older than this (a web process
# killed between writing a paper and committing its row leaves one). Keep it longer than any request.
CONGSO_ORPHAN_FILE_GRACE_SECONDS = env.int("CONGSO_ORPHAN_FILE_GRACE_SECONDS", default=6 * 3600)
# An unfinished online application (bản nháp) is kept this many days after its last save.
CONGSO_DRAFT_DAYS = env.int("CONGSO_DRAFT_DAYS", default=30)
# The public status page (tra cứu hồ sơ): lookups per client address, failed second factors per code.
CONGSO_LOOKUP_IP_LIMIT = env.int("CONGSO_LOOKUP_IP_LIMIT", default=30)
CONGSO_LOOKUP_IP_WINDOW_SECONDS = env.int("CONGSO_LOOKUP_IP_WINDOW_SECONDS", default=600)
CONGSO_LOOKUP_CODE_FAILURE_LIMIT = env.int("CONGSO_LOOKUP_CODE_FAILURE_LIMIT", default=10)
CONGSO_LOOKUP_CODE_WINDOW_SECONDS = env.int("CONGSO_LOOKUP_CODE_WINDOW_SECONDS", default=3600)
# PDFs (forms 01–07): the public address printed with a QR code on receipts, the font cache, limits.
CONGSO_PUBLIC_BASE_URL = env.str("CONGSO_PUBLIC_BASE_URL", default="")
CONGSO_PDF_FONT_DIR = Path(env.str("CONGSO_PDF_FONT_DIR", default=str(VAR_DIR / "fonts")))
CONGSO_PDF_MAX_SECONDS = env.int("CONGSO_PDF_MAX_SECONDS", default=120)
# The LGSP control plane (congso/lgsp/conf.py says what each one does).
CONGSO_LGSP_KEY_SECRET = env.str("CONGSO_LGSP_KEY_SECRET", default="")
CONGSO_LGSP_ISSUER = env.str("CONGSO_LGSP_ISSUER", default="")
CONGSO_LGSP_AUDIENCE = env.str("CONGSO_LGSP_AUDIENCE", default="congso-lgsp-gateway")
CONGSO_LGSP_TOKEN_SECONDS = env.int("CONGSO_LGSP_TOKEN_SECONDS", default=300)
CONGSO_LGSP_KEY_OVERLAP_SECONDS = env.int("CONGSO_LGSP_KEY_OVERLAP_SECONDS", default=3600)
CONGSO_LGSP_TOKEN_RATE_LIMIT = env.int("CONGSO_LGSP_TOKEN_RATE_LIMIT", default=60)
CONGSO_LGSP_TOKEN_RATE_WINDOW_SECONDS = env.int("CONGSO_LGSP_TOKEN_RATE_WINDOW_SECONDS", default=60)
CONGSO_LGSP_CLIENT_CERT_HEADER = env.str("CONGSO_LGSP_CLIENT_CERT_HEADER", default="")
CONGSO_LGSP_WEBHOOK_TIMEOUT_SECONDS = env.float("CONGSO_LGSP_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS = env.int("CONGSO_LGSP_WEBHOOK_MAX_ATTEMPTS", default=12)
CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS = env.float("CONGSO_LGSP_WEBHOOK_BACKOFF_SECONDS", default=10.0)
CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS = env.float("CONGSO_LGSP_WEBHOOK_BACKOFF_MAX_SECONDS", default=3600.0)
# Outside production the demo's and the tests' receivers run on this machine (lgsp/destinations.py).
CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = env.bool("CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK", default=not IS_PRODUCTION)
CONGSO_LGSP_WEBHOOK_STALE_SECONDS = env.float("CONGSO_LGSP_WEBHOOK_STALE_SECONDS", default=120.0)
CONGSO_LGSP_PULL_BATCH = env.int("CONGSO_LGSP_PULL_BATCH", default=100)
CONGSO_LGSP_EVENT_RETENTION_DAYS = env.int("CONGSO_LGSP_EVENT_RETENTION_DAYS", default=30)
CONGSO_LOGBOOK_PDF_MAX_ROWS = env.int("CONGSO_LOGBOOK_PDF_MAX_ROWS", default=300)
# Process monitoring pages are computed at most this often (seconds; 0 = always fresh).
CONGSO_MONITORING_CACHE_SECONDS = env.int("CONGSO_MONITORING_CACHE_SECONDS", default=60)
# The longest BPMN timer (timeDuration, or a timeDate this far from now), in days: checked at upload and
# when a dossier reaches the timer, so that a value like P99999999Y can never tie up a worker.
CONGSO_WORKFLOW_TIMER_MAX_DAYS = env.int("CONGSO_WORKFLOW_TIMER_MAX_DAYS", default=5 * 366)
# The simulators accept a call only with this bearer token (a shared secret of the demo; the LGSP
# gateway's signed token will be accepted too once it exists), and at most this many calls per client
# address and window.
CONGSO_SANDBOX_TOKEN = env.str("CONGSO_SANDBOX_TOKEN", default="congso-sandbox-demo-token")
CONGSO_SANDBOX_RATE_LIMIT = env.int("CONGSO_SANDBOX_RATE_LIMIT", default=600)
CONGSO_SANDBOX_RATE_WINDOW_SECONDS = env.int("CONGSO_SANDBOX_RATE_WINDOW_SECONDS", default=60)

# --- Open API (congso.api; docs/api.md) ---------------------------------------------------------
# The provider credential the LGSP gateway presents when it forwards a call to congso's API (the gateway
# reads it from CONGSO_LGSP_UPSTREAM_TOKEN_CONGSO_API); empty: calls through the gateway are refused.
CONGSO_API_GATEWAY_TOKEN = env.str("CONGSO_API_GATEWAY_TOKEN", default="")
# The API's service in the LGSP registry (MEMBER/SYSTEM/SERVICE): direct token calls are checked against
# its access rights as the gateway would; empty: direct token calls are refused.
CONGSO_API_SERVICE = env.str("CONGSO_API_SERVICE", default="")
CONGSO_API_IDEMPOTENCY_HOURS = env.float("CONGSO_API_IDEMPOTENCY_HOURS", default=24.0)
CONGSO_API_PAGE_SIZE = env.int("CONGSO_API_PAGE_SIZE", default=50)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "congso.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "congso — API mở cho hệ thống của cơ quan",
    "DESCRIPTION": "Thủ tục, cơ quan, hồ sơ một cửa và các thao tác xử lý hồ sơ (docs/api.md).",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "congso.api.schema.add_problem_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
