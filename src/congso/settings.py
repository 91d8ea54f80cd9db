"""Settings for congso, read from the environment.

Every setting is documented in docs/operations.md. The default profile is production-safe
(DEBUG off, secure cookies, a SECRET_KEY is required). ``CONGSO_PROFILE=demo`` turns on the
conveniences of the local demo (a generated secret key, HTTP cookies, the sandbox apps) but keeps DEBUG
off, so the demo shows the product's own error pages; ``CONGSO_DEBUG=1`` turns Django's debug pages on
for a developer in any profile. ``CONGSO_PROFILE=test`` is what the test suite uses.
"""

import importlib.util
import logging
import zoneinfo
from fractions import Fraction
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from congso.core.configuration import refusal

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


class _Env(environ.Env):
    """``environ.Env`` whose refusals name the variable: a value that does not parse (``CONGSO_WORKERS=two``)
    stops the process with ``ImproperlyConfigured`` saying, in Vietnamese and English, which variable and
    what it holds, never a bare ``ValueError`` from deep inside the parser (``congso`` prints it without a
    traceback)."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            held = f"{var}={self.ENVIRON.get(var, '')!r}"
            raise refusal(
                f"{held} không phải là giá trị hợp lệ ({exc})", f"{held} is not a valid value ({exc})"
            ) from None

    def bool(self, var, default=environ.Env.NOTSET):
        """A switch: one of environ's true words (``true``, ``on``, ``yes``, ``1``…) or a false one
        (``false``, ``off``, ``no``, ``0``, empty). Anything else stops the process naming the variable,
        where environ would read a typo (``DATABASE_PREPARED_STATEMENTS=ture``) as false."""
        raw = self.ENVIRON.get(var)
        # DEBUG is also other tools' variable (Node's DEBUG=namespace:*): read as environ reads it.
        if var != "DEBUG" and raw is not None and raw.strip().lower() not in _SWITCH_WORDS:
            raise refusal(
                f"{var}={raw!r} không phải là giá trị hợp lệ (true hoặc false)",
                f"{var}={raw!r} is not a valid value (true or false)",
            )
        return super().bool(var, default=default)


_SWITCH_WORDS = {word.lower() for word in environ.Env.BOOLEAN_TRUE_STRINGS} | {
    "false",
    "off",
    "no",
    "n",
    "0",
    "",
}

env = _Env()


def _fraction(name: str, default: str) -> float:
    """A share read as ``1/3`` or ``0.33``; anything else stops the process with the variable's name."""
    raw = env.str(name, default=default).strip()
    try:
        value = float(Fraction(raw))
    except (ValueError, ZeroDivisionError):
        raise refusal(
            f"{name} phải là một tỉ lệ như 1/3 hoặc 0.33, không phải {raw!r}",
            f"{name} must be a share such as 1/3 or 0.33, not {raw!r}",
        ) from None
    if not 0 < value <= 1:
        raise refusal(
            f"{name} phải là một tỉ lệ lớn hơn 0 và không quá 1, không phải {raw!r}",
            f"{name} must be a share between 0 and 1, not {raw!r}",
        )
    return value


PROFILE = env.str("CONGSO_PROFILE", default="production")
if PROFILE not in {"production", "demo", "test"}:
    raise refusal(
        f"CONGSO_PROFILE phải là production, demo hoặc test, không phải {PROFILE!r}",
        f"CONGSO_PROFILE must be production, demo or test, not {PROFILE!r}",
    )
IS_PRODUCTION = PROFILE == "production"

