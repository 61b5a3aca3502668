"""The single permission guard.

Every view declares who may use it with `@allow(...)`. A `before_request` hook enforces
the declaration for every endpoint, and an endpoint that declares nothing is refused
(fail closed): a new route without a policy cannot leak. tests/security checks that
every endpoint of app.url_map has a policy and that the guard gives 302/403/200."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from lpse_web.auth.roles import STAFF_ROLES, Role
from lpse_web.database import utcnow

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in account
STAFF = "staff"  # any staff role
_ATTR = "_lpse_access"


def allow(*who: str | Role) -> Callable:
    """Declare who may use a view: PUBLIC, SIGNED_IN, STAFF, and/or roles."""
    if not who:
        raise ValueError("allow() needs at least one audience")

    def decorate(view):
        setattr(view, _ATTR, frozenset(who))
        return view

    return decorate


def policy_of(endpoint: str) -> frozenset | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, _ATTR, None) if view else None


def permitted(user, policy: frozenset) -> bool:
    if PUBLIC in policy:
        return True
    if not user.is_authenticated:
        return False
    if SIGNED_IN in policy:
        return True
    roles = user.roles
    if STAFF in policy and roles & STAFF_ROLES:
        return True
    return bool(roles & {p for p in policy if isinstance(p, Role)})


def login_redirect():
    """Send an anonymous user to the login page, and back here afterwards."""
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    target = url_for("auth.login", next=next_url)
    if getattr(request, "htmx", None):
        # htmx would follow a 302 and swap the login page into a panel: reload instead.
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def enforce_access():
    """before_request hook: 404 for unknown URLs, login for anonymous, 403 for the rest."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # routing fails with 404/405 on its own
    if endpoint == "static":
        return None
    policy = policy_of(endpoint)
    if policy is None:
        current_app.logger.error("endpoint %s has no access policy: refused", endpoint)
        abort(403)
    if permitted(current_user, policy):
        return None
    if not current_user.is_authenticated:
        return login_redirect()
    current_app.logger.warning("access refused: user %s to %s", current_user.id, endpoint)
    abort(403)


RECENT_SIGN_IN_SECONDS = 15 * 60


def recent_sign_in(view):
    """For sensitive actions (managing accounts): the user proved who they are within the
    last 15 minutes (sign-in or re-authentication), not merely has a live session."""
    @wraps(view)
    def guarded(*args, **kwargs):
        proved_at = max(session.get("login_at", 0), session.get("reauth_at", 0))
        if utcnow().timestamp() - proved_at > RECENT_SIGN_IN_SECONDS:
            back = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
            return redirect(url_for("auth.reauthenticate", next=back))
        return view(*args, **kwargs)

    return guarded
