"""Settings shared by every environment. Safe by default: DEBUG off, no secret here."""

import datetime
import os
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env(name, default=None, *, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire.")
    return value


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "regulations",
    "missions",
    "assignment",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "dsfr",
    "widget_tweaks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "imagin_site.middleware.csp.AreaCSPMiddleware",
    "imagin_site.middleware.page_cache.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Rendered text compressed, and validators (ETag → 304), for cached pages too: outside the
    # page cache, which stores and serves the plain page (imagin_site/middleware/compression.py).
    "imagin_site.middleware.compression.TextGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous public pages: after the headers above, before sessions and authentication.
    "imagin_site.middleware.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "imagin_site.middleware.session_activity.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "imagin_site.middleware.request_guard.RejectNulBytesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "imagin_site.middleware.private_responses.PrivateResponseMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-otp's, its device read by SQL written once (missions/backoffice/two_factor.py).
    "missions.backoffice.two_factor.StaffOTPMiddleware",
    "missions.backoffice.two_factor.StaffTwoFactorMiddleware",
    "missions.backoffice.scoped_access.ScopedAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "missions.portal.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "missions.auth_backend.AccountBackend",
]

ROOT_URLCONF = "imagin_site.urls"
WSGI_APPLICATION = "imagin_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite is only the zero-setup default of `make run`; tests and production use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Pacific/Tahiti"
USE_I18N = True
# Our corrections of third-party French messages (see the .po file there).
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Receipts, convocations and supporting documents: never under MEDIA_ROOT, served by views
# that check permissions.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "IMAG'IN Polynésie <imagin@ac-polynesie.pf>")
DEC_NOTIFICATION_EMAIL = env("DEC_NOTIFICATION_EMAIL", "dec@ac-polynesie.pf")

# One process only (`make run`, tests): production shares its cache between processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages served to anonymous visitors from the cache (imagin_site/common/page_cache.py):
# every edit invalidates them at once; this bounds the life of a copy anyway.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))
# The portal's pages, per intervenant (missions/portal/page_cache.py): every write renews
# their versions; this bounds the life of a copy anyway. 0 turns the cache off.
PORTAL_CACHE_SECONDS = int(env("PORTAL_CACHE_SECONDS", "3600"))
PAGE_CACHE_EXCLUDED_PREFIXES = ["/admin/", "/espace/", "/django-admin/", "/documents/", "/media/"]
# Pages showing a long-lived secret next to text a visitor may choose (the TOTP key and the
# reflected ?next=): never compressed (BREACH).
COMPRESSION_EXCLUDED_PREFIXES = ["/admin/2fa/"]

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Processes laying out convocation PDFs side by side during a run; 1: the task worker
# itself. More than the machine's cores is pointless.
CONVOCATION_PDF_PROCESSES = int(env("CONVOCATION_PDF_PROCESSES", "2"))

# Wagtail
WAGTAIL_SITE_NAME = "IMAG'IN Polynésie"
# Every date and time in Tahiti time: staff cannot pick another zone in their account.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# No Gravatar: the admin CSP blocks it (a broken avatar) and it leaks staff emails.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_USER_LOGIN_FORM = "missions.backoffice.forms.StaffLoginForm"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx", "ods"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False

# DSFR: its SRI hashes break once the manifest storage rewrites the CSS.
DSFR_USE_INTEGRITY_CHECKSUMS = False
DSFR_MARK_OPTIONAL_FIELDS = True

LOGIN_URL = "/admin/login/"
# Every staff account needs a second factor (TOTP or recovery code) on the admin.
STAFF_TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = "IMAG'IN Polynésie"

# Sessions end after 30 minutes without a request (shared computers in schools); an active
# session is saved again at most once a minute
# (imagin_site/middleware/session_activity.py), not every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True

# Brute force: 5 failures for one identifier from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "missions/portal/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# RGPD: `manage.py rgpd_retention` anonymises intervenants without a mission for this long.
RGPD_RETENTION_YEARS = int(env("RGPD_RETENTION_YEARS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"missions": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# django-dsfr warns on every form render about this transitional setting, which we set on
# purpose (DSFR's current rule: mark optional fields).
warnings.filterwarnings("ignore", message="Transitional Django setting DSFR_MARK_OPTIONAL")

# Content-Security-Policy, one per area, both enforced
# (imagin_site.middleware.csp.AreaCSPMiddleware).
# Public site and portal: scripts are files from 'self' only, with no nonce
# (templates/dsfr/global_js.html): a cached page carries no per-request value.
CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "base-uri": [SELF],
    "object-src": [NONE],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
# The Wagtail admin: its own inline scripts carry the response's nonce; inline styles remain
# (style attributes throughout Wagtail's templates); previews are framed by the admin itself.
ADMIN_CSP_DIRECTIVES = {
    **CSP_DIRECTIVES,
    "script-src": [SELF, NONCE],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