# Where the embedded SQLite database, uploaded files and local state live by default.
VAR_DIR = Path(env.str("CONGSO_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off in every profile: the demo is shown to people who must see the product's own 404/500 pages, never
# Django's technical page (URL map, settings). A developer asks for it with CONGSO_DEBUG=1 (or DEBUG=1).
DEBUG = env.bool("CONGSO_DEBUG", default=env.bool("DEBUG", default=False))

if IS_PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")  # no default: production refuses to start without one
    if not SECRET_KEY:
        raise refusal(
            "Cấu hình production (CONGSO_PROFILE=production, mặc định) bắt buộc có SECRET_KEY: đặt cho nó "
            "50 ký tự ngẫu nhiên trở lên (docs/operations.md), hoặc chạy bản demo trên máy với "
            "CONGSO_PROFILE=demo.",
            "SECRET_KEY is required in the production profile (CONGSO_PROFILE=production, the default): "
            "set it to 50+ random characters (docs/operations.md), or run the local demo with "
            "CONGSO_PROFILE=demo.",
        )
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
    "congso.reporting",
    "congso.nationalportal",
    "congso.payments",
    "congso.registries",
    "congso.notifications",
    "congso.documents",
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
    # Officials' second factor (TOTP); congso's own rules in identity.second_factor.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oauth2_provider",
]
# Simulators of national systems (population database, business registry): never in production.
# Turning them on there explicitly is an error, not a silent no; the app itself also refuses to start in
# the production profile, whichever way it was installed (congso.sandbox.apps).
CONGSO_SANDBOX_ENABLED = env.bool("CONGSO_SANDBOX_ENABLED", default=not IS_PRODUCTION)
if CONGSO_SANDBOX_ENABLED and IS_PRODUCTION:
    raise refusal(
        "Không được bật CONGSO_SANDBOX_ENABLED ở cấu hình production (hệ thống quốc gia giả lập).",
        "CONGSO_SANDBOX_ENABLED cannot be on in the production profile (fake national systems).",
    )
if CONGSO_SANDBOX_ENABLED:
    INSTALLED_APPS.append("congso.sandbox")


def _importable(app: str) -> bool:
    """Whether ``app`` (a package, or the dotted path of its ``AppConfig``) can be imported."""
    candidates = (app, app.rpartition(".")[0]) if "." in app else (app,)
    for name in candidates:
        try:
            if importlib.util.find_spec(name) is not None:
                return True
        except (ImportError, ValueError):
            continue
    return False


# Plugins a province adds without forking: extra Django apps (their subscribers.py, registries…).
CONGSO_EXTRA_APPS = env.list("CONGSO_EXTRA_APPS", default=[])
for _app in CONGSO_EXTRA_APPS:
    if not _importable(_app):
        raise refusal(
            f"CONGSO_EXTRA_APPS: không tìm thấy ứng dụng {_app!r} (chưa cài gói của nó, hoặc sai tên).",
            f"CONGSO_EXTRA_APPS: no application {_app!r} can be imported (its package is not installed, "
            "or the name is wrong).",
        )
INSTALLED_APPS += CONGSO_EXTRA_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "congso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Officials and staff reach nothing but the second-factor pages until they pass it (identity).
    "congso.identity.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A signed-in person's pages are never cached (Cache-Control: private, no-store).
    "congso.core.middleware.PrivateWhenSignedInMiddleware",
    # A blank 405 (a form's address opened directly) becomes a page; inside the headers' middleware above.
    "congso.core.middleware.MethodNotAllowedPageMiddleware",
    "congso.core.middleware.RequestContextMiddleware",
    # Axes must be last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "congso.urls"
WSGI_APPLICATION = "congso.wsgi.application"
# Django's form renderer with <input> and <textarea> written in Python (core.form_rendering: same markup).
FORM_RENDERER = "congso.core.form_rendering.FormRenderer"

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
    # Values bound by PostgreSQL, not written into the SQL text: what lets congso prepare its hot statements
    # (CONGSO_PREPARED_STATEMENTS below; docs/operations.md, "Prepared statements").
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DATABASE_SERVER_SIDE_BINDING", default=True
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The statements whose plan does not depend on their values (rows inserted, rows read by key) are prepared on
# their PostgreSQL connection and only executed after (core.postgresql.prepared). Off for a PgBouncer older
# than 1.21 in transaction mode, which cannot follow prepared statements between server connections.
CONGSO_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

# --- Background work (django.tasks API, database backend) -----------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "outbox", "notifications"],
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
# One-time codes of local accounts (identity.one_time_codes): 6 digits, valid 10 minutes, 5 tries each;
# a new code to one address at most once a minute, and sends limited per address and per client address.
CONGSO_ONE_TIME_CODE_LIFETIME_SECONDS = env.int("CONGSO_ONE_TIME_CODE_LIFETIME_SECONDS", default=600)
CONGSO_ONE_TIME_CODE_ATTEMPTS = env.int("CONGSO_ONE_TIME_CODE_ATTEMPTS", default=5)
CONGSO_ONE_TIME_CODE_RESEND_SECONDS = env.int("CONGSO_ONE_TIME_CODE_RESEND_SECONDS", default=60)
CONGSO_ONE_TIME_CODE_ADDRESS_LIMIT = env.int("CONGSO_ONE_TIME_CODE_ADDRESS_LIMIT", default=5)
CONGSO_ONE_TIME_CODE_CLIENT_LIMIT = env.int("CONGSO_ONE_TIME_CODE_CLIENT_LIMIT", default=20)
CONGSO_ONE_TIME_CODE_LIMIT_WINDOW_SECONDS = env.int("CONGSO_ONE_TIME_CODE_LIMIT_WINDOW_SECONDS", default=3600)

# --- Reporting ----------------------------------------------------------------------------
# The coordinating department that collects the agencies' IT-application reports each December (the
# Department of Science and Technology since March 2025) [verify per province].
CONGSO_REPORTING_COORDINATOR_CODE = env.str("CONGSO_REPORTING_COORDINATOR_CODE", default="000.00.06.H08")
# Points of Decision 766's five groups in the service-quality index (reporting.service_index), as JSON,
# e.g. {"digitisation": 20, "online": 24}; groups not named keep 18/20/22/22/18 [verify].
CONGSO_REPORTING_INDEX_WEIGHTS = env.json("CONGSO_REPORTING_INDEX_WEIGHTS", default={})
# --- OpenID Connect provider (django-oauth-toolkit; docs/sso.md) ----------------------------
# congso is the province's OpenID Connect provider: the signing key is an RSA private key (PEM) from the
# environment in production; keys retired by a rotation stay published in the JWKS until every token they
# signed has expired (CONGSO_OIDC_PRIVATE_KEYS_INACTIVE, PEMs separated by a blank line). The demo and
# test profiles generate a key once under CONGSO_VAR_DIR (web server and worker share it).
from congso.identity.oidc.keys import demo_private_key, split_pems  # noqa: E402

CONGSO_OIDC_PRIVATE_KEY = env.str("CONGSO_OIDC_PRIVATE_KEY", default="", multiline=True)
if not CONGSO_OIDC_PRIVATE_KEY and not IS_PRODUCTION:
    CONGSO_OIDC_PRIVATE_KEY = demo_private_key(VAR_DIR / "oidc-demo-key.pem")
CONGSO_OIDC_ISSUER = env.str("CONGSO_OIDC_ISSUER", default="")
# Back-channel logout tokens are POSTed by the worker with this timeout (seconds), to HTTPS addresses
# only in production (the demo's and the tests' receivers listen on this machine over HTTP).
CONGSO_OIDC_BACKCHANNEL_ALLOW_HTTP = env.bool("CONGSO_OIDC_BACKCHANNEL_ALLOW_HTTP", default=not IS_PRODUCTION)
CONGSO_OIDC_BACKCHANNEL_TIMEOUT_SECONDS = env.float("CONGSO_OIDC_BACKCHANNEL_TIMEOUT_SECONDS", default=5.0)
# The toolkit's own models (named because Django's migration autodetector resolves them as swappable).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": bool(CONGSO_OIDC_PRIVATE_KEY),
    "OIDC_RSA_PRIVATE_KEY": CONGSO_OIDC_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": split_pems(
        env.str("CONGSO_OIDC_PRIVATE_KEYS_INACTIVE", default="", multiline=True)
    ),
    "OIDC_ISS_ENDPOINT": CONGSO_OIDC_ISSUER,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "PKCE_REQUIRED": True,
    # The OAuth 2.0 Security BCP (RFC 9700) in full: no implicit or password grant, S256 only, tokens
    # never in query strings, the RFC 9207 ``iss`` in authorization responses, tokens stored hashed,
    # refresh-token replay revokes the family, HTTPS redirect URIs only.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ROTATE_REFRESH_TOKEN": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("CONGSO_OIDC_ACCESS_TOKEN_SECONDS", default=600),
    "ID_TOKEN_EXPIRE_SECONDS": env.int("CONGSO_OIDC_ID_TOKEN_SECONDS", default=600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("CONGSO_OIDC_REFRESH_TOKEN_SECONDS", default=8 * 3600),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "OAUTH2_VALIDATOR_CLASS": "congso.identity.oidc.validators.CongsoValidator",
    "SCOPES_BACKEND_CLASS": "congso.identity.oidc.scopes.CongsoScopes",
    "REQUEST_APPROVAL_PROMPT": "auto",
}

