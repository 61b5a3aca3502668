"""One asset's pages: its detail (classification, holder, stocktakes, alerts, risks and
change history), the asset form, the classification agreed with the owner, handing it
out and taking it back, and recording a stocktake. Routes of the "assets" blueprint
(register_views.py)."""

from datetime import timedelta

from flask import current_app, flash, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from lpse_web.assets import alerts, services
from lpse_web.assets.classification import value_band
from lpse_web.assets.forms import (
    CIA_HELP,
    CIA_NAMES,
    AssetForm,
    AssignForm,
    ClassifyForm,
    ReturnForm,
    StocktakeForm,
)
from lpse_web.assets.history import asset_history
from lpse_web.assets.labels import CATEGORY_SUGGESTIONS, VALUE_BAND_LABELS
from lpse_web.assets.models import RETIRED, Asset
from lpse_web.assets.queries import office_today, staff_users
from lpse_web.assets.register_views import bp
from lpse_web.assets.roles import READERS, WRITERS
from lpse_web.auth.models import User
from lpse_web.extensions import db
from lpse_web.web.access import allow, permitted, policy_of
from lpse_web.web.forms import choices, prefill
from lpse_web.web.render import render

DUPLICATE_MESSAGES = {"tag": lambda: _("Nomor aset ini sudah dipakai aset lain."),
                      "serial": lambda: _("Nomor seri ini sudah tercatat pada aset lain.")}


@bp.app_template_global("url_if_exists")
def url_if_exists(endpoint: str, **values) -> str | None:
    """url_for, or None while the endpoint does not exist (the risk register's and the
    import's pages are written alongside this one)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _asset(asset_id: int) -> Asset:
    return db.get_or_404(Asset, asset_id)


def _people_choices(include_id: int | None, empty: str):
    return choices([("", empty), *staff_users(include_id)])


def _risks(asset: Asset) -> list[tuple]:
    """(risk, residual level) of the risks affecting the asset, by code."""
    if not asset.risks:
        return []
    from lpse_web.risks.methodology import schemes

    versions = schemes()
    fallback = versions[max(versions)]
    rows = []
    for risk in sorted(asset.risks, key=lambda r: r.code):
        scheme = versions.get(risk.methodology_version, fallback)
        rows.append((risk, scheme.level(risk.residual_level)))
    return rows


@bp.route("/<int:asset_id>")
@allow(*READERS)
def detail(asset_id):
    asset = _asset(asset_id)
    today = office_today()
    window = alerts.settings().alert_window_days
    assignments = services.assignments(asset)
    stocktakes = services.stocktakes(asset)
    events, more = asset_history(asset.id, [a.id for a in assignments], [s.id for s in stocktakes])
    helpers = {a.assigned_by_id for a in assignments} | {a.returned_by_id for a in assignments}
    helpers.discard(None)
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(helpers))).all()) \
        if helpers else {}
    open_assignment = next((a for a in assignments if a.returned_at is None), None)
    return render(
        "assets/detail.html", asset=asset, today=today, window=window,
        alert_kinds=[k for k in alerts.KINDS if alerts.is_alert(asset, k, today, window)],
        assignments=assignments, open_assignment=open_assignment, stocktakes=stocktakes, names=names,
        risks=_risks(asset), events=events, more_events=more,
        audit_link=permitted(current_user, policy_of("audit.index") or frozenset()),
        writer=current_user.has_role(*WRITERS), cia_names=CIA_NAMES)


# --- the asset form ------------------------------------------------------------------------

def _check_unique(form: AssetForm, asset_id: int | None) -> bool:
    ok = True
    if form.tag.data and services.tag_taken(form.tag.data, asset_id):
        form.tag.errors = [*form.tag.errors, DUPLICATE_MESSAGES["tag"]()]
        ok = False
    if form.serial.data and services.serial_taken(form.serial.data, asset_id):
        form.serial.errors = [*form.serial.errors, DUPLICATE_MESSAGES["serial"]()]
        ok = False
    return ok


def _form_page(form: AssetForm, asset: Asset | None):
    suggestions = sorted({word for words in CATEGORY_SUGGESTIONS.values() for word in words})
    return render("assets/form.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, asset=asset, suggestions=suggestions)


@bp.route("/baru", methods=["GET", "POST"])
@allow(*WRITERS)
def create():
    form = AssetForm()
    form.owner_id.choices = _people_choices(None, _("— belum ditentukan —"))
    if form.validate_on_submit() and _check_unique(form, None):
        try:
            asset = services.create_asset(office_today(), **form.values())
        except services.DuplicateError as error:  # created by someone else a moment ago
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, DUPLICATE_MESSAGES[error.field]()]
        else:
            db.session.commit()
            flash(_("Aset %(tag)s dicatat.", tag=asset.tag), "success")
            return redirect(url_for(".detail", asset_id=asset.id), 303)
    return _form_page(form, None)


@bp.route("/<int:asset_id>/ubah", methods=["GET", "POST"])
@allow(*WRITERS)
def edit(asset_id):
    asset = _asset(asset_id)
    form = AssetForm(obj=prefill(asset))
    form.owner_id.choices = _people_choices(asset.owner_id, _("— belum ditentukan —"))
    if form.validate_on_submit() and _check_unique(form, asset.id) and _can_retire(form, asset):
        try:
            services.update_asset(asset, **form.values())
        except services.DuplicateError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, DUPLICATE_MESSAGES[error.field]()]
        else:
            db.session.commit()
            flash(_("Perubahan aset %(tag)s disimpan.", tag=asset.tag), "success")
            return redirect(url_for(".detail", asset_id=asset.id), 303)
    return _form_page(form, asset)


def _can_retire(form: AssetForm, asset: Asset) -> bool:
    """An asset someone still holds is taken back before it is retired."""
    if form.status.data == RETIRED and asset.status != RETIRED and asset.custodian_id is not None:
        form.status.errors = [*form.status.errors, _(
            "Aset ini masih dipegang %(name)s: catat pengembalian dulu sebelum menghapusnya.",
            name=asset.custodian.name)]
        return False
    return True


# --- classification ------------------------------------------------------------------------

@bp.route("/<int:asset_id>/klasifikasi", methods=["GET", "POST"])
@allow(*WRITERS)
def classify(asset_id):
    asset = _asset(asset_id)
    today = office_today()
    form = ClassifyForm(asset_class=asset.asset_class, today=today)
    if not form.is_submitted():  # (on a POST the submitted data is the whole truth)
        form.confidentiality.data, form.integrity.data = asset.confidentiality, asset.integrity
        form.availability.data, form.label.data = asset.availability, asset.label or ""
        form.agreed_on.data = today
    if form.validate_on_submit():
        services.classify(asset, form.confidentiality.data, form.integrity.data, form.availability.data,
                          form.label.data or None, form.agreed_on.data)
        db.session.commit()
        band = value_band(asset.value)
        flash(_("Klasifikasi %(tag)s disimpan: nilai aset %(value)d (%(band)s).", tag=asset.tag,
                value=asset.value, band=VALUE_BAND_LABELS[band]), "success")
        return redirect(url_for(".detail", asset_id=asset.id), 303)
    return render("assets/classify.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, asset=asset, cia_help=CIA_HELP)


# --- handing out and taking back -----------------------------------------------------------

def _assignment_problem(error: services.AssignmentError, asset: Asset) -> tuple[str, int]:
    reason = error.args[0] if error.args else ""
    if reason == "retired":
        return _("Aset yang sudah dihapus / pensiun tidak dapat diserahkan."), 422
    if reason == "assigned":
        holder = asset.custodian.name if asset.custodian else _("pegawai lain")
        return _("Aset ini sedang dipegang %(name)s. Catat pengembalian dulu.", name=holder), 409
    return _("Aset ini tidak sedang diserahkan kepada siapa pun."), 409


def _hand_over(asset, form, template: str, act, done):
    """Hand out or take back: on a valid post `act()` (the service call) and commit, then
    back to the asset (303) with `done()` flashed; a refusal of the service re-renders the
    form with `_assignment_problem`'s message and status, a wrong form with 422."""
    problem, code = None, 200
    if form.validate_on_submit():
        try:
            act()
        except services.AssignmentError as error:
            db.session.rollback()
            problem, code = _assignment_problem(error, asset)
        else:
            db.session.commit()
            flash(done(), "success")
            return redirect(url_for(".detail", asset_id=asset.id), 303)
    elif form.is_submitted():
        code = 422
    return render(template, block="form", status=code, form=form, asset=asset, problem=problem)


