"""The asset register's rules (lpse_web/assets/services.py), called directly on
committed data: tag and serial uniqueness, stocktakes and their due dates, assignments
and their history, the audit trail. Expected values are worked out by hand or read
back with plain SQL."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from lpse_web.assets import services
from lpse_web.assets.models import Asset, AssetAssignment, AssetSettings, Stocktake
from lpse_web.assets.services import AssignmentError, DuplicateError
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db

TODAY = date(2026, 12, 1)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


def make(tag: str = "SRV-01", **fields) -> Asset:
    fields.setdefault("name", f"Aset {tag}")
    fields.setdefault("asset_class", "hardware")
    asset = services.create_asset(TODAY, tag=tag, **fields)
    db.session.commit()
    return asset


def count(where: str = "1 = 1", **params) -> int:
    return db.session.scalar(text(f"SELECT COUNT(*) FROM asset WHERE {where}"), params)


def stored(asset_id: int, *columns: str):
    return db.session.execute(text(f"SELECT {', '.join(columns)} FROM asset WHERE id = :id"),
                              {"id": asset_id}).one()


def as_day(value) -> date:
    """A DATE column read with raw SQL: a date on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def set_interval(days: int) -> None:
    db.session.add(AssetSettings(id=1, alert_window_days=30, audit_interval_days=days))
    db.session.commit()


@contextmanager
def signed_in(app, user_id):
    with app.test_request_context("/aset/baru", method="POST"):
        login_user(db.session.get(User, user_id))
        yield


# Tag and serial uniqueness

@pytest.mark.parametrize("second", ["SRV01", "srv01", " s r v 0 1 ", "Srv01"])
def test_a_tag_is_unique_after_normalisation_and_without_case(ctx, second):
    first = make(" srv 01")
    assert stored(first.id, "tag")[0] == "SRV01"
    with pytest.raises(DuplicateError) as refused:
        services.create_asset(TODAY, tag=second, name="Server cadangan", asset_class="hardware")
    assert (refused.value.field, refused.value.value) == ("tag", "SRV01")
    db.session.commit()  # the session is still usable, and nothing was stored
    assert count() == 1
    assert services.tag_taken(second) and not services.tag_taken(second, except_id=first.id)


def test_after_a_refusal_the_session_goes_on_and_other_work_is_kept(ctx):
    make("PC-01")
    kept = make("PC-02")
    kept.location = "Ruang Server"  # pending when the refusal comes
    with pytest.raises(DuplicateError):
        services.create_asset(TODAY, tag="pc-01", name="Duplikat", asset_class="hardware")
    other = services.create_asset(TODAY, tag="PC-03", name="PC Verifikasi", asset_class="hardware")
    db.session.commit()
    assert count() == 3
    assert stored(kept.id, "location")[0] == "Ruang Server"
    assert stored(other.id, "tag")[0] == "PC-03"
    assert count("name = 'Duplikat'") == 0


@pytest.mark.parametrize("second", ["SN 12345", "sn12345", " Sn1 2345 "])
def test_a_serial_is_unique_after_normalisation_and_without_case(ctx, second):
    make("UPS-01", serial="SN12345")
    with pytest.raises(DuplicateError) as refused:
        services.create_asset(TODAY, tag="UPS-02", name="UPS cadangan", asset_class="hardware", serial=second)
    assert (refused.value.field, refused.value.value) == ("serial", "SN12345")
    db.session.commit()
    assert count() == 1 and count("tag = 'UPS-02'") == 0
    assert services.serial_taken(second)


def test_a_tag_that_mentions_serial_is_still_named_tag(ctx):
    """The database's message quotes the refused key's value: a tag reading "SERIAL-7"
    must not be reported as a taken serial."""
    make("SERIAL-7", serial="ABC")
    with pytest.raises(DuplicateError) as refused:
        services.create_asset(TODAY, tag="serial-7", name="Lain", asset_class="hardware", serial="XYZ")
    assert refused.value.field == "tag"


def test_a_serial_value_that_mentions_tag_is_still_named_serial(ctx):
    make("A-1", serial="TAG-99")
    with pytest.raises(DuplicateError) as refused:
        services.create_asset(TODAY, tag="A-2", name="Lain", asset_class="hardware", serial="tag-99")
    assert refused.value.field == "serial"


