"""Error pages: full pages for browsers, fragments for htmx, never a stack trace."""

import re

from flask import current_app, g
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from lpse_web.extensions import db
from lpse_web.web.render import render


def _messages():
    return {
        400: (_("Permintaan tidak valid"), _("Permintaan tidak dapat diproses.")),
        403: (_("Akses ditolak"), _("Anda tidak memiliki hak untuk membuka halaman ini.")),
        404: (_("Halaman tidak ditemukan"), _("Alamat yang Anda buka tidak ada.")),
        409: (_("Data bentrok"),
              _("Data yang sama baru saja disimpan oleh permintaan lain. Muat ulang halaman "
                "untuk melihat keadaan terbaru.")),
        405: (_("Metode tidak diizinkan"), _("Permintaan ini tidak didukung oleh alamat tersebut.")),
        413: (_("Berkas terlalu besar"), _("Ukuran data yang dikirim melebihi batas.")),
        422: (_("Data tidak valid"), _("Periksa kembali isian Anda.")),
        429: (_("Terlalu banyak percobaan"),
              _("Terlalu banyak percobaan dalam waktu singkat. Tunggu sebentar lalu coba lagi.")),
        500: (_("Terjadi kesalahan"),
              _("Terjadi kesalahan pada server. Perubahan Anda tidak disimpan; silakan coba lagi.")),
        503: (_("Layanan tidak tersedia"),
              _("Layanan sedang tidak tersedia. Silakan coba beberapa saat lagi.")),
    }


def error_page(status: int, detail: str | None = None):
    title, message = _messages().get(status, _messages()[500])
    return render("errors/error.html", block="content", status=status,
                  title=title, message=detail or message, status_code=status)


def _handle_http(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return error_page(error.code)


def _handle_csrf(error: CSRFError):
    return error_page(400, _("Formulir kedaluwarsa atau tidak sah (token CSRF). "
                             "Muat ulang halaman lalu kirim kembali."))


# Database errors that pass by themselves (a busy SQLite writer, a restarting server),
# unlike "no such table" and other OperationalErrors that are bugs.
_PASSING = re.compile(r"locked|busy|connect|connection|server closed|timeout|shutting down|starting up|"
                      r"terminating|administrator command", re.I)
# The disk under the database is full (SQLite: "database or disk is full"; PostgreSQL:
# "No space left on device"): passes once someone frees space, which staff must be told.
_DISK_FULL = re.compile(r"disk is full|no space left", re.I)


def _handle_conflict(error: IntegrityError):
    """A database rule refused the change (two requests raced past a check): nothing was
    stored; say so instead of failing. Modules that expect a conflict answer it themselves."""
    db.session.rollback()
    current_app.logger.warning("integrity conflict: %s", error.orig)
    return error_page(409)


def _handle_unexpected(error: Exception):
    # Whatever failed, the transaction is rolled back: nothing half-written is kept.
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, OperationalError) and _DISK_FULL.search(str(original.orig)):
        current_app.logger.error("database disk full: %s", original.orig)
        _without_the_database()
        return error_page(503, _("Penyimpanan server penuh: perubahan Anda tidak disimpan. Beri tahu "
                                 "administrator, lalu coba lagi setelah ruang disk dikosongkan."))
    if isinstance(original, OperationalError) and _PASSING.search(str(original.orig)):
        # The database is busy ("database is locked") or unreachable: a passing condition,
        # not a bug. Nothing was stored; the visitor can try again.
        current_app.logger.warning("database unavailable: %s", original.orig)
        _without_the_database()
        return error_page(503)
    if not isinstance(original, HTTPException):
        current_app.logger.exception("unhandled error", exc_info=original)
    return error_page(500)


def _without_the_database():
    """Draw the error page as for an anonymous visitor: the signed-in user's row was
    expired by the rollback (or never loaded), and reading it again from a database that
    is down would fail inside the error handler, leaving only gunicorn's bare 500."""
    g._login_user = current_app.login_manager.anonymous_user()


def init_app(app):
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(IntegrityError, _handle_conflict)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    app.register_error_handler(Exception, _handle_unexpected)
