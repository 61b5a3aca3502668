"""Configuration defaults. Environment variables override them; `instance/config.py`
overrides both (it is git-ignored and holds the office's own settings)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, writing a random one on first run.

    No secret lives in the repository: every installation gets its own."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    # A pooled connection is tested before use: after PostgreSQL restarts, each worker's
    # stale connections are replaced quietly instead of failing one request each.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")  # None: generated into instance/secret_key

    # Office time zone used until the office settings say otherwise.
    LPSE_TIMEZONE = os.environ.get("LPSE_TIMEZONE", "Asia/Makassar")

    BABEL_DEFAULT_LOCALE = "id"
    LANGUAGES = ("id", "en")

    # Sessions (RELIABILITY.md "Login, sessions, secrets").
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("LPSE_HTTPS", False)
    SESSION_COOKIE_NAME = "lpse_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("LPSE_HTTPS", False)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("LPSE_IDLE_MINUTES", "30")))
    STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("LPSE_ABSOLUTE_HOURS", "12")))
    VENDOR_ABSOLUTE_TIMEOUT = timedelta(days=7)

    # CSRF token lives as long as the session: an htmx request never meets an expired token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # Rate limits. memory:// is per process; set RATELIMIT_STORAGE_URI=redis://... for
    # several gunicorn workers or hosts.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("LPSE_RATELIMIT", True)
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute;100 per hour"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"

    # Behind a reverse proxy: trust this many proxies' X-Forwarded-For/-Proto headers, so
    # per-address rate limits and the audit log see the visitor's address.
    PROXY_COUNT = int(os.environ.get("LPSE_PROXY_COUNT", "0"))

    PAGE_SIZE = 25
    # Uploads (a room's photo, 2 MB) and forms: anything larger is refused with 413.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    # Pin the app's clock (ISO 8601 with offset); unset in real use. See lpse_web/clock.py.
    LPSE_NOW = os.environ.get("LPSE_NOW")

    # Outgoing e-mail (booking confirmations). Without MAIL_SERVER nothing is queued;
    # with it, messages wait in the outbox until `flask send-mail` (a timer) delivers them.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER")