@bp.route("/<int:asset_id>/serahkan", methods=["GET", "POST"])
@allow(*WRITERS)
def assign(asset_id):
    asset = _asset(asset_id)
    form = AssignForm()
    form.user_id.choices = _people_choices(None, _("— pilih pegawai —"))
    return _hand_over(
        asset, form, "assets/assign.html",
        act=lambda: services.assign(asset, form.user_id.data, current_user.id, form.note.data or ""),
        done=lambda: _("%(tag)s diserahkan kepada %(name)s.", tag=asset.tag, name=asset.custodian.name))


@bp.route("/<int:asset_id>/kembalikan", methods=["GET", "POST"])
@allow(*WRITERS)
def give_back(asset_id):
    asset = _asset(asset_id)
    form = ReturnForm()
    holder = asset.custodian.name if asset.custodian else ""  # before the return clears it
    return _hand_over(
        asset, form, "assets/give_back.html",
        act=lambda: services.give_back(asset, current_user.id, form.note.data or ""),
        done=lambda: _("%(tag)s dikembalikan oleh %(name)s.", tag=asset.tag, name=holder))


# --- stocktake -----------------------------------------------------------------------------

@bp.route("/<int:asset_id>/stock-opname", methods=["GET", "POST"])
@allow(*WRITERS)
def stocktake(asset_id):
    asset = _asset(asset_id)
    today = office_today()
    form = StocktakeForm(today=today)
    if not form.is_submitted():
        form.seen_on.data = today
        form.location.data = asset.location
        form.next_audit_on.data = today + timedelta(days=alerts.settings().audit_interval_days)
    if form.validate_on_submit():
        services.record_stocktake(asset, form.seen_on.data, current_user.id, form.condition.data,
                                  form.location.data or "", form.note.data or "", form.next_audit_on.data)
        db.session.commit()
        flash(_("Stock opname %(tag)s dicatat; berikutnya %(day)s.", tag=asset.tag,
                day=format_date(asset.next_audit_on, "d MMMM y")), "success")
        return redirect(url_for(".detail", asset_id=asset.id), 303)
    return render("assets/stocktake.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, asset=asset, today=today)
