"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab  # noqa: F401  (beat entries live in the database)
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-only-for-development")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "apps.regions",
    "apps.communities",
    "apps.accounts",
    "apps.standards",
    "apps.assessments",
    "apps.review",
    "apps.naming",
    "apps.notices",
    "apps.public",
    "apps.residents",
    "apps.reports",
    "apps.targets",
    "apps.integrity",
    "apps.departments",
    "apps.sitechecks",
    "apps.api",
    "apps.demo",
    "apps.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything else: under /api/ every error (Django's 400/403/404/500, the lockout's
    # 429) leaves as the API's JSON error.
    "apps.core.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An account that signed in with a one-time password chooses its own before anything else.
    "apps.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "greencommunity.urls"
WSGI_APPLICATION = "greencommunity.wsgi.application"
ASGI_APPLICATION = "greencommunity.asgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "apps.accounts.context_processors.capabilities",
            ],
        },
    },
]

# The default cache: per-process memory (production names a shared one: CACHE_URL). The menu's links
# (templates/includes/nav.html) are rendered once per process for each key of what they depend on
# (apps.accounts.templatetags.menu) and kept apart, in per-process memory everywhere: a key is never
# stale (a deployment starts new processes) and the menus never push out anything else.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "menu": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "menu",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Django's form renderer, with the <select> written in Python (the filter forms' region pickers).
FORM_RENDERER = "apps.core.forms_renderer.PortalFormRenderer"

# --- Database ---------------------------------------------------------------
# SQLite for the embedded default; PostgreSQL through DATABASE_URL everywhere else.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (runserver threads, eager tasks): WAL lets
    # readers go on while one writer writes, and BEGIN IMMEDIATE takes the write lock when a
    # transaction starts, so a writer waits its turn (busy timeout) instead of failing half-way with
    # "database is locked" when a read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,  # seconds a writer waits for the lock (SQLite's busy timeout)
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

