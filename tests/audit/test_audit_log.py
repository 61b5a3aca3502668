"""The audit log records every change of an audited record: who, when, before, after."""

from sqlalchemy import select

from lpse_web.audit.models import AuditEntry
from lpse_web.audit.recorder import acting_as
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Room


def _entries(table):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == table).order_by(AuditEntry.id)).all()


def test_create_update_delete_are_logged_with_values(ctx):
    with acting_as("tester"):
        room = Room(name="Ruang Rapat Kecil", kind="meeting", seats=8, computers=0, equipment="")
        db.session.add(room)
        db.session.commit()
        room.seats = 10
        db.session.commit()
        db.session.delete(room)
        db.session.commit()
    create, update, delete = _entries("room")
    assert (create.action, update.action, delete.action) == ("create", "update", "delete")
    assert create.before is None
    assert create.after["seats"] == 8 and create.after["name"] == "Ruang Rapat Kecil"
    assert update.before == {"seats": 8} and update.after == {"seats": 10}
    assert delete.before["seats"] == 10 and delete.after is None
    assert {e.actor_name for e in (create, update, delete)} == {"tester"}
    assert create.record_id == update.record_id == delete.record_id == str(room.id)


def test_rolled_back_change_leaves_no_entry(ctx):
    db.session.add(Room(name="Sementara", kind="meeting", seats=1, computers=0, equipment=""))
    db.session.flush()
    db.session.rollback()
    assert _entries("room") == []


def test_secrets_are_never_written_to_the_log(ctx, make_user):
    make_user(Role.ADMIN)
    (entry,) = _entries("user_account")
    assert entry.after["password_hash"] == "***"
    assert entry.after["session_token"] == "***"
    assert entry.after["totp_secret"] == "***"
    assert "scrypt" not in str(entry.after)


def test_a_change_through_a_page_names_the_signed_in_user(app, client, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = client.post("/admin/ruang", data={
        "name": "Ruang Bidding 2", "kind": "bidding", "seats": "10", "computers": "10",
        "equipment": "PC", "active": "y", "opens": "", "closes": "", "needs_approval": "y",
        "min_notice_minutes": "60", "max_advance_days": "90", "grace_minutes": "15"})
    assert response.status_code == 303
    with app.app_context():
        (entry,) = _entries("room")
        assert entry.actor_id == admin.id and entry.actor_name == admin.email
        assert entry.address == "127.0.0.1"


def test_audit_page_filters_by_table(app, client, make_user, login):
    manager = make_user(Role.MANAGER)
    with app.app_context(), acting_as("seed"):
        db.session.add(Room(name="Ruang Pelatihan B", kind="training", seats=20, computers=0, equipment=""))
        db.session.commit()
    login(client, manager)
    page = client.get("/audit?tabel=room").get_data(as_text=True)
    assert "Ruang Pelatihan B" in page and "room #" in page
    page = client.get("/audit?tabel=counter").get_data(as_text=True)
    assert "Ruang Pelatihan B" not in page
