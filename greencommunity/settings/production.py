"""Production: refuses to start without its secrets; secure cookies, HSTS, CSP."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (at least 50 characters) in production.")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
DATABASES = {"default": env.db("DATABASE_URL")}
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
if not PERSONAL_DATA_KEYS:
    raise ImproperlyConfigured("PERSONAL_DATA_KEYS must be set in production (Fernet keys, comma-separated).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# --- Security ---------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancer and container health checks speak plain HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django 5.2 has no CSP middleware of its own: the header is set by apps.core.middleware.
CONTENT_SECURITY_POLICY = env(
    "DJANGO_CSP",
    default="default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)
MIDDLEWARE = [*MIDDLEWARE, "apps.core.middleware.ContentSecurityPolicyMiddleware"]  # noqa: F405

# --- Files ------------------------------------------------------------------
# Evidence and PDFs on S3-compatible storage when a bucket is configured, so that every web
# process and every worker, on any machine, reads and writes the same files. Credentials come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3), never from settings files.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)  # MinIO, Ceph, OSS, COS ...
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_LOCATION = env("AWS_LOCATION", default="")
    AWS_S3_FILE_OVERWRITE = False
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"default_acl": "private", "querystring_auth": True},
    }

# --- Several machines ---------------------------------------------------------
# Sessions stay in the database (the default engine) so any web process serves any user; a
# shared cache (e.g. redis://host:6379/2) when CACHE_URL is set, else per-process memory.
CACHES = {**CACHES, "default": env.cache("CACHE_URL", default="locmemcache://")}  # noqa: F405  (the menu's: base.py)

# EMAIL_URL (base.py) names the mail server and its backend; without it, SMTP settings as Django's.
if not PASSWORD_RESET_BY_EMAIL:  # noqa: F405
    EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
