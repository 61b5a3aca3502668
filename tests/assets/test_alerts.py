"""Alerts computed when the page is served (lpse_web/assets/alerts.py): licences,
warranties and ends of life within the window (both ends included) or already past,
overdue stocktakes; retired assets raise none. Expected sets are worked out by hand and
the counts checked against plain SQL."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from lpse_web.assets import services
from lpse_web.assets.alerts import (
    AUDIT,
    END_OF_LIFE,
    KINDS,
    LICENCE,
    WARRANTY,
    alert_counts,
    alert_query,
    is_alert,
    settings,
)
from lpse_web.assets.models import Asset, AssetSettings
from lpse_web.extensions import db

TODAY = date(2026, 12, 1)
COLUMN = {LICENCE: "licence_expires", WARRANTY: "warranty_ends", END_OF_LIFE: "end_of_life"}
# Far enough that no stocktake alert gets in the way of the date alerts.
NO_AUDIT_DUE = TODAY + timedelta(days=300)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def make(tag: str, status: str = "in_use", **fields) -> Asset:
    fields.setdefault("next_audit_on", NO_AUDIT_DUE)
    asset = services.create_asset(TODAY, tag=tag, name=f"Aset {tag}", asset_class="licence", status=status,
                                  **fields)
    db.session.commit()
    return asset


def tags(query) -> list[str]:
    return [a.tag for a in db.session.scalars(query)]


def sql_count(kind: str, window_days: int) -> int:
    """The same rule written once more by hand, in SQL."""
    if kind == AUDIT:
        condition, params = "next_audit_on < :today", {"today": TODAY}
    else:
        condition, params = f"{COLUMN[kind]} <= :limit", {"limit": TODAY + timedelta(days=window_days)}
    return db.session.scalar(text(f"SELECT COUNT(*) FROM asset WHERE status <> 'retired' AND {condition}"),
                             params)


@pytest.mark.parametrize("kind", [LICENCE, WARRANTY, END_OF_LIFE])
def test_a_thirty_day_window_counts_from_tomorrow_to_day_thirty_and_what_is_past(ctx, kind):
    offsets = {"EXPIRED": -10, "TODAY": 0, "TOMORROW": 1, "D29": 29, "D30": 30, "D31": 31, "D90": 90}
    assets = {name: make(name, **{COLUMN[kind]: day(offset)}) for name, offset in offsets.items()}
    make("NONE")  # no date: never an alert
    expected = {"EXPIRED", "TODAY", "TOMORROW", "D29", "D30"}

    assert set(tags(alert_query(kind, TODAY, 30))) == expected
    assert {name for name, asset in assets.items() if is_alert(asset, kind, TODAY, 30)} == expected
    assert alert_counts(TODAY, 30).of(kind) == len(expected) == sql_count(kind, 30)
    # The two sides of the edge, named as the issue names them.
    assert is_alert(assets["D30"], kind, TODAY, 30) and not is_alert(assets["D31"], kind, TODAY, 30)
    # The window in the query is the given one: 31 days takes in day 31.
    assert set(tags(alert_query(kind, TODAY, 31))) == expected | {"D31"}


def test_alerts_come_soonest_first(ctx):
    for tag, offset in (("B", 20), ("A", 20), ("C", -5), ("D", 3)):
        make(tag, licence_expires=day(offset))
    assert tags(alert_query(LICENCE, TODAY, 30)) == ["C", "D", "A", "B"]


def test_retired_assets_raise_no_alert_of_any_kind(ctx):
    retired = make("OLD", status="retired", licence_expires=day(-1), warranty_ends=day(1), end_of_life=day(2),
                   next_audit_on=day(-30))
    for kind in KINDS:
        assert not is_alert(retired, kind, TODAY, 30)
        assert tags(alert_query(kind, TODAY, 30)) == []
    counts = alert_counts(TODAY, 30)
    assert (counts.licence, counts.warranty, counts.end_of_life, counts.audit) == (0, 0, 0, 0)
    assert counts.total == 0


@pytest.mark.parametrize("status", ["in_use", "in_stock", "in_repair"])
def test_every_status_but_retired_raises_alerts(ctx, status):
    asset = make("X", status=status, warranty_ends=day(5), next_audit_on=day(-1))
    assert is_alert(asset, WARRANTY, TODAY, 30) and is_alert(asset, AUDIT, TODAY, 30)
    assert alert_counts(TODAY, 30).total == 2


def test_an_audit_is_an_alert_from_the_day_after_it_falls_due(ctx):
    yesterday, due_today, tomorrow = make("Y", next_audit_on=day(-1)), make("T", next_audit_on=TODAY), \
        make("M", next_audit_on=day(1))
    assert tags(alert_query(AUDIT, TODAY, 30)) == ["Y"]
    assert [is_alert(a, AUDIT, TODAY, 30) for a in (yesterday, due_today, tomorrow)] == [True, False, False]
    # The window plays no part in the audit alert.
    assert alert_counts(TODAY, 365).audit == alert_counts(TODAY, 1).audit == 1 == sql_count(AUDIT, 30)


def test_the_settings_default_to_thirty_days_and_a_stored_row_changes_the_window(ctx):
    assert settings().alert_window_days == 30
    make("D45", licence_expires=day(45))
    make("D60", warranty_ends=day(60))
    make("D61", end_of_life=day(61))
    counts = alert_counts(TODAY)
    assert (counts.window_days, counts.licence, counts.warranty, counts.end_of_life) == (30, 0, 0, 0)

    db.session.add(AssetSettings(id=1, alert_window_days=60, audit_interval_days=365))
    db.session.commit()
    counts = alert_counts(TODAY)
    assert (counts.window_days, counts.licence, counts.warranty, counts.end_of_life) == (60, 1, 1, 0)
    assert counts.total == 2
    assert [sql_count(kind, 60) for kind in (LICENCE, WARRANTY, END_OF_LIFE)] == [1, 1, 0]


def test_alert_counts_equal_a_direct_count_on_a_mixed_register(ctx):
    """A register of every combination; is_alert agrees with alert_query for every asset,
    and the counts with SQL written by hand."""
    offsets = (None, -40, -1, 0, 1, 14, 29, 30, 31, 45, 60, 61, 200)
    statuses = ("in_use", "in_stock", "in_repair", "retired")
    audits = (day(-2), day(-1), TODAY, day(1), None)
    assets = []
    for n in range(len(offsets) * len(statuses)):
        fields = {"licence_expires": offsets[n % len(offsets)],
                  "warranty_ends": offsets[(n * 5 + 3) % len(offsets)],
                  "end_of_life": offsets[(n * 7 + 1) % len(offsets)]}
        fields = {k: day(v) if v is not None else None for k, v in fields.items()}
        assets.append(make(f"MIX-{n:03d}", status=statuses[n % len(statuses)], **fields,
                           next_audit_on=audits[n % len(audits)]))
    # The default next audit date is today + a year: a None above gets one, so null it by hand.
    none_audit = [a.id for n, a in enumerate(assets) if audits[n % len(audits)] is None]
    db.session.execute(text("UPDATE asset SET next_audit_on = NULL WHERE id IN "
                            f"({', '.join(str(i) for i in none_audit)})"))
    db.session.commit()
    assets = list(db.session.scalars(select(Asset).order_by(Asset.tag)))

    for window in (30, 60):
        counts = alert_counts(TODAY, window)
        for kind in KINDS:
            by_query = {a.id for a in db.session.scalars(alert_query(kind, TODAY, window))}
            by_python = {a.id for a in assets if is_alert(a, kind, TODAY, window)}
            assert by_query == by_python, (kind, window)
            assert counts.of(kind) == len(by_query) == sql_count(kind, window), (kind, window)
            assert by_query, (kind, window)  # the mix does raise alerts of every kind
        assert counts.total == sum(sql_count(kind, window) for kind in KINDS)
    # By hand: of the live assets, a licence alert for offsets <= 30 (None never).
    live = [n for n in range(len(offsets) * len(statuses)) if statuses[n % len(statuses)] != "retired"]
    hand = sum(1 for n in live if offsets[n % len(offsets)] is not None and offsets[n % len(offsets)] <= 30)
    assert alert_counts(TODAY, 30).licence == hand
