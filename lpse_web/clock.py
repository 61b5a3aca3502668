"""The app's clock. `LPSE_NOW` (config or environment, ISO 8601 with its offset) pins
it to one instant: for training sessions and demos on a fixed day, and for the browser
tests, which must not depend on the hour or weekday the suite happens to run."""

from datetime import datetime

from flask import current_app, has_app_context

from lpse_web.database import utcnow


def now() -> datetime:
    pinned = current_app.config.get("LPSE_NOW") if has_app_context() else None
    if pinned:
        moment = datetime.fromisoformat(pinned) if isinstance(pinned, str) else pinned
        if moment.tzinfo is None:
            raise ValueError("LPSE_NOW needs a UTC offset, e.g. 2026-11-30T08:00:00+08:00")
        return moment
    return utcnow()