# --- Internationalisation: Vietnamese first, English second --------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise refusal(
        f"TIME_ZONE={TIME_ZONE!r} không phải là múi giờ IANA (ví dụ đúng: Asia/Ho_Chi_Minh).",
        f"TIME_ZONE={TIME_ZONE!r} is not an IANA time zone (for example Asia/Ho_Chi_Minh).",
    ) from None
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
# Django's database sessions, their row read by a named query (every signed-in request reads it).
SESSION_ENGINE = "congso.identity.sessions"
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
# The at-risk window as a share of the working time a dossier was allotted ("1/3" or "0.33"), and its
# smallest size in working hours (dossiers/conf.py).
CONGSO_DOSSIER_AT_RISK_SHARE = _fraction("CONGSO_DOSSIER_AT_RISK_SHARE", "1/3")
CONGSO_DOSSIER_AT_RISK_MIN_HOURS = env.float("CONGSO_DOSSIER_AT_RISK_MIN_HOURS", default=1.0)
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
# The plan's share of connected systems, and the upstream health probes (lgsp/conf.py, services/health.py).
CONGSO_LGSP_CONNECTED_TARGET = _fraction("CONGSO_LGSP_CONNECTED_TARGET", "0.6")
CONGSO_LGSP_HEALTH_SECONDS = env.float("CONGSO_LGSP_HEALTH_SECONDS", default=60.0)
CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS = env.float("CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS", default=5.0)
CONGSO_LOGBOOK_PDF_MAX_ROWS = env.int("CONGSO_LOGBOOK_PDF_MAX_ROWS", default=300)
# Process monitoring pages are computed at most this often (seconds; 0 = always fresh).
CONGSO_MONITORING_CACHE_SECONDS = env.int("CONGSO_MONITORING_CACHE_SECONDS", default=60)
# The longest BPMN timer (timeDuration, or a timeDate this far from now), in days: checked at upload and
# when a dossier reaches the timer, so that a value like P99999999Y can never tie up a worker.
CONGSO_WORKFLOW_TIMER_MAX_DAYS = env.int("CONGSO_WORKFLOW_TIMER_MAX_DAYS", default=5 * 366)
# The simulators accept a call only with this bearer token (a shared secret of the demo; the LGSP
# gateway's signed token will be accepted too once it exists), and at most this many calls per client
# address and window.
# The national registries through the LGSP (congso/registries/conf.py says what each one does). The
# consumer secret comes from the environment; outside production it defaults to the published demo one.
CONGSO_REGISTRIES_GATEWAY_URL = env.str("CONGSO_REGISTRIES_GATEWAY_URL", default="")
CONGSO_REGISTRIES_CLIENT_ID = env.str("CONGSO_REGISTRIES_CLIENT_ID", default="congso-registries")
CONGSO_REGISTRIES_CLIENT_SECRET = env.str(
    "CONGSO_REGISTRIES_CLIENT_SECRET",
    default="" if IS_PRODUCTION else "congso-registries-demo-secret-2026-not-for-production",
)
CONGSO_REGISTRIES_NATIONAL_PREFIX = env.str("CONGSO_REGISTRIES_NATIONAL_PREFIX", default="NDXP/QUOCGIA")
CONGSO_REGISTRIES_TIMEOUT_SECONDS = env.float("CONGSO_REGISTRIES_TIMEOUT_SECONDS", default=3.0)
CONGSO_REGISTRIES_CACHE_SECONDS = env.int("CONGSO_REGISTRIES_CACHE_SECONDS", default=120)
CONGSO_SANDBOX_TOKEN = env.str("CONGSO_SANDBOX_TOKEN", default="congso-sandbox-demo-token")
# The PIN the simulated remote signing service (CSC API v2) asks for; empty: the published demo PIN.
CONGSO_SANDBOX_CSC_PIN = env.str("CONGSO_SANDBOX_CSC_PIN", default="")
CONGSO_SANDBOX_RATE_LIMIT = env.int("CONGSO_SANDBOX_RATE_LIMIT", default=600)
CONGSO_SANDBOX_RATE_WINDOW_SECONDS = env.int("CONGSO_SANDBOX_RATE_WINDOW_SECONDS", default=60)
# The simulated national portal's adapter account (published demo values; the sandbox never runs in
# production).
CONGSO_SANDBOX_DVCQG_USERNAME = env.str("CONGSO_SANDBOX_DVCQG_USERNAME", default="congso-tinh")
CONGSO_SANDBOX_DVCQG_PASSWORD = env.str("CONGSO_SANDBOX_DVCQG_PASSWORD", default="congso-sandbox-dvcqg-demo")