@pytest.mark.parametrize("fields", [{"purchase_cost": -1}, {"licence_seats": -2}, {"owner_id": 987654}])
def test_other_refusals_of_the_database_are_not_reported_as_duplicates(ctx, fields):
    make("PC-1", serial="SN-1")
    with pytest.raises(IntegrityError):
        services.create_asset(TODAY, tag="PC-1X", name="Lain", asset_class="hardware", **fields)
    db.session.rollback()
    assert count() == 1


def test_empty_serials_are_null_and_may_repeat(ctx):
    for n, serial in enumerate(["", "   ", None, "\t"]):
        make(f"DOC-{n}", asset_class="information", serial=serial)
    assert count() == 4 == count("serial IS NULL")
    assert not services.serial_taken("") and not services.serial_taken(None)


def test_an_update_to_a_taken_serial_is_refused_and_nothing_changes(ctx):
    make("SW-01", asset_class="software", serial="LIC-AAA")
    other = make("SW-02", asset_class="software", serial="LIC-BBB")
    with pytest.raises(DuplicateError) as refused:
        services.update_asset(other, serial=" lic-aaa", name="Nama baru")
    assert (refused.value.field, refused.value.value) == ("serial", "LIC-AAA")
    db.session.commit()
    assert tuple(stored(other.id, "serial", "name")) == ("LIC-BBB", "Aset SW-02")
    # The same asset keeping its own serial, in another spelling, is no clash.
    services.update_asset(other, serial="lic bbb", name="Nama baru")
    db.session.commit()
    assert tuple(stored(other.id, "serial", "name")) == ("LICBBB", "Nama baru")


def test_an_update_to_a_taken_tag_is_refused(ctx):
    make("NET-01")
    other = make("NET-02")
    with pytest.raises(DuplicateError) as refused:
        services.update_asset(other, tag=" net-01")
    assert (refused.value.field, refused.value.value) == ("tag", "NET-01")
    db.session.commit()
    assert stored(other.id, "tag")[0] == "NET-02"
    assert count("tag = 'NET-01'") == 1


def test_an_update_can_clear_a_serial(ctx):
    asset = make("PC-9", serial="X1")
    services.update_asset(asset, serial="  ")
    db.session.commit()
    assert stored(asset.id, "serial")[0] is None


def test_unknown_fields_classes_and_statuses_are_refused(ctx):
    with pytest.raises(TypeError):
        services.create_asset(TODAY, tag="A", name="A", asset_class="hardware", custodian_id=1)
    with pytest.raises(ValueError):
        services.create_asset(TODAY, tag="A", name="A", asset_class="vehicle")
    with pytest.raises(ValueError):
        services.create_asset(TODAY, tag="A", name="A", asset_class="hardware", status="lost")
    db.session.rollback()
    assert count() == 0


def test_text_fields_are_trimmed(ctx):
    asset = make("PC-1", name="  PC Loket 1 ", location=" Ruang Verifikasi ", supplier=" CV Sumba ")
    assert tuple(stored(asset.id, "name", "location", "supplier")) == (
        "PC Loket 1", "Ruang Verifikasi", "CV Sumba")


# Stocktakes (audits)

def test_a_new_asset_falls_due_for_stocktake_one_interval_from_today(ctx):
    assert as_day(stored(make("A-1").id, "next_audit_on")[0]) == date(2027, 12, 1)  # default 365 days
    set_interval(90)
    assert as_day(stored(make("A-2").id, "next_audit_on")[0]) == date(2027, 3, 1)  # 1 Dec + 90 days
    given = make("A-3", next_audit_on=date(2026, 12, 15))
    assert as_day(stored(given.id, "next_audit_on")[0]) == date(2026, 12, 15)


def test_audit_overdue_the_day_after_it_falls_due_never_when_retired(ctx):
    due_yesterday = make("A-1", next_audit_on=YESTERDAY)
    due_today = make("A-2", next_audit_on=TODAY)
    retired = make("A-3", next_audit_on=date(2025, 1, 1), status="retired")
    assert services.is_audit_overdue(due_yesterday, TODAY)
    assert not services.is_audit_overdue(due_today, TODAY)
    assert services.is_audit_overdue(due_today, TOMORROW)
    assert not services.is_audit_overdue(retired, TODAY)
    db.session.execute(text("UPDATE asset SET next_audit_on = NULL WHERE id = :id"), {"id": due_today.id})
    db.session.commit()
    db.session.expire_all()
    assert not services.is_audit_overdue(db.session.get(Asset, due_today.id), TODAY)