# --- Authentication ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A one-time password from the level above (apps.accounts.onetime), until the user sets one.
    "apps.accounts.backends.OneTimePasswordBackend",
]
# Django's PBKDF2, at most PASSWORD_HASHES_AT_ONCE hashes at a time per web process, so a burst of
# sign-ins waits its turn instead of taking the cores from the pages (apps.accounts.passwords).
PASSWORD_HASHERS = [
    "apps.accounts.passwords.BoundedPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHES_AT_ONCE = env.int("PASSWORD_HASHES_AT_ONCE", default=1)
# How long a one-time password handed out by a reset or a bulk creation works.
ONE_TIME_PASSWORD_DAYS = env.int("ONE_TIME_PASSWORD_DAYS", default=30)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule with a message that has its Chinese (see the class).
    {"NAME": "apps.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions end after SESSION_IDLE_MINUTES (renewed on every request). They are kept in the
# database; a request that changed nothing writes the renewed expiry only when the stored one is
# SESSION_RENEW_SECONDS behind (apps.accounts.sessions), so idleness ends a session up to that much
# earlier, never later.
SESSION_ENGINE = "apps.accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True

# Login protection (django-axes): 5 failures for the same username from the same address lock that
# pair for AXES_COOLOFF_HOURS; administrators unlock with `manage.py axes_reset_username NAME` or by
# deleting the access attempt in the admin. Another user at the same address is not affected.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "apps.core.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a TLS proxy every client shares the proxy's address: the lockout and the API throttles key on
# apps.accounts.proxies.client_address, which reads X-Forwarded-For only when the connection comes
# from one of TRUSTED_PROXIES (addresses or networks, comma-separated; empty: the header is ignored).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "apps.accounts.proxies.axes_client_address"
# Two-factor sign-in (django-otp: TOTP and ten recovery codes) for these roles, e.g.
# "province,ministry,admin"; empty: off. When on, staff users need it for the admin site too.
TWO_FACTOR_ROLES = env.list("TWO_FACTOR_ROLES", default=[])
OTP_TOTP_ISSUER = "绿色社区创建行动"
# The admin never shows a device's secret or QR code (only its user can enrol it).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalisation ---------------------------------------------------
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# Each app keeps its own catalogue in apps/<app>/locale (listed first so that makemessages, run
# from the root, writes each app's strings there); templates/ and settings use locale/.
LOCALE_PATHS = [*sorted((BASE_DIR / "apps").glob("*/locale")), BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence and reports are private: MEDIA_ROOT is never served by a URL of its own.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/private-media-is-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads over 1 MB stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

# --- Personal data at rest ---------------------------------------------------
# Fernet keys (comma-separated, newest first: rotate by prepending a key) that encrypt personal
# data at rest (an objector's name and phone, apps.core.crypto). The default is for development;
# production refuses to start without PERSONAL_DATA_KEYS.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=["ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdCE="])

# --- Naming (apps.naming) ------------------------------------------------------
# Days after a batch is named at which its objectors' contacts are erased.
OBJECTION_CONTACT_DAYS = env.int("OBJECTION_CONTACT_DAYS", default=180)
# Public objections: at most this many per address and hour, and per batch and day.
OBJECTION_PER_ADDRESS_HOUR = env.int("OBJECTION_PER_ADDRESS_HOUR", default=5)
OBJECTION_PER_BATCH_DAY = env.int("OBJECTION_PER_BATCH_DAY", default=500)
# Seconds the public batch page is cached (invalidated on every change of the batch).
PUBLIC_BATCH_CACHE_SECONDS = env.int("PUBLIC_BATCH_CACHE_SECONDS", default=300)

# --- Campaign ---------------------------------------------------------------
# The campaign year the community pages open by default (None: the current year).
CAMPAIGN_YEAR = env.int("CAMPAIGN_YEAR", default=None)
NATIONAL_TARGET_SHARE = 0.6

# Who reacts to a domain event (apps.core.events): the reports keep each unit's figures current.
DOMAIN_EVENT_HANDLERS = {
    "figures_changed": [
        "apps.reports.figures.store.unit_figures_refresh_on_commit",
        # A batch a department answered on was named: tell it (apps.departments).
        "apps.departments.consulting.named_batches_notify",
    ],
    # An assessment was submitted: compare it with the nation after commit (apps.integrity).
    "assessment_submitted": ["apps.integrity.services.assessment_check_on_commit"],
}

# --- Celery -----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds after which a message taken by a worker that died (unacknowledged) is delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="绿色社区创建行动 <noreply@greencommunity.local>"
)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# With EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587) mail is sent through it and
# users may reset a forgotten password by e-mail; without it the reset page says it is not available.
PASSWORD_RESET_BY_EMAIL = bool(env("EMAIL_URL", default=""))
if PASSWORD_RESET_BY_EMAIL:
    vars().update(EMAIL_CONFIG)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_HOURS", default=24) * 3600

# --- REST framework ---------------------------------------------------------
# Session auth for the site's own pages, token auth (`Authorization: Token ...`) for systems.
# Errors are JSON {"code", "message", "fields"} (apps.api.exceptions). Rates are configurable.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then answers 401 with `WWW-Authenticate: Token`.
        "apps.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only, bounded in size and depth (evidence uploads parse multipart on their own action).
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttles.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_TOKEN", default="10/min"),
        "write": env("API_THROTTLE_WRITE", default="120/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (apps.api.models.ApiToken) expire this many days after they are issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
# Request bodies of the API: a larger or deeper JSON body is refused with 400 before it is decoded.
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=64)
SPECTACULAR_SETTINGS = {
    # Several models have a "state" or "kind": name each enum after its domain.
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStateEnum": "apps.assessments.models.State",
        "ReportStateEnum": "apps.reports.models.ReportState",
        "JobStateEnum": "apps.reports.models.JobState",
        "JobKindEnum": "apps.reports.models.JobKind",
        "EvidenceKindEnum": "apps.assessments.models.EvidenceKind",
        "CriterionKindEnum": "apps.standards.models.CriterionKind",
        "ReviewLevelEnum": "apps.review.workflow.LEVEL_KEYS",
        "StandardStateEnum": "apps.standards.models.StandardState",
        "BatchStateEnum": "apps.naming.procedure.BatchState",
        "SiteVerdictEnum": "apps.sitechecks.models.SiteVerdict",
        "VerdictEnum": "apps.assessments.models.Verdict",
    },
    "TITLE": "绿色社区创建行动 API (Green Community Portal API)",
    "DESCRIPTION": (
        "绿色社区创建行动管理平台的接口:社区名录、自评、两级审核与导出。"
        "认证:会话或 `Authorization: Token <token>`(POST /api/v1/auth/token/ 获取)。"
        "错误以 JSON 返回 {code, message, fields};默认中文,`Accept-Language: en` 返回英文。\n\n"
        "API of the Green Community Creation Action portal: community registry, self-assessments, "
        "two-level review and exports. Authenticate with a session or `Authorization: Token <token>` "
        "(POST /api/v1/auth/token/). Errors are JSON {code, message, fields}, in Chinese by default "
        "and in English with `Accept-Language: en`. Every list is paginated (`page`, `page_size`), "
        "filterable, and sortable with `ordering` (prefix `-` for descending)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page works offline: Swagger UI is served from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TAGS": [
        {"name": "auth", "description": "令牌:获取与吊销 / Tokens: obtain and revoke"},
        {"name": "regions", "description": "行政区划(国家统计局代码)/ Administrative divisions (NBS codes)"},
        {
            "name": "standards",
            "description": "创建标准:国家试行标准与各省本地标准(类别、条目、对应关系、分值、合格线)/ "
            "Standards: the national trial standard and the provinces' local standards (categories, "
            "criteria, mapping onto the national criteria, points, pass mark)",
        },
        {"name": "communities", "description": "城市社区名录 / The urban community registry"},
        {
            "name": "assessments",
            "description": "年度自评、佐证与两级审核 / Yearly self-assessment, evidence and the two-level review",
        },
        {
            "name": "reports",
            "description": "年度总结评估报告与全国进展 / Annual reports and national progress",
        },
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.api.schema.add_error_responses",
    ],
}
# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Reports (annual reports, national snapshots; apps/reports) ----------------
# WeasyPrint and fontTools log every layout step at INFO: keep the worker's log readable.
LOGGING["loggers"].update({"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}})
# Time limits (seconds) of the PDF rendering tasks are declared on the tasks; the compile deadline
# (30 November, Asia/Shanghai) is apps.core.campaign.report_deadline.

# --- Residents' voice (apps.residents) -----------------------------------------
# Text messages (the survey's optional code): a dotted path to a backend with send(phone, text).
SMS_BACKEND = env("SMS_BACKEND", default="apps.residents.sms.ConsoleBackend")
# The salt of the device and phone hashes (default: derived from SECRET_KEY).
RESIDENTS_HASH_SALT = env("RESIDENTS_HASH_SALT", default="")
# Answers per client address and hour, per community and day; codes per address and hour.
RESIDENT_ANSWERS_PER_ADDRESS_HOUR = env.int("RESIDENT_ANSWERS_PER_ADDRESS_HOUR", default=30)
RESIDENT_ANSWERS_PER_COMMUNITY_DAY = env.int("RESIDENT_ANSWERS_PER_COMMUNITY_DAY", default=3000)
RESIDENT_CODES_PER_ADDRESS_HOUR = env.int("RESIDENT_CODES_PER_ADDRESS_HOUR", default=10)
# The base of the URL printed in the posters' QR codes (default: the address the request came to).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
# Seconds the public community page's body is cached.
RESIDENT_PAGE_CACHE_SECONDS = env.int("RESIDENT_PAGE_CACHE_SECONDS", default=60)