# The link with the National Public Service Portal (docs/nationalportal.md). CONGSO_NATIONALPORTAL_LINK
# names the plugin of ``nationalportal.registry`` ("dvcqg"; empty = no link: nothing is pulled or
# reported). The adapter's address and endpoints are those of the DVCQG_INTEGRATION configuration
# (adapter_url, auth/share/integration endpoints, madonvi, username, password); the password only from
# the environment. Outside production they default to this server's simulated portal.
_SIMULATED_DVCQG = CONGSO_SANDBOX_ENABLED and PROFILE == "demo"
CONGSO_NATIONALPORTAL_LINK = env.str(
    "CONGSO_NATIONALPORTAL_LINK", default="dvcqg" if _SIMULATED_DVCQG else ""
)
CONGSO_DVCQG_ADAPTER_URL = env.str(
    "CONGSO_DVCQG_ADAPTER_URL",
    default=(
        env.str("CONGSO_DEMO_WEB_URL", default=f"http://127.0.0.1:{env.str('CONGSO_PORT', default='8000')}")
        + "/sandbox/dvcqg"
    )
    if _SIMULATED_DVCQG
    else "",
)
CONGSO_DVCQG_AUTH_ENDPOINT = env.str("CONGSO_DVCQG_AUTH_ENDPOINT", default="/api/auth")
CONGSO_DVCQG_SHARE_ENDPOINT = env.str("CONGSO_DVCQG_SHARE_ENDPOINT", default="/api/share")
CONGSO_DVCQG_INTEGRATION_ENDPOINT = env.str("CONGSO_DVCQG_INTEGRATION_ENDPOINT", default="/api/integration")
CONGSO_DVCQG_MADONVI = env.str("CONGSO_DVCQG_MADONVI", default="H08")
CONGSO_DVCQG_USERNAME = env.str("CONGSO_DVCQG_USERNAME", default="" if IS_PRODUCTION else "congso-tinh")
CONGSO_DVCQG_PASSWORD = env.str(
    "CONGSO_DVCQG_PASSWORD", default="" if IS_PRODUCTION else "congso-sandbox-dvcqg-demo"
)
CONGSO_DVCQG_TIMEOUT_SECONDS = env.float("CONGSO_DVCQG_TIMEOUT_SECONDS", default=10.0)
# Through the LGSP gateway: its token address and this link's client credentials (secret from env only).
CONGSO_DVCQG_LGSP_TOKEN_URL = env.str("CONGSO_DVCQG_LGSP_TOKEN_URL", default="")
CONGSO_DVCQG_LGSP_CLIENT_ID = env.str("CONGSO_DVCQG_LGSP_CLIENT_ID", default="")
CONGSO_DVCQG_LGSP_CLIENT_SECRET = env.str("CONGSO_DVCQG_LGSP_CLIENT_SECRET", default="")
# Status reports: the first retry after this many seconds, doubling up to the cap.
CONGSO_NATIONALPORTAL_BACKOFF_SECONDS = env.int("CONGSO_NATIONALPORTAL_BACKOFF_SECONDS", default=30)
CONGSO_NATIONALPORTAL_BACKOFF_MAX_SECONDS = env.int("CONGSO_NATIONALPORTAL_BACKOFF_MAX_SECONDS", default=3600)
# The simulated VNeID provider (/sandbox/vneid/, docs/identity.md): the one relying party it knows. An
# empty redirect-URI list accepts only callbacks on the provider's own origin (the demo's single server).
CONGSO_SANDBOX_VNEID_CLIENT_ID = env.str("CONGSO_SANDBOX_VNEID_CLIENT_ID", default="congso-portal")
CONGSO_SANDBOX_VNEID_CLIENT_SECRET = env.str(
    "CONGSO_SANDBOX_VNEID_CLIENT_SECRET", default="congso-vneid-demo-secret"
)
CONGSO_SANDBOX_VNEID_REDIRECT_URIS = env.list("CONGSO_SANDBOX_VNEID_REDIRECT_URIS", default=[])

