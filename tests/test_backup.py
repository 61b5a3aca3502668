"""`flask backup` and `flask restore` as a round trip, on SQLite and on PostgreSQL: an office
with accounts, a room with its photo (bytes), a booking and an audit trail is backed up,
restored into a new empty database with a new instance folder, and every table holds the
same rows (compared by content, not only by count); the secret key comes back. A damaged
archive and a database that is not empty are refused and change nothing."""

import hashlib
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from lpse_web import create_app
from lpse_web.audit.recorder import acting_as
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Room
from tests.conftest import _postgres_database, _test_config

PHOTO = bytes(range(256)) * 40  # a room photo is a row's bytes: the dump must carry them


def _contents(url: str) -> dict[str, str]:
    """Every table's rows, as a checksum of their sorted text, by table name."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {}
            for name in sorted(inspect(conn).get_table_names()):
                rows = sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"')))
                found[name] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
            return found
    finally:
        engine.dispose()


@pytest.fixture
def office(app, make_user):
    """Some of everything: accounts with roles, a room with a photo, audit entries."""
    make_user(Role.MANAGER, name="Kepala LPSE")
    make_user(Role.VENDOR, name="CV Penyedia")
    with app.app_context(), acting_as("test"):
        db.session.add(Room(name="Ruang Pelatihan", kind="training", seats=20, photo=PHOTO,
                            photo_type="image/png"))
        db.session.commit()
    Path(app.instance_path, "secret_key").write_text("the-office-key")
    return app


@pytest.fixture
def empty_target(app, tmp_path):
    """A new, empty database of the same kind, and a new instance folder for it."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        url, drop = _postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'restored.db'}", lambda: None
    target = create_app(_test_config(url))
    target.instance_path = str(tmp_path / "restored-instance")
    yield target, url
    with target.app_context():
        db.engine.dispose()
    drop()


def _backup(app, archive: Path):
    return app.test_cli_runner().invoke(args=["backup", str(archive)])


def test_a_round_trip_restores_every_row_and_the_key(office, empty_target, database_url, tmp_path):
    archive = tmp_path / "usb" / "lpse.tar.gz"
    archive.parent.mkdir()
    result = _backup(office, archive)
    assert result.exit_code == 0, result.output
    assert archive.is_file() and "Backed up" in result.output

    before = _contents(database_url)
    assert before["user_account"].startswith("2:") and int(before["audit_log"].split(":")[0]) > 0
    target, url = empty_target
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "every table's rows match the archive" in result.output
    assert _contents(url) == before
    assert Path(target.instance_path, "secret_key").read_text() == "the-office-key"
    with target.app_context():
        assert db.session.scalars(select(Room.photo).where(Room.photo.is_not(None))).one() == PHOTO


def test_a_folder_gets_a_dated_archive_and_an_existing_file_is_kept(office, tmp_path):
    assert _backup(office, tmp_path).exit_code == 0
    made = list(tmp_path.glob("lpse-backup-*.tar.gz"))
    assert len(made) == 1
    again = _backup(office, made[0])
    assert again.exit_code != 0 and "exists already" in again.output


def test_a_damaged_archive_is_refused_and_restores_nothing(office, empty_target, tmp_path):
    archive = tmp_path / "lpse.tar.gz"
    assert _backup(office, archive).exit_code == 0
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    database = next(p for p in unpacked.iterdir() if p.name.startswith("database."))
    dump = database.read_bytes()  # every byte of its last hundred flipped (a SQLite file may end in zeros)
    database.write_bytes(dump[:-100] + bytes(b ^ 0xFF for b in dump[-100:]))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for member in sorted(unpacked.rglob("*")):
            if member.is_file():
                tar.add(member, arcname=str(member.relative_to(unpacked)))

    target, url = empty_target
    result = target.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code != 0 and "does not match its checksum" in result.output
    assert _contents(url) == {}  # nothing was written
    assert not Path(target.instance_path, "secret_key").exists()


def test_restore_never_goes_over_an_office(office, database_url, tmp_path):
    archive = tmp_path / "lpse.tar.gz"
    assert _backup(office, archive).exit_code == 0
    before = _contents(database_url)
    result = office.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert _contents(database_url) == before
