"""Showroom settings: everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHOWROOM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY only DEBUG, tests and management commands run; config/wsgi.py refuses to serve.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENV = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_q",
    "ninja",
    "showroom.core",
    "showroom.accounts",
    "showroom.audit",
    "showroom.customers",
    "showroom.leads",
    "showroom.reception",
    "showroom.followups",
    "showroom.catalog",
    "showroom.inventory",
    "showroom.needs",
    "showroom.presentations",
    "showroom.testdrives",
    "showroom.quotes",
    "showroom.orders",
    "showroom.deliveries",
    "showroom.aftercare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "showroom.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "showroom.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "showroom.accounts.context_processors.navigation",
            ],
        },
    },
]

# Inputs and selects written in Python, as Django's widget templates write them (showroom.core.widgets).
FORM_RENDERER = "showroom.core.widgets.WidgetRenderer"

# --- Database ---------------------------------------------------------------------------------
# SQLite under var/ by default (WAL, BEGIN IMMEDIATE); PostgreSQL in production via DATABASE_URL.
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'showroom.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
    }
    # Tests use a file, not memory, so that concurrent requests lock the way they do in production.
    # One file per test process, so parallel runs never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Throttled failed logins: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "showroom.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]

# The cards the later sales steps add to the lead page, in the order of the process: each is a function
# (request, lead) -> {"template": …, …context} or None, and must run a fixed number of queries.
LEAD_STEP_PANELS: list[str] = [
    "showroom.needs.panels.lead_panel",
    "showroom.presentations.panels.lead_panel",
    "showroom.testdrives.panels.lead_panel",
    "showroom.quotes.panels.lead_panel",
    "showroom.orders.panels.lead_panel",
    "showroom.deliveries.panels.lead_panel",
    "showroom.aftercare.panels.lead_panel",
]

# Cards the later steps add to the consultant's workbench and to the manager's page (approvals waiting, deliveries
# due …): each is a function (request) -> {"template": …, …context} or None, with a fixed number of queries.
WORKBENCH_PANELS: list[str] = [f"showroom.{app}.panels.workbench_panel" for app in ("quotes", "orders", "deliveries", "aftercare")]
MANAGER_PANELS: list[str] = [f"showroom.{app}.panels.manager_panel" for app in ("quotes", "orders", "deliveries", "aftercare")]

# Demo data of the later steps, run in order after the prospect core inside the same transaction: each is a
# function (store, rng) -> list of summary lines (see showroom/accounts/demo.py).
DEMO_EXTENSIONS: list[str] = [
    "showroom.catalog.demo.seed",
    "showroom.inventory.demo.seed",
    "showroom.needs.demo.seed",
    "showroom.presentations.demo.seed",
    "showroom.testdrives.demo.seed",
    "showroom.quotes.demo.seed",
    "showroom.orders.demo.seed",
    "showroom.deliveries.demo.seed",
    "showroom.aftercare.demo.seed",
]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("SHOWROOM_TESTING")
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Background jobs (django-q2 with the database as its broker: no extra server) -------------
Q_CLUSTER = {
    "name": "showroom",
    "orm": "default",
    "workers": int(os.environ.get("Q_WORKERS", "1")),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 2,
    "catch_up": False,
    "poll": 2,
    "sync": env_bool("SHOWROOM_JOBS_SYNC", False),
    "ack_failures": True,
    "save_limit": 500,
    "label": _("Background jobs"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Showroom ---------------------------------------------------------------------------------
SHOWROOM_DEMO_PASSWORD_DEFAULT = "showroom-demo"  # noqa: S105 - documented demo default, see README