def test_a_stocktake_sets_the_last_and_next_audit_by_the_settings_interval(app, ctx, make_user):
    auditor = make_user(Role.ASSET_MANAGER).id
    set_interval(180)
    asset = make("PC-1", location="Gudang", next_audit_on=YESTERDAY)
    entry = services.record_stocktake(asset, date(2026, 11, 30), auditor, "good", location=" Ruang Server ",
                                      note=" ada ")
    db.session.commit()
    row = stored(asset.id, "last_audited_on", "next_audit_on", "location")
    assert (as_day(row[0]), as_day(row[1]), row[2]) == (date(2026, 11, 30), date(2027, 5, 29), "Ruang Server")
    assert (entry.next_audit_on, entry.location, entry.note, entry.by_id) == (
        date(2027, 5, 29), "Ruang Server", "ada", auditor)
    assert not services.is_audit_overdue(db.session.get(Asset, asset.id), TODAY)


def test_a_stocktake_takes_a_given_next_date(ctx):
    asset = make("PC-1")
    services.record_stocktake(asset, TODAY, None, "needs_repair", next_audit_on=date(2027, 1, 15))
    db.session.commit()
    row = stored(asset.id, "last_audited_on", "next_audit_on")
    assert (as_day(row[0]), as_day(row[1])) == (TODAY, date(2027, 1, 15))


@pytest.mark.parametrize("next_on", [TODAY, YESTERDAY, date(2020, 1, 1)])
def test_a_next_stocktake_not_after_this_one_is_refused(ctx, next_on):
    asset = make("PC-1")
    before = tuple(stored(asset.id, "last_audited_on", "next_audit_on"))
    with pytest.raises(ValueError):
        services.record_stocktake(asset, TODAY, None, "good", next_audit_on=next_on)
    db.session.commit()
    assert tuple(stored(asset.id, "last_audited_on", "next_audit_on")) == before
    assert db.session.scalar(select(func.count()).select_from(Stocktake)) == 0


def test_an_unknown_condition_is_refused(ctx):
    with pytest.raises(ValueError):
        services.record_stocktake(make("PC-1"), TODAY, None, "lost")


def test_an_older_stocktake_recorded_later_does_not_move_the_dates_back(ctx):
    asset = make("PC-1", location="Ruang A")
    services.record_stocktake(asset, date(2026, 11, 20), None, "good", location="Ruang B")
    db.session.commit()
    services.record_stocktake(asset, date(2026, 6, 1), None, "broken", location="Ruang C",
                              next_audit_on=date(2026, 7, 1))
    db.session.commit()
    row = stored(asset.id, "last_audited_on", "next_audit_on", "location")
    assert (as_day(row[0]), as_day(row[1]), row[2]) == (date(2026, 11, 20), date(2027, 11, 20), "Ruang B")
    assert [(s.seen_on, s.condition) for s in services.stocktakes(asset)] == [
        (date(2026, 11, 20), "good"), (date(2026, 6, 1), "broken")]  # both kept, newest first


def test_a_stocktake_on_the_same_day_again_takes_its_dates(ctx):
    asset = make("PC-1")
    services.record_stocktake(asset, TODAY, None, "good", next_audit_on=date(2027, 6, 1))
    services.record_stocktake(asset, TODAY, None, "good", next_audit_on=date(2027, 3, 1))
    db.session.commit()
    assert as_day(stored(asset.id, "next_audit_on")[0]) == date(2027, 3, 1)


def test_not_found_does_not_move_the_asset_and_no_location_keeps_it(ctx):
    asset = make("PC-1", location="Ruang Server")
    services.record_stocktake(asset, date(2026, 11, 1), None, "not_found", location="Gudang")
    db.session.commit()
    row = stored(asset.id, "location", "last_audited_on")
    assert (row[0], as_day(row[1])) == ("Ruang Server", date(2026, 11, 1))
    services.record_stocktake(asset, date(2026, 11, 2), None, "good", location="  ")
    db.session.commit()
    assert stored(asset.id, "location")[0] == "Ruang Server"
    assert db.session.scalar(select(Stocktake.location).where(Stocktake.condition == "not_found")) == "Gudang"


# Assignments

