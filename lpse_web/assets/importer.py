"""Importing assets from a CSV or XLSX file (read by assets/spreadsheet.py): every row
is checked before anything is written, and then either every row is stored, in one
transaction, or none is.

The work runs outside the request (a thread, `launch`), so that a page can show its
progress from the `AssetImport` row: queued -> checking -> importing -> done / failed.
No request, no flash: the functions take the importing user's id and e-mail, because
the created assets are written with Core inserts (fast, 500 at a time) and their audit
entries are written here, in the same transaction, naming that user.

Progress and SQLite. The counter `done_rows` must be visible to the status page while
the work goes on, and SQLite has one writer at a time:
- checking reads only (the register's tags and serials, the owners): each chunk of 500
  rows ends with a short transaction that saves the counter and commits, so no write
  transaction stays open while Python parses the next chunk;
- importing is one transaction, holding SQLite's write lock from its first insert to its
  commit. A second connection writing progress would wait on that very lock (until the
  busy timeout, then fail), so on SQLite the page says "Menyimpan N aset…" without a
  counter. On PostgreSQL the counter is written through a second connection every 500
  rows; it touches only the import row, which the insert transaction does not lock until
  its last statement, so neither waits for the other.

While an import runs, `progress_at` holds the time of its last progress (a heartbeat);
`finished_at` the time it ended. An import with no progress for ten minutes is
shown as failed (its worker died: a restart, a killed process) and is marked so when
the next import starts."""

import json
import logging
import threading
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import defer

from lpse_web.assets import columns as cols
from lpse_web.assets.alerts import settings
from lpse_web.assets.models import IN_USE, Asset, AssetImport
from lpse_web.assets.spreadsheet import FileError, Sheet, read_file
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User, UserRole
from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db

log = logging.getLogger(__name__)

CHUNK = 500
MAX_ERRORS = 1_000  # stored; the page shows the first SHOWN_ERRORS
SHOWN_ERRORS = 200
STALE_AFTER = timedelta(minutes=10)
RUNNING = ("queued", "checking", "importing")
_ASSET = Asset.__table__
_ASSET_COLUMNS = [c.key for c in Asset.__mapper__.column_attrs]


# --- checking ----------------------------------------------------------------------

def _error(row: int | None, column: str, value, message: str) -> dict:
    text = cols.text_of(value) if not isinstance(value, str) else value.strip()
    return {"row": row, "column": column, "value": text[:100], "message": str(message)}


class _Errors(list):
    """The errors found, kept up to MAX_ERRORS; `total` counts them all."""

    total = 0

    def add(self, *args) -> None:
        self.total += 1
        if len(self) < MAX_ERRORS:
            self.append(_error(*args))


