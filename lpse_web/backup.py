"""`flask backup` and `flask restore`: the whole office in one portable archive.

DOMAIN.md (Pasal 31 of the LPSE regulation): the database and the files are backed up to
portable media kept away from the server room, so the archive is one file written to any
path (a USB disk). It holds:

- the database: SQLite's online backup (a consistent copy while the app runs) or
  PostgreSQL's `pg_dump --format=custom`;
- the instance folder's secret key, when the app made one (it signs the sessions and
  the survey's one-time links: without it a restored office would refuse them);
- `manifest.json`: the format, when and from what it was made, the Alembic revision,
  every table's row count and a SHA-256 checksum per member.

Uploaded files (room photos, import files) are rows of the database, so the dump holds
them. `restore` checks every checksum first, refuses a database that already has tables
(it restores into an empty instance, never over an office), and after restoring
compares every table's row count with the manifest."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text

from lpse_web.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
POSTGRES_MEMBER = "database.pgdump"
KEY_MEMBER = "instance/secret_key"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    made_at: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """Rows of every table of the database, by name."""
    names = sorted(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
                for name in names}


def _postgres_url() -> str:
    """The database's URL as libpq's tools take it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; it is needed to {what}.") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[:2000]}")


def _dump(folder: Path) -> str:
    """The database into `folder`; the member's name."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        target = folder / SQLITE_MEMBER
        source = db.engine.raw_connection()
        try:
            copy = sqlite3.connect(target)
            try:
                source.driver_connection.backup(copy)  # consistent while others write
            finally:
                copy.close()
        finally:
            source.close()
        return SQLITE_MEMBER
    if dialect == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--dbname={_postgres_url()}",
              f"--file={folder / POSTGRES_MEMBER}"], "back up PostgreSQL")
        return POSTGRES_MEMBER
    raise BackupError(f"no backup for the {dialect} database")


def _revision() -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(archive: Path, instance_path: str) -> dict:
    """Write the archive (a .tar.gz) and return its manifest."""
    archive = Path(archive)
    if archive.is_dir():
        archive = archive / f"lpse-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"
    if archive.exists():
        raise BackupError(f"{archive} exists already; choose another name.")
    with tempfile.TemporaryDirectory(prefix="lpse-backup-") as work:
        folder = Path(work)
        members = [_dump(folder)]
        key = Path(instance_path) / "secret_key"
        if key.is_file():
            (folder / "instance").mkdir()
            shutil.copyfile(key, folder / KEY_MEMBER)
            members.append(KEY_MEMBER)
        manifest = {
            "format": FORMAT,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "dialect": db.engine.dialect.name,
            "revision": _revision(),
            "tables": row_counts(),
            "files": {name: _sha256(folder / name) for name in members},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = archive.with_name(archive.name + ".part")  # never a half-written archive
        with tarfile.open(partial, "w:gz") as tar:
            for name in [MANIFEST, *members]:
                tar.add(folder / name, arcname=name)
        os.replace(partial, archive)
    manifest["archive"] = str(archive)
    return manifest


def _unpack(archive: Path, folder: Path) -> dict:
    """The archive's members into `folder`, checked against the manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")  # no absolute paths, links or ".." out of it
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{archive} has no readable {MANIFEST}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}.")
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != checksum:
            raise BackupError(f"{name} in {archive} does not match its checksum: the archive is damaged.")
    return manifest


def restore(archive: Path, instance_path: str) -> Restored:
    """Restore the archive into this (empty) instance and check every table's rows."""
    dialect = db.engine.dialect.name
    if inspect(db.engine).get_table_names():
        raise BackupError("the database is not empty: restore goes into a new, empty database only.")
    with tempfile.TemporaryDirectory(prefix="lpse-restore-") as work:
        folder = Path(work)
        manifest = _unpack(Path(archive), folder)
        if manifest["dialect"] != dialect:
            raise BackupError(f"the archive holds a {manifest['dialect']} database; this instance uses "
                              f"{dialect}.")
        if dialect == "sqlite":
            target = db.engine.raw_connection()
            try:
                source = sqlite3.connect(folder / SQLITE_MEMBER)
                try:
                    source.backup(target.driver_connection)
                finally:
                    source.close()
            finally:
                target.close()
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                  f"--dbname={_postgres_url()}", str(folder / POSTGRES_MEMBER)], "restore PostgreSQL")
        db.engine.dispose()
        if KEY_MEMBER in manifest["files"]:
            key = Path(instance_path) / "secret_key"
            key.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / KEY_MEMBER, key)
            key.chmod(0o600)
    found = row_counts()
    if found != manifest["tables"]:
        differ = sorted(name for name in set(found) | set(manifest["tables"])
                        if found.get(name) != manifest["tables"].get(name))
        raise BackupError(f"after the restore these tables differ from the backup: {', '.join(differ)}")
    return Restored(len(found), sum(found.values()), manifest["made_at"])


def describe(manifest: dict) -> str:
    """One line for the operator."""
    rows = sum(manifest["tables"].values())
    return (f"{manifest['archive']}: {manifest['dialect']} database, {len(manifest['tables'])} tables, "
            f"{rows:,} rows, revision {manifest['revision']}")

