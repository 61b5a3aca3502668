"""Alerts computed when a page is served, never by a scheduled job (a forgotten cron
job is how Snipe-IT's expiry mails fail to arrive): licences, warranties and ends of
life falling within the settings' window, or already past, and overdue stocktakes.
Retired assets raise none.

Windows are inclusive of both ends: with a 30-day window on 1 December, a licence
expiring on 31 December is an alert, one expiring on 1 January is not yet."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select

from lpse_web.assets.models import RETIRED, Asset, AssetSettings
from lpse_web.extensions import db

LICENCE, WARRANTY, END_OF_LIFE, AUDIT = "licence", "warranty", "end_of_life", "audit"
KINDS = (LICENCE, WARRANTY, END_OF_LIFE, AUDIT)
_DATE_COLUMNS = {LICENCE: Asset.licence_expires, WARRANTY: Asset.warranty_ends,
                 END_OF_LIFE: Asset.end_of_life}


def settings() -> AssetSettings:
    return db.session.get(AssetSettings, 1) or AssetSettings(id=1, alert_window_days=30,
                                                             audit_interval_days=365)


def alert_condition(kind: str, today: date, window_days: int):
    """The SQL condition for one kind of alert (the asset is not retired)."""
    live = Asset.status != RETIRED
    if kind == AUDIT:
        return and_(live, Asset.next_audit_on < today)
    column = _DATE_COLUMNS[kind]
    return and_(live, column <= today + timedelta(days=window_days))


def is_alert(asset: Asset, kind: str, today: date, window_days: int) -> bool:
    """The same rule in Python, for one asset already loaded (its detail page)."""
    if asset.status == RETIRED:
        return False
    if kind == AUDIT:
        return asset.next_audit_on is not None and asset.next_audit_on < today
    day = getattr(asset, _DATE_COLUMNS[kind].key)
    return day is not None and day <= today + timedelta(days=window_days)


@dataclass(frozen=True)
class AlertCounts:
    licence: int
    warranty: int
    end_of_life: int
    audit: int
    window_days: int

    @property
    def total(self) -> int:
        return self.licence + self.warranty + self.end_of_life + self.audit

    def of(self, kind: str) -> int:
        return getattr(self, kind)


def alert_counts(today: date, window_days: int | None = None) -> AlertCounts:
    """Every kind counted in one scan of the register."""
    if window_days is None:
        window_days = settings().alert_window_days
    sums = [func.coalesce(func.sum(case((alert_condition(kind, today, window_days), 1), else_=0)), 0)
            for kind in KINDS]
    row = db.session.execute(select(*sums).select_from(Asset)).one()
    return AlertCounts(*(int(n) for n in row), window_days=window_days)


def alert_query(kind: str, today: date, window_days: int):
    """The assets raising one kind of alert, soonest first."""
    column = Asset.next_audit_on if kind == AUDIT else _DATE_COLUMNS[kind]
    return select(Asset).where(alert_condition(kind, today, window_days)).order_by(column, Asset.tag)
