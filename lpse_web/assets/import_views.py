"""Importing assets from a CSV or XLSX file, with progress, all rows or none.

GET /aset/impor shows the form, the file format and the recent imports; POST stores the
file as a queued import (after a quick check that it is a readable CSV/XLSX with a
header) and starts the work in a thread (`importer.launch`), or inside the request when
`ASSET_IMPORT_INLINE` is set; then 303 to the import's page, which polls itself while
the import runs (htmx every second; a meta refresh without JavaScript)."""

import csv
import io

import openpyxl
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import defer
from werkzeug.routing import BuildError
from wtforms.validators import ValidationError

from lpse_web.assets import columns, importer, spreadsheet
from lpse_web.assets.models import AssetImport
from lpse_web.assets.roles import WRITERS
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.web.access import allow
from lpse_web.web.exports import XLSX, as_text, download
from lpse_web.web.forms import Form
from lpse_web.web.render import render

bp = Blueprint("asset_import", __name__, url_prefix="/aset/impor")
# Who sees every import (anyone else only their own).
SEES_ALL = (Role.ASSET_MANAGER, Role.ADMIN)
RECENT = 10


class UploadForm(Form):
    file = FileField(_l("Berkas CSV atau XLSX"), render_kw={"accept": ".csv,.xlsx,text/csv," + XLSX})

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Pilih berkas CSV atau XLSX."))
        self.content = upload.read()
        try:
            spreadsheet.inspect_file(upload.filename, self.content)
        except spreadsheet.FileError as refused:
            raise ValidationError(str(refused)) from None


def _register_url() -> str:
    # The register's list page (assets/register_views.py); this page until it exists.
    try:
        return url_for("assets.index")
    except BuildError:
        return url_for("asset_import.index")


def _recent():
    query = (select(AssetImport, User.name).outerjoin(User, User.id == AssetImport.created_by_id)
             .options(defer(AssetImport.content))
             .order_by(AssetImport.created_at.desc(), AssetImport.id.desc()).limit(RECENT))
    if not current_user.has_role(*SEES_ALL):
        query = query.where(AssetImport.created_by_id == current_user.id)
    return db.session.execute(query).all()


@bp.route("", methods=["GET", "POST"])
@allow(*WRITERS)
def index():
    form = UploadForm()
    if form.validate_on_submit():
        job = importer.queue_import(form.file.data.filename, form.content, current_user.id)
        work = {"actor_id": current_user.id, "actor_name": current_user.email,
                "address": request.remote_addr, "locale": str(get_locale() or "id")}
        if current_app.config.get("ASSET_IMPORT_INLINE"):
            importer.run_import(job.id, **work)
        else:
            importer.launch(current_app._get_current_object(), job.id, **work)
        return redirect(url_for("asset_import.status", import_id=job.id), 303)
    submitted = form.is_submitted()
    return render("assets/import.html", block="form" if submitted else None, status=422 if submitted else 200,
                  form=form, columns=columns.COLUMNS, help=columns.HELP, recent=_recent(),
                  shown_state=importer.shown_state, register_url=_register_url(),
                  max_rows=format_decimal(spreadsheet.MAX_ROWS))


@bp.route("/<int:import_id>")
@allow(*WRITERS)
def status(import_id):
    job = db.session.get(AssetImport, import_id, options=[defer(AssetImport.content)])
    if job is None or not (job.created_by_id == current_user.id or current_user.has_role(*SEES_ALL)):
        abort(404)
    state = importer.shown_state(job)
    errors, error_count = importer.errors_of(job) if state == "failed" else ([], 0)
    creator = db.session.get(User, job.created_by_id) if job.created_by_id else None
    return render("assets/import_status.html", block="progress", job=job, state=state,
                  running=state in importer.RUNNING, errors=errors, error_count=error_count,
                  creator=creator, number=format_decimal, register_url=_register_url())


def _template_rows():
    return [columns.HEADERS, [as_text(v) for v in columns.example_row()]]


@bp.route("/templat.csv")
@allow(*WRITERS)
def template_csv():
    """The header and one example row; `;` as Excel writes CSV in an Indonesian locale."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(_template_rows())
    return download("\ufeff" + buffer.getvalue(), "text/csv", "templat-impor-aset.csv")


@bp.route("/templat.xlsx")
@allow(*WRITERS)
def template_xlsx():
    """The first sheet is the one imported; the second explains each column."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Aset")
    for row in _template_rows():
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter_cells in sheet.iter_cols(min_row=1, max_row=1):
        cell = letter_cells[0]
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 4)
    guide = workbook.create_sheet(_("Petunjuk"))
    guide.append([_("Kolom"), _("Kode"), _("Wajib"), _("Keterangan")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in columns.COLUMNS:
        required = _("ya") if column.required else ""
        guide.append([column.header, column.key, required, str(columns.HELP[column.key])])
    for letter, width in zip("ABCD", (26, 18, 8, 90), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download(buffer.getvalue(), XLSX, "templat-impor-aset.xlsx")
