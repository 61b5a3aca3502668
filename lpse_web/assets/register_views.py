"""The asset register's pages: the list (filters, active search, sorting, paging, all in
the URL), its export, the alerts, the stocktakes due, and the register's settings.

One asset's pages (detail, form, classification, assignment, stocktake) are in
detail_views.py, on this same blueprint."""


from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from lpse_web.assets import alerts
from lpse_web.assets import models as _models  # noqa: F401 - the register tables
from lpse_web.assets.classification import value_band
from lpse_web.assets.columns import COLUMNS, export_row
from lpse_web.assets.forms import SettingsForm
from lpse_web.assets.labels import (
    ALERT_LABELS,
    CIA_LABELS,
    CLASS_LABELS,
    CONDITION_LABELS,
    LABEL_LABELS,
    STATUS_LABELS,
    VALUE_BAND_LABELS,
)
from lpse_web.assets.models import AssetSettings
from lpse_web.assets.queries import (
    PAGE_SIZE,
    UNCLASSIFIED,
    Filters,
    audit_due_query,
    export_query,
    office_today,
    register_query,
    staff_users,
    without_roles,
)
from lpse_web.assets.roles import READERS, WRITERS
from lpse_web.extensions import db
from lpse_web.web.access import allow
from lpse_web.web.exports import csv_download, xlsx_stream_download
from lpse_web.web.forms import prefill
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render, wants_fragment

bp = Blueprint("assets", __name__, url_prefix="/aset")
SOON_DAYS = 30  # the stocktake page's "due soon"
ALERTS_SHOWN = 10  # per kind on the alerts page; the rest through the filtered list

for name, value in {"ASSET_CLASSES": CLASS_LABELS, "ASSET_STATUSES": STATUS_LABELS,
                    "ASSET_LABELS": LABEL_LABELS, "ASSET_CIA": CIA_LABELS, "ASSET_BANDS": VALUE_BAND_LABELS,
                    "ASSET_CONDITIONS": CONDITION_LABELS, "ASSET_ALERTS": ALERT_LABELS,
                    "ASSET_ALERT_KINDS": alerts.KINDS, "ASSET_UNCLASSIFIED": UNCLASSIFIED}.items():
    bp.add_app_template_global(value, name)


@bp.app_template_global("asset_alerts")
def asset_alerts(asset, today, window_days) -> list[str]:
    """The kinds of alert one loaded asset raises (Python, no query)."""
    return [kind for kind in alerts.KINDS if alerts.is_alert(asset, kind, today, window_days)]


@bp.app_template_global("asset_band")
def asset_band(value):
    return value_band(value)


@bp.app_template_global("can_change_assets")
def can_change_assets() -> bool:
    return current_user.is_authenticated and current_user.has_role(*WRITERS)


@bp.app_template_filter("rupiah")
def rupiah(value) -> str:
    return "" if value is None else "Rp " + format_decimal(int(value), format="#,##0")


@bp.route("")
@allow(*READERS)
def index():
    filters = Filters.from_args(request.args)
    today = office_today()
    window = alerts.settings().alert_window_days
    page = paginate(register_query(filters, today, window), request.args.get("hal"), PAGE_SIZE)
    full = not wants_fragment()  # the banner and the filter form are outside the results block
    response = render("assets/index.html", block="results", page=page, filters=filters, today=today,
                      window=window, counts=alerts.alert_counts(today, window) if full else None,
                      owners=staff_users(filters.pemilik) if full else [])
    if not full:  # the address bar shows the state without the form's empty fields
        response.headers["HX-Push-Url"] = url_for(
            ".index", **filters.args(), **({"hal": page.number} if page.number > 1 else {}))
    return response


@bp.route("/peringatan")
@allow(*READERS)
def alert_page():
    today = office_today()
    window = alerts.settings().alert_window_days
    counts = alerts.alert_counts(today, window)
    sections = [(kind, counts.of(kind),
                 list(db.session.scalars(without_roles(alerts.alert_query(kind, today, window))
                                         .limit(ALERTS_SHOWN)))
                 if counts.of(kind) else [])
                for kind in alerts.KINDS]
    return render("assets/alerts.html", sections=sections, counts=counts, today=today, window=window,
                  shown=ALERTS_SHOWN)


@bp.route("/stock-opname")
@allow(*READERS)
def stocktakes_due():
    today = office_today()
    overdue_query, soon_query = audit_due_query(today, SOON_DAYS)
    overdue = paginate(overdue_query, request.args.get("hal_lewat"), PAGE_SIZE)
    soon = paginate(soon_query, request.args.get("hal_segera"), PAGE_SIZE)
    return render("assets/stocktakes.html", overdue=overdue, soon=soon, today=today, days=SOON_DAYS)


@bp.route("/pengaturan", methods=["GET", "POST"])
@allow(*WRITERS)
def settings_page():
    row = db.session.get(AssetSettings, 1)
    form = SettingsForm(obj=prefill(row or alerts.settings()))
    if form.validate_on_submit():
        values = {"alert_window_days": form.alert_window_days.data,
                  "audit_interval_days": form.audit_interval_days.data}
        try:
            _save_settings(row, values)
        except IntegrityError:  # someone created the row at the same moment: change theirs
            db.session.rollback()
            _save_settings(db.session.get(AssetSettings, 1), values)
        flash(_("Pengaturan register aset disimpan."), "success")
        return redirect(url_for(".settings_page"), 303)
    return render("assets/settings.html", block="form", status=422 if form.is_submitted() else 200, form=form)


def _save_settings(row, values) -> None:
    if row is None:
        row = AssetSettings(id=1)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()


# --- export: the import's own file format (assets/columns.py), so it imports back -----------

def _export_rows(filters: Filters):
    """The filtered register in the list's order, streamed in batches: one query
    however many rows (owners are joined; nothing per row is lazy)."""
    today = office_today()
    query = export_query(filters, today, alerts.settings().alert_window_days)
    for asset in db.session.scalars(query.execution_options(yield_per=1000)):
        yield export_row(asset)


def _filename(ext: str) -> str:
    return f"register-aset-{office_today().isoformat()}.{ext}"


@bp.route("/ekspor.csv")
@allow(*READERS)
def export_csv():
    rows = _export_rows(Filters.from_args(request.args))
    return csv_download([c.header for c in COLUMNS], rows, _filename("csv"))


@bp.route("/ekspor.xlsx")
@allow(*READERS)
def export_xlsx():
    """One sheet, the header in row 1 as the import reads it (no title row)."""
    rows = _export_rows(Filters.from_args(request.args))
    return xlsx_stream_download([(_("Aset"), [c.header for c in COLUMNS], rows)], None, _filename("xlsx"))


from lpse_web.assets import detail_views  # noqa: E402, F401 - its routes are on bp