# --- National e-ID (VNeID) federation: congso as an OpenID Connect relying party (docs/identity.md) ---
# Issuer URL of the upstream provider; empty turns the "Đăng nhập bằng VNeID" method off. Outside
# production it defaults to the sandbox simulator on the demo's web server.
_DEMO_WEB_URL = (
    env.str("CONGSO_DEMO_WEB_URL", default="") or f"http://127.0.0.1:{env.str('CONGSO_PORT', default='8000')}"
)
# The demo's own web server (the port `congso demo --port` gave every process): where links and the
# simulators point when CONGSO_PUBLIC_BASE_URL is not set.
CONGSO_LOCAL_WEB_URL = _DEMO_WEB_URL
CONGSO_VNEID_ISSUER = env.str(
    "CONGSO_VNEID_ISSUER",
    default=""
    if IS_PRODUCTION or not CONGSO_SANDBOX_ENABLED
    else f"{_DEMO_WEB_URL.rstrip('/')}/sandbox/vneid",
)
CONGSO_VNEID_CLIENT_ID = env.str("CONGSO_VNEID_CLIENT_ID", default="" if IS_PRODUCTION else "congso-portal")
CONGSO_VNEID_CLIENT_SECRET = env.str(
    "CONGSO_VNEID_CLIENT_SECRET", default="" if IS_PRODUCTION else "congso-vneid-demo-secret"
)
# Officials' sessions end after this many seconds without a request (identity.second_factor).
CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS = env.int("CONGSO_OFFICIAL_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# WebAuthn (officials' security keys, identity.webauthn_keys): the relying party ID is the site's domain
# (empty: the host the request came to, without its port); a key registered for one ID works only there.
CONGSO_WEBAUTHN_RP_ID = env.str("CONGSO_WEBAUTHN_RP_ID", default="")
# The issuer name an authenticator app shows next to an official's TOTP entry.
CONGSO_TOTP_ISSUER = env.str("CONGSO_TOTP_ISSUER", default="Congso")
OTP_TOTP_ISSUER = CONGSO_TOTP_ISSUER
# Seconds the provider's discovery document and keys are kept before being fetched again.
CONGSO_VNEID_METADATA_CACHE_SECONDS = env.int("CONGSO_VNEID_METADATA_CACHE_SECONDS", default=3600)
CONGSO_VNEID_HTTP_TIMEOUT_SECONDS = env.float("CONGSO_VNEID_HTTP_TIMEOUT_SECONDS", default=10.0)
# The national registers that mandates are checked against (identity.mandates.registers): the LGSP
# gateway's addresses in production; outside it, the sandbox simulators on this machine's web server.
_SANDBOX_BASE = f"http://127.0.0.1:{env.str('CONGSO_PORT', default='8000')}/sandbox"
CONGSO_BUSINESS_REGISTRY_URL = env.str(
    "CONGSO_BUSINESS_REGISTRY_URL", default="" if IS_PRODUCTION else _SANDBOX_BASE + "/dang-ky-kinh-doanh"
)
CONGSO_POPULATION_REGISTRY_URL = env.str(
    "CONGSO_POPULATION_REGISTRY_URL", default="" if IS_PRODUCTION else _SANDBOX_BASE + "/csdlqg-dan-cu"
)
CONGSO_REGISTRY_TOKEN = env.str(
    "CONGSO_REGISTRY_TOKEN", default="" if IS_PRODUCTION else CONGSO_SANDBOX_TOKEN
)
CONGSO_REGISTRY_TIMEOUT_SECONDS = env.float("CONGSO_REGISTRY_TIMEOUT_SECONDS", default=10.0)
# Online fee payment (congso.payments, docs/payments.md): the providers offered, in order; each provider's
# address ("" = the sandbox on this site, outside production) and the merchant's keys (secrets: from the
# environment; the demo defaults are refused in production, where they are empty).
CONGSO_PAYMENTS_PROVIDERS = env.list("CONGSO_PAYMENTS_PROVIDERS", default=["vnpay", "dvcqg"])
CONGSO_PAYMENTS_INTENT_MINUTES = env.int("CONGSO_PAYMENTS_INTENT_MINUTES", default=15)
CONGSO_PAYMENTS_VNPAY_URL = env.str("CONGSO_PAYMENTS_VNPAY_URL", default="")
CONGSO_PAYMENTS_VNPAY_TMN_CODE = env.str(
    "CONGSO_PAYMENTS_VNPAY_TMN_CODE", default="" if IS_PRODUCTION else "CONGSO01"
)
CONGSO_PAYMENTS_VNPAY_HASH_SECRET = env.str(
    "CONGSO_PAYMENTS_VNPAY_HASH_SECRET", default="" if IS_PRODUCTION else "congso-vnpay-demo-secret"
)
CONGSO_PAYMENTS_DVCQG_URL = env.str("CONGSO_PAYMENTS_DVCQG_URL", default="")
CONGSO_PAYMENTS_DVCQG_PARTNER_CODE = env.str(
    "CONGSO_PAYMENTS_DVCQG_PARTNER_CODE", default="" if IS_PRODUCTION else "CONGSO"
)
CONGSO_PAYMENTS_DVCQG_SECRET = env.str(
    "CONGSO_PAYMENTS_DVCQG_SECRET", default="" if IS_PRODUCTION else "congso-dvcqg-demo-secret"
)
CONGSO_PAYMENTS_DVCQG_ACCESS_TOKEN = env.str(
    "CONGSO_PAYMENTS_DVCQG_ACCESS_TOKEN", default="" if IS_PRODUCTION else "congso-dvcqg-demo-token"
)
# The simulated payment gateways (sandbox.payment_gateway): their side of the merchant's keys, and where
# they notify the merchant ("" = the merchant's standard address on the return URL's host).
CONGSO_SANDBOX_VNPAY_TMN_CODE = env.str("CONGSO_SANDBOX_VNPAY_TMN_CODE", default="CONGSO01")
CONGSO_SANDBOX_VNPAY_HASH_SECRET = env.str(
    "CONGSO_SANDBOX_VNPAY_HASH_SECRET", default="congso-vnpay-demo-secret"
)
CONGSO_SANDBOX_VNPAY_IPN_URL = env.str("CONGSO_SANDBOX_VNPAY_IPN_URL", default="")
CONGSO_SANDBOX_DVCQG_PARTNER_CODE = env.str("CONGSO_SANDBOX_DVCQG_PARTNER_CODE", default="CONGSO")
CONGSO_SANDBOX_DVCQG_SECRET = env.str("CONGSO_SANDBOX_DVCQG_SECRET", default="congso-dvcqg-demo-secret")
CONGSO_SANDBOX_DVCQG_ACCESS_TOKEN = env.str(
    "CONGSO_SANDBOX_DVCQG_ACCESS_TOKEN", default="congso-dvcqg-demo-token"
)
CONGSO_SANDBOX_DVCQG_CONFIRM_URL = env.str("CONGSO_SANDBOX_DVCQG_CONFIRM_URL", default="")
# The simulated SMS gateway (sandbox/sms.py) accepts these keys (the demo's defaults of CONGSO_SMS_*).
CONGSO_SANDBOX_SMS_API_KEY = env.str("CONGSO_SANDBOX_SMS_API_KEY", default="congso-sms-demo-key")
CONGSO_SANDBOX_SMS_SECRET_KEY = env.str("CONGSO_SANDBOX_SMS_SECRET_KEY", default="congso-sms-demo-secret")

# Notifications (docs/notifications.md). The SMS gateway: an eSMS-style brand-name JSON API; its keys are
# secrets (environment only). Outside production the default is the sandbox's simulated gateway.
CONGSO_SMS_GATEWAY_URL = env.str("CONGSO_SMS_GATEWAY_URL", default="" if IS_PRODUCTION else "sandbox")
CONGSO_SMS_API_KEY = env.str("CONGSO_SMS_API_KEY", default="" if IS_PRODUCTION else "congso-sms-demo-key")
CONGSO_SMS_SECRET_KEY = env.str(
    "CONGSO_SMS_SECRET_KEY", default="" if IS_PRODUCTION else "congso-sms-demo-secret"
)
CONGSO_SMS_BRANDNAME = env.str("CONGSO_SMS_BRANDNAME", default="CONGSO")
CONGSO_SMS_TIMEOUT_SECONDS = env.float("CONGSO_SMS_TIMEOUT_SECONDS", default=5.0)
# Requests a worker sends to the SMS gateway at once within a batch (its pool of keep-alive connections).
CONGSO_SMS_CONCURRENCY = env.int("CONGSO_SMS_CONCURRENCY", default=16)
# SMTP sessions a worker opens at once for one batch of e-mail notifications (the SMTP backend only).
CONGSO_EMAIL_CONCURRENCY = env.int("CONGSO_EMAIL_CONCURRENCY", default=4)
# Signs the delivery-report callback address given to the gateway (HMAC of the message id).
CONGSO_SMS_CALLBACK_SECRET = env.str(
    "CONGSO_SMS_CALLBACK_SECRET", default="" if IS_PRODUCTION else "congso-dlr-demo"
)
# Messages per second per channel, across all workers; attempts before a notification fails; backoff.
CONGSO_NOTIFICATIONS_RATE = {
    "email": env.int("CONGSO_NOTIFICATIONS_EMAIL_PER_SECOND", default=200),
    "sms": env.int("CONGSO_NOTIFICATIONS_SMS_PER_SECOND", default=100),
}
# Notifications one worker claims, sends and marks together (one claim and one mark statement each).
CONGSO_NOTIFICATIONS_BATCH_SIZE = env.int("CONGSO_NOTIFICATIONS_BATCH_SIZE", default=250)
CONGSO_NOTIFICATIONS_MAX_ATTEMPTS = env.int("CONGSO_NOTIFICATIONS_MAX_ATTEMPTS", default=6)
CONGSO_NOTIFICATIONS_BACKOFF_SECONDS = env.float("CONGSO_NOTIFICATIONS_BACKOFF_SECONDS", default=30.0)
# Rendered texts of sent notifications are erased after this many days (the status row stays).
CONGSO_NOTIFICATIONS_RETENTION_DAYS = env.int("CONGSO_NOTIFICATIONS_RETENTION_DAYS", default=90)
# The officers' morning digest is sent from this local hour on working days.
CONGSO_NOTIFICATIONS_DIGEST_HOUR = env.int("CONGSO_NOTIFICATIONS_DIGEST_HOUR", default=7)

# Official documents (docs/documents.md): the signature provider (``devpki`` = the development PKI under
# CONGSO_DOCUMENTS_PKI_DIR, default <VAR_DIR>/pki; refused in production), an RFC 3161 timestamp
# authority (blank = no timestamp), and the PEM/DER root certificates verification trusts.
CONGSO_SIGNATURE_PROVIDER = env.str("CONGSO_SIGNATURE_PROVIDER", default="" if IS_PRODUCTION else "devpki")
if CONGSO_SIGNATURE_PROVIDER == "devpki" and IS_PRODUCTION:
    # Its keys are files any developer can make: a document "signed" with them proves nothing.
    raise refusal(
        "CONGSO_SIGNATURE_PROVIDER không được là devpki ở cấu hình production (hạ tầng khóa dành cho phát "
        "triển); dùng pkcs11 hoặc csc (docs/documents.md).",
        "CONGSO_SIGNATURE_PROVIDER cannot be devpki in the production profile (the development PKI); "
        "use pkcs11 or csc (docs/documents.md).",
    )
CONGSO_DOCUMENTS_PKI_DIR = env.str("CONGSO_DOCUMENTS_PKI_DIR", default="")
CONGSO_TSA_URL = env.str("CONGSO_TSA_URL", default="")
CONGSO_TRUSTED_ROOTS = env.list("CONGSO_TRUSTED_ROOTS", default=[])
# OCR of scans without a text layer (documents/ocr.py: poppler + Tesseract, Debian packages tesseract-ocr
# and tesseract-ocr-vie), in the worker; on when both programs are installed unless switched off here.
CONGSO_DOCUMENTS_OCR = env.bool("CONGSO_DOCUMENTS_OCR", default=True)
CONGSO_DOCUMENTS_OCR_LANGUAGES = env.str("CONGSO_DOCUMENTS_OCR_LANGUAGES", default="vie+eng")
CONGSO_DOCUMENTS_OCR_MAX_PAGES = env.int("CONGSO_DOCUMENTS_OCR_MAX_PAGES", default=50)

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

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").strip().upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    _levels = "DEBUG, INFO, WARNING, ERROR, CRITICAL"
    raise refusal(
        f"LOG_LEVEL={LOG_LEVEL!r} không phải là mức ghi nhật ký ({_levels}).",
        f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level ({_levels}).",
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # httpx logs every request's URL at INFO: a registry lookup's URL holds a national ID.
        "httpx": {"level": "WARNING"},
        # fontTools narrates every glyph subset of the PDF fonts at INFO: noise in the demo's console.
        "fontTools": {"level": "WARNING"},
    },
}
