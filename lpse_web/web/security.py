"""Security defaults applied to every response, and the staff session timeouts."""

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lpse_web.database import utcnow

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
))


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Nothing but static files is kept by a browser cache: pages of a signed-in user on a
    # shared counter PC, and pages on the way in (the TOTP secret on the enrolment page).
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def enforce_session_timeouts():
    """Idle and absolute timeouts (RELIABILITY.md): staff 30 min idle / 12 h, vendors 7 days."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    config = current_app.config
    started = session.get("login_at", 0)
    last_seen = session.get("last_seen", 0)
    if current_user.is_staff:
        expired = (now - last_seen > config["STAFF_IDLE_TIMEOUT"].total_seconds()
                   or now - started > config["STAFF_ABSOLUTE_TIMEOUT"].total_seconds())
    else:
        expired = now - started > config["VENDOR_ABSOLUTE_TIMEOUT"].total_seconds()
    if expired:
        logout_user()
        session.clear()
        flash(_("Sesi Anda berakhir. Silakan masuk kembali."), "warning")
        from lpse_web.web.access import login_redirect

        return login_redirect()
    session["last_seen"] = now
    return None


# Where an account that must change its password may still go.
_ALLOWED_BEFORE_PASSWORD_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "auth.set_language", "static", "web.health"})


def enforce_password_change():
    """An administrator's temporary password is for one thing only: choosing a new one."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE):
        from flask import redirect, url_for

        return redirect(url_for("auth.change_password"))
    return None
