"""Per-account attempt limits that hold under parallel requests.

Flask-Limiter's `deduct_when` counts a failure only after the response, so twenty
guesses sent at once would all be checked before any was counted. Here an attempt is
counted *before* the password or code is checked (an atomic hit in the limiter's storage:
memory, or Redis for several workers), and the count is cleared when the attempt succeeds."""

from flask import current_app
from limits import parse_many

from lpse_web.extensions import limiter

NAMESPACE = "lpse-attempt"


def _identifiers(key: str) -> tuple[str, str, str]:
    # The key prefix lets several installations (or test runs) share one Redis.
    return current_app.config.get("RATELIMIT_KEY_PREFIX", ""), NAMESPACE, key


def attempt_allowed(key: str) -> bool:
    """Count one attempt for `key` (e.g. "login:someone@example.go.id"); False when over."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    strategy = limiter.limiter
    results = [strategy.hit(item, *_identifiers(key))
               for item in parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])]
    return all(results)


def forgive(key: str) -> None:
    """The attempt succeeded: earlier failures no longer count against the account."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    strategy = limiter.limiter
    for item in parse_many(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        strategy.clear(item, *_identifiers(key))