def test_assign_return_and_assign_again_keeps_the_history(ctx, make_user):
    manager, first, second = (make_user(Role.ASSET_MANAGER).id, make_user(Role.VERIFIKATOR).id,
                              make_user(Role.HELPDESK).id)
    asset = make("LAPTOP-1")
    services.assign(asset, first, manager, note=" untuk verifikasi ")
    db.session.commit()
    assert stored(asset.id, "custodian_id")[0] == first
    services.give_back(asset, manager, note="kembali baik")
    db.session.commit()
    assert stored(asset.id, "custodian_id")[0] is None
    services.assign(asset, second, manager)
    db.session.commit()
    assert stored(asset.id, "custodian_id")[0] == second

    rows = db.session.execute(text(
        "SELECT user_id, assigned_by_id, returned_by_id, returned_at IS NOT NULL, note FROM asset_assignment "
        "WHERE asset_id = :id ORDER BY id"), {"id": asset.id}).all()
    assert [tuple(r) for r in rows] == [(first, manager, manager, True, "untuk verifikasi\nkembali baik"),
                                        (second, manager, None, False, "")]
    history = services.assignments(asset)
    assert [a.user_id for a in history] == [second, first]  # newest first
    assert history[1].returned_at >= history[1].assigned_at
    assert services.open_assignment(asset).user_id == second


def test_an_assigned_asset_cannot_be_assigned_again(ctx, make_user):
    first, second = make_user(Role.VERIFIKATOR).id, make_user(Role.HELPDESK).id
    asset = make("LAPTOP-1")
    services.assign(asset, first, None)
    db.session.commit()
    with pytest.raises(AssignmentError, match="assigned"):
        services.assign(asset, second, None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AssetAssignment)) == 1
    assert stored(asset.id, "custodian_id")[0] == first


def test_a_retired_asset_is_not_assigned(ctx, make_user):
    asset = make("OLD-1", status="retired")
    with pytest.raises(AssignmentError, match="retired"):
        services.assign(asset, make_user(Role.HELPDESK).id, None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AssetAssignment)) == 0


def test_returning_an_unassigned_asset_is_refused(ctx, make_user):
    holder = make_user(Role.HELPDESK).id
    asset = make("PC-1")
    with pytest.raises(AssignmentError, match="not_assigned"):
        services.give_back(asset, None)
    services.assign(asset, holder, None)
    services.give_back(asset, None)
    db.session.commit()
    with pytest.raises(AssignmentError, match="not_assigned"):
        services.give_back(asset, None)


def test_the_database_allows_one_open_assignment_per_asset(ctx, make_user):
    holder, other = make_user(Role.HELPDESK).id, make_user(Role.VERIFIKATOR).id
    asset = make("PC-1")
    services.assign(asset, holder, None)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.add(AssetAssignment(asset_id=asset.id, user_id=other, assigned_at=utcnow()))
        db.session.flush()
    db.session.rollback()
    # A returned one beside the open one is fine.
    db.session.add(AssetAssignment(asset_id=asset.id, user_id=other, assigned_at=utcnow(),
                                   returned_at=utcnow() + timedelta(seconds=1)))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AssetAssignment)) == 2


# The audit trail

def test_asset_changes_are_audited_with_the_signed_in_user(app, ctx, make_user):
    manager = make_user(Role.ASSET_MANAGER)
    holder = make_user(Role.HELPDESK).id
    with signed_in(app, manager.id):
        asset = services.create_asset(TODAY, tag="srv 9", name="Server", asset_class="hardware")
        db.session.commit()
        services.update_asset(asset, location="Ruang Server")
        services.classify(asset, 3, 3, 2, None, TODAY)
        db.session.commit()
        services.assign(asset, holder, manager.id)
        db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "asset",
                                                          AuditEntry.record_id == str(asset.id))
                                 .order_by(AuditEntry.id)).all()
    assert {e.actor_name for e in entries} == {manager.email}
    assert entries[0].action == "create" and entries[0].after["tag"] == "SRV9"
    assert (entries[1].before, entries[1].after) == ({"location": ""}, {"location": "Ruang Server"})
    assert entries[2].before["confidentiality"] is None and entries[2].after["confidentiality"] == 3
    assert entries[2].after["classified_on"] == "2026-12-01"
    assert entries[-1].after == {"custodian_id": holder}
    (assignment,) = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "asset_assignment"))
    assert assignment.action == "create" and assignment.actor_id == manager.id