def _chunks(items, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _taken(column, values) -> set:
    """Which of these tags (or serials) the register already has: one query per chunk."""
    found = set()
    for chunk in _chunks(sorted(values)):
        found.update(db.session.scalars(select(column).where(column.in_(chunk))))
    return found


def _staff_ids(emails) -> dict[str, int]:
    """Active staff accounts by e-mail, without regard to case (the app stores them
    lower-case; an account made otherwise still matches): one query per chunk."""
    is_staff = exists().where(and_(UserRole.user_id == User.id, UserRole.role != Role.VENDOR.value))
    email = func.lower(User.email)
    found = {}
    for chunk in _chunks(sorted(emails)):
        found.update(db.session.execute(
            select(email, User.id).where(email.in_(chunk), User.active, is_staff)).all())
    return found


@dataclass
class _Parsed:
    row: int
    values: dict
    raw: dict  # key -> the cell as written, for the error table


def _parse_row(number: int, cells: list, columns: list, headers: list, errors: _Errors) -> _Parsed:
    values, raw, unreadable = {}, {}, set()
    for index, column in enumerate(columns):
        cell = cells[index] if index < len(cells) else None
        if column is None:
            if cols.text_of(cell):  # a value under a header left empty
                errors.add(number, _("kolom %(n)d", n=index + 1), cell, _("Nilai tanpa judul kolom."))
            continue
        raw[column.key] = cell
        try:
            values[column.key] = column.parse(cell)
        except cols.CellError as error:
            errors.add(number, headers[index], cell, str(error))
            values[column.key] = None
            unreadable.add(column.key)
    for index in range(len(columns), len(cells)):
        if cols.text_of(cells[index]):
            errors.add(number, _("kolom %(n)d", n=index + 1), cells[index], _("Nilai tanpa judul kolom."))
    for key, message in cols.row_problems(values):
        if key not in unreadable:  # one message per cell: "not a date", not also "required"
            errors.add(number, _header_of(key, columns, headers), raw.get(key), message)
    return _Parsed(number, values, raw)


def _header_of(key: str, columns: list, headers: list) -> str:
    for index, column in enumerate(columns):
        if column is not None and column.key == key:
            return headers[index]
    return cols.BY_KEY[key].header


def _duplicates(parsed: list[_Parsed], key: str, header: str, errors: _Errors) -> None:
    """A tag (or serial) on two rows or more: each of them names the others."""
    rows_of: dict[str, list[_Parsed]] = {}
    for item in parsed:
        code = item.values.get(key)
        if code:
            rows_of.setdefault(code, []).append(item)
    for code, items in rows_of.items():
        if len(items) < 2:
            continue
        for item in items:
            others = ", ".join(str(other.row) for other in items if other is not item)
            errors.add(item.row, header, item.raw.get(key),
                       _("%(code)s juga ada di baris %(rows)s.", code=code, rows=others))


def _heartbeat(job: AssetImport) -> None:
    job.progress_at = utcnow()
    db.session.commit()


def check(job: AssetImport, sheet: Sheet) -> tuple[list[_Parsed], _Errors]:
    """Every row parsed and checked against the file and the register. Progress is
    committed every CHUNK rows (a short transaction each: see the module's note)."""
    errors = _Errors()
    columns, problems = cols.match_headers(sheet.header)
    headers = [cols.text_of(cell).lstrip("\ufeff").strip() for cell in sheet.header]
    for problem in problems:
        errors.add(sheet.header_row, problem.column, problem.value, problem.message)
    if problems:
        return [], errors
    present = {c.key for c in columns if c is not None}
    parsed: list[_Parsed] = []
    owners: dict[str, int] = {}
    tag_header = _header_of("tag", columns, headers)
    serial_header = _header_of("serial", columns, headers) if "serial" in present else ""
    owner_header = _header_of("owner_email", columns, headers) if "owner_email" in present else ""
    for chunk in _chunks(sheet.rows):
        items = [_parse_row(number, cells, columns, headers, errors) for number, cells in chunk]
        taken_tags = _taken(Asset.tag, {i.values["tag"] for i in items if i.values.get("tag")})
        serials = {i.values["serial"] for i in items if i.values.get("serial")}
        taken_serials = _taken(Asset.serial, serials) if serials else set()
        emails = {i.values["owner_email"] for i in items if i.values.get("owner_email")} - set(owners)
        owners.update(_staff_ids(emails) if emails else {})
        for item in items:
            values = item.values
            if values.get("tag") in taken_tags:
                errors.add(item.row, tag_header, item.raw.get("tag"),
                           _("Nomor aset ini sudah ada di register."))
            if values.get("serial") in taken_serials:
                errors.add(item.row, serial_header, item.raw.get("serial"),
                           _("Nomor seri ini sudah ada di register."))
            email = values.get("owner_email")
            if email and email not in owners:
                errors.add(item.row, owner_header, item.raw.get("owner_email"),
                           _("Tidak ada staf aktif dengan e-mail ini."))
            values["owner_id"] = owners.get(email) if email else None
        parsed.extend(items)
        job.done_rows = len(parsed)
        _heartbeat(job)
    _duplicates(parsed, "tag", tag_header, errors)
    if serial_header:
        _duplicates(parsed, "serial", serial_header, errors)
    order = {header: index for index, header in enumerate(headers)}
    errors.sort(key=lambda e: (e["row"] or 0, order.get(e["column"], len(order))))
    return parsed, errors


# --- importing ---------------------------------------------------------------------

def _record(values: dict, today: date, interval_days: int, now) -> dict:
    """Every column of the new asset, as the insert writes it and the audit log shows it."""
    # Classified means rated (C, I and A); a label alone gives no value.
    classified = all(values.get(key) is not None for key in cols.CIA_KEYS)
    record = {key: None for key in _ASSET_COLUMNS if key != "id"}
    record.update(
        tag=values["tag"], name=values["name"], asset_class=values["asset_class"],
        category=values.get("category") or "", owner_id=values.get("owner_id"),
        location=values.get("location") or "", status=values.get("status") or IN_USE,
        serial=values.get("serial"), supplier=values.get("supplier") or "",
        notes=values.get("notes") or "", created_at=now,
        classified_on=today if classified else None,
        next_audit_on=values.get("next_audit_on") or today + timedelta(days=interval_days),
    )
    for key in ("purchased_on", "purchase_cost", "warranty_ends", "end_of_life", "licence_seats",
                "licence_expires", "confidentiality", "integrity", "availability", "label"):
        record[key] = values.get(key)
    return record


def _logged(value):
    """A value as the audit log writes it (audit/recorder.py): dates in ISO form."""
    return value.isoformat() if isinstance(value, date) else value


def _insert_assets(records: list[dict]):
    """(id, tag) of each new asset. RETURNING pairs the id with its (unique) tag rather
    than keeping parameter order: SQLite keeps multi-row VALUES batches only then."""
    return db.session.execute(_ASSET.insert().returning(_ASSET.c.id, _ASSET.c.tag), records).all()


def _json_value(value):
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    raise TypeError(f"not JSON: {value!r}")


def _insert_pg(table, records: list[dict], returning: str | None = None):
    """PostgreSQL: the chunk's rows as ONE json parameter, unpacked by the server with
    json_populate_recordset. A multi-row VALUES of 500 rows x 22 columns has 11,000
    parameters, which psycopg and the server parse for seconds per statement (an import
    of 50,000 rows took two minutes that way; this way, seconds)."""
    # Identifiers only, from the model's own columns, quoted by the dialect; the values
    # travel as the one bound parameter.
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    names, name = ", ".join(quote(key) for key in records[0]), quote(table.name)
    rows = f"json_populate_recordset(NULL::{name}, CAST(:rows AS json))"
    sql = f"INSERT INTO {name} ({names}) SELECT {names} FROM {rows}"  # nosec B608
    if returning:
        sql += f" RETURNING {returning}"
    result = db.session.execute(text(sql), {"rows": json.dumps(records, default=_json_value)})
    return result.all() if returning else None


def _progress_elsewhere(job_id: int, done: int) -> None:
    """PostgreSQL only: the counter through a second connection, committed at once, so
    the page sees it while the insert transaction is still open."""
    with db.engine.begin() as conn:
        conn.execute(update(AssetImport.__table__).where(AssetImport.__table__.c.id == job_id)
                     .values(done_rows=done, progress_at=utcnow()))


def store(job: AssetImport, parsed: list[_Parsed], actor_id: int | None, actor_name: str,
          address: str | None, today: date) -> int:
    """Insert every asset and its audit entry in one transaction, CHUNK rows per
    statement, and mark the import done in the same transaction. A unique refusal (a
    tag or serial created meanwhile) raises IntegrityError: the caller rolls back."""
    interval = settings().audit_interval_days
    now = utcnow()
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    job_id = job.id
    done = 0
    for chunk in _chunks(parsed):
        records = [_record(item.values, today, interval, now) for item in chunk]
        ids = _insert_pg(_ASSET, records, "id, tag") if postgresql else _insert_assets(records)
        ids = {tag: asset_id for asset_id, tag in ids}
        entries = [
            {"at": now, "actor_id": actor_id, "actor_name": actor_name, "address": address,
             "action": "create", "table_name": _ASSET.name, "record_id": str(ids[record["tag"]]),
             "before": None,
             "after": {"id": ids[record["tag"]], **{key: _logged(value) for key, value in record.items()}}}
            for record in records]
        if postgresql:
            _insert_pg(AuditEntry.__table__, entries)
        else:
            db.session.execute(AuditEntry.__table__.insert(), entries)
        done += len(chunk)
        if postgresql:  # on SQLite the page says "Menyimpan…" (see the module's note)
            _progress_elsewhere(job_id, done)
    job.state, job.imported, job.done_rows = "done", done, done
    job.content, job.errors, job.finished_at = None, None, utcnow()
    db.session.commit()
    return done


# --- the job -----------------------------------------------------------------------

def _fail(job_id: int, errors: list, total: int | None = None) -> None:
    db.session.rollback()
    job = db.session.get(AssetImport, job_id, options=[defer(AssetImport.content)])
    if job is None:
        return
    job.state, job.imported, job.content, job.finished_at = "failed", 0, None, utcnow()
    job.errors = {"total": total if total is not None else len(errors), "items": list(errors)}
    db.session.commit()


def run_import(job_id: int, actor_id: int | None, actor_name: str, address: str | None = None,
               today: date | None = None, locale: str | None = None) -> AssetImport | None:
    """Check and import one queued file. Never raises: a failure is recorded on the
    import (with the errors by row and column) and nothing is stored."""
    with force_locale(locale or "id"):
        try:
            return _run(job_id, actor_id, actor_name, address, today)
        except Exception:
            log.exception("asset import %s failed", job_id)
            try:
                _fail(job_id, [_error(None, "", "", _("Impor gagal karena kesalahan sistem. Coba lagi."))])
            except SQLAlchemyError:
                log.exception("asset import %s: could not record the failure", job_id)
                db.session.rollback()
            return None


def _run(job_id, actor_id, actor_name, address, today):
    # The file is read once: each progress commit expires the row, and reloading it would
    # fetch megabytes of file each time.
    job = db.session.get(AssetImport, job_id, options=[defer(AssetImport.content)])
    if job is None or job.state != "queued":
        return job
    content = db.session.scalar(select(AssetImport.content).where(AssetImport.id == job_id)) or b""
    if today is None:
        from lpse_web import clock
        from lpse_web.office.services import load_calendar

        today = load_calendar().local_day(clock.now())
    job.state = "checking"
    _heartbeat(job)
    try:
        sheet = read_file(job.filename, content)
    except FileError as refused:
        _fail(job_id, [_error(None, "", "", str(refused))])
        return job
    job.total_rows = len(sheet.rows)
    _heartbeat(job)
    parsed, errors = check(job, sheet)
    if errors.total:
        _fail(job_id, errors, errors.total)
        return job
    if not parsed:
        _fail(job_id, [_error(None, "", "", _("Berkas tidak memuat baris data."))])
        return job
    job.state, job.done_rows = "importing", 0
    _heartbeat(job)
    try:
        store(job, parsed, actor_id, actor_name, address, today)
    except IntegrityError as error:
        log.info("asset import %s refused by a unique constraint: %s", job_id, error.orig)
        _fail(job_id, [_error(None, "", "", _(
            "Nomor aset atau nomor seri yang sama baru saja dicatat orang lain selama impor. "
            "Periksa register, lalu impor lagi."))])
    return job


# --- starting and showing -----------------------------------------------------------

def is_stale(job: AssetImport, now=None) -> bool:
    """Still running by its state, but with no progress for STALE_AFTER: its worker died."""
    if job.state not in RUNNING:
        return False
    last = job.progress_at or job.created_at
    return last is not None and (now or utcnow()) - last > STALE_AFTER


def shown_state(job: AssetImport, now=None) -> str:
    return "failed" if is_stale(job, now) else job.state


def errors_of(job: AssetImport) -> tuple[list[dict], int]:
    """The first SHOWN_ERRORS errors, and how many there were in all."""
    stored = job.errors or {}
    if isinstance(stored, list):
        stored = {"total": len(stored), "items": stored}
    items = stored.get("items") or []
    if not items and is_stale(job):
        items = [_error(None, "", "", _("Impor terhenti tanpa selesai (prosesnya berhenti). Impor lagi."))]
    return items[:SHOWN_ERRORS], max(int(stored.get("total") or 0), len(items))


def _close_stale() -> None:
    now = utcnow()
    running = db.session.scalars(select(AssetImport).options(defer(AssetImport.content))
                                 .where(AssetImport.state.in_(RUNNING))).all()
    for job in running:
        if is_stale(job, now):
            job.state, job.content, job.finished_at = "failed", None, now
            job.errors = {"total": 1, "items": [_error(None, "", "", _(
                "Impor terhenti tanpa selesai (prosesnya berhenti). Impor lagi."))]}


def queue_import(filename: str, content: bytes, user_id: int | None) -> AssetImport:
    """Store the uploaded file as a queued import (and mark dead ones failed). Commits."""
    _close_stale()
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200] or "berkas"
    job = AssetImport(filename=name, content=content, state="queued", created_by_id=user_id,
                      total_rows=0, done_rows=0, imported=0)
    db.session.add(job)
    db.session.commit()
    return job


_workers: set[threading.Thread] = set()
_workers_lock = threading.Lock()


def launch(app, job_id: int, **kwargs) -> threading.Thread:
    """Run the import in a thread of its own, with an app context (and so a database
    session and connection) of its own."""
    def work():
        try:
            with app.app_context():
                try:
                    run_import(job_id, **kwargs)
                finally:
                    db.session.remove()
        finally:
            with _workers_lock:
                _workers.discard(threading.current_thread())

    thread = threading.Thread(target=work, name=f"asset-import-{job_id}", daemon=True)
    with _workers_lock:
        _workers.add(thread)
    thread.start()
    return thread


def wait_for_workers(timeout: float = 60) -> None:
    """Join the running import threads (tests, and a clean shutdown)."""
    with _workers_lock:
        threads = list(_workers)
    for thread in threads:
        thread.join(timeout)
