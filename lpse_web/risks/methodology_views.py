"""The risk methodology: its versions, a new version, and rescoring the risks under it.

Readers (the risk and asset managers, the managers) see the version in force and the
older ones. The risk manager writes a new version (the old ones stay: risks scored
under them still read them), then moves the risks to it in a separate, confirmed step
(`nilai-ulang`): services.rescore records it on the version (rescored_at/by), with a
score history row per risk moved and the audit log."""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lpse_web import clock
from lpse_web.auth.models import User
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks.labels import RULE_MESSAGES
from lpse_web.risks.methodology import PALETTE, Level, Scheme, current, problems, schemes
from lpse_web.risks.methodology_forms import MAX_BANDS, MethodologyForm
from lpse_web.risks.models import CLOSED, MAX_SCALE, Risk
from lpse_web.risks.roles import READERS, WRITERS
from lpse_web.risks.services import RiskRuleError, rescore, save_methodology
from lpse_web.web.access import allow
from lpse_web.web.render import render

bp = Blueprint("risk_methodology", __name__, url_prefix="/risiko/metodologi")
PLAN_SHOWN = 200  # the confirmation lists this many of the risks that will move (all that cannot)


def _today() -> date:
    return load_calendar().local_day(clock.now())


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _risks_per_version() -> dict[int, int]:
    """Risks not closed, by the methodology version they are scored under (one query)."""
    return {int(v): int(n) for v, n in db.session.execute(
        select(Risk.methodology_version, func.count()).where(Risk.status != CLOSED)
        .group_by(Risk.methodology_version))}


def _page(scheme: Scheme, all_schemes: dict[int, Scheme]):
    in_force = max(all_schemes)
    rows = [s.row for s in sorted(all_schemes.values(), key=lambda s: s.version, reverse=True)]
    per_version = _risks_per_version()
    outdated = sum(n for v, n in per_version.items() if v != in_force)
    return render("risks/methodology.html", scheme=scheme, in_force=in_force, versions=rows,
                  per_version=per_version, outdated=outdated, PALETTE=PALETTE,
                  names=_names([r.created_by_id for r in rows] + [r.rescored_by_id for r in rows]),
                  can_change=current_user.has_role(*WRITERS))


@bp.route("/")
@allow(*READERS)
def index():
    found = schemes()
    return _page(found[max(found)], found)


@bp.route("/<int:version>")
@allow(*READERS)
def show(version):
    found = schemes()
    if version not in found:
        abort(404)
    return _page(found[version], found)


# --- a new version ------------------------------------------------------------------------

def _edit_page(form, scheme, found=(), status=200):
    return render("risks/methodology_form.html", form=form, scheme=scheme, problems=list(found),
                  PALETTE=PALETTE, MAX_SCALE=MAX_SCALE, MAX_BANDS=MAX_BANDS, status=status)


@bp.route("/ubah", methods=["GET", "POST"])
@allow(*WRITERS)
def edit():
    scheme = current()
    if request.method == "GET":
        return _edit_page(MethodologyForm.from_scheme(scheme), scheme)
    form = MethodologyForm()
    if not form.validate_on_submit():
        return _edit_page(form, scheme, status=422)
    found = problems(form.likelihood_labels, form.impact_labels, form.levels, form.appetite.data)
    if found:
        return _edit_page(form, scheme, found, status=422)
    if form.base_version.data != str(scheme.version):
        return _edit_page(form, scheme, [RULE_MESSAGES["concurrent_version"]], status=409)
    try:
        row = save_methodology(form.likelihood_labels, form.impact_labels, form.levels, form.appetite.data,
                               form.note.data, current_user.id)
    except RiskRuleError as error:
        db.session.rollback()
        if error.reason == "concurrent_version":
            return _edit_page(form, scheme, [RULE_MESSAGES["concurrent_version"]], status=409)
        return _edit_page(form, scheme, [str(error)], status=422)
    version = row.version
    db.session.commit()
    outdated = sum(n for v, n in _risks_per_version().items() if v != version)
    message = _("Metodologi versi %(v)d disimpan dan berlaku.", v=version)
    if outdated:
        message += " " + _("%(n)d risiko masih dinilai dengan versi lama: nilai ulang agar skor dan "
                           "tingkatnya mengikuti versi ini.", n=outdated)
    flash(message, "success")
    return redirect(url_for(".index"), 303)


# --- rescoring ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """What rescoring will do to one risk."""

    risk: Risk
    old_inherent: Level | None
    old_residual: Level | None
    inherent_score: int | None = None  # under the version in force; None: it cannot move
    inherent: Level | None = None
    residual_score: int | None = None
    residual: Level | None = None
    next_review_on: date | None = None


def _plan(scheme: Scheme, all_schemes: dict[int, Scheme]) -> tuple[list[Move], list[Move]]:
    """(will move, cannot move): the risks not closed scored under an older version, as
    services.rescore will treat them (one query)."""
    movable, unfit = [], []
    calendar = load_calendar()
    for risk in db.session.scalars(select(Risk).where(Risk.status != CLOSED,
                                                      Risk.methodology_version != scheme.version)
                                   .order_by(Risk.code)):
        old = all_schemes.get(risk.methodology_version)
        before = {"risk": risk, "old_inherent": old.level(risk.inherent_level) if old else None,
                  "old_residual": old.level(risk.residual_level) if old else None}
        if not (scheme.fits(risk.inherent_likelihood, risk.inherent_impact)
                and scheme.fits(risk.residual_likelihood, risk.residual_impact)):
            unfit.append(Move(**before))
            continue
        inherent, inherent_rank = scheme.assess(risk.inherent_likelihood, risk.inherent_impact)
        residual, residual_rank = scheme.assess(risk.residual_likelihood, risk.residual_impact)
        # Counted as services.rescore counts it: from the office's day of the recording.
        since = risk.last_reviewed_on or calendar.local_day(risk.created_at)
        movable.append(Move(**before, inherent_score=inherent, inherent=scheme.level(inherent_rank),
                            residual_score=residual, residual=scheme.level(residual_rank),
                            next_review_on=scheme.next_review(since, residual_rank)))
    return movable, unfit


def _rescore_page(scheme, all_schemes, status=200, problem=None):
    movable, unfit = _plan(scheme, all_schemes)
    row = scheme.row
    return render("risks/methodology_rescore.html", scheme=scheme, movable=movable[:PLAN_SHOWN],
                  movable_count=len(movable), unfit=unfit, problem=problem,
                  rescored_by=_names([row.rescored_by_id]).get(row.rescored_by_id),
                  has_detail="risks.detail" in current_app.view_functions, status=status)


@bp.route("/nilai-ulang", methods=["GET", "POST"])
@allow(*WRITERS)
def rescore_risks():
    """GET: what will move and what cannot. POST: move them (after that confirmation)."""
    all_schemes = schemes()
    scheme = all_schemes[max(all_schemes)]
    if request.method == "GET":
        return _rescore_page(scheme, all_schemes)
    confirmed = request.form.get("versi", "")
    if not confirmed.isdigit():
        problem = _("Konfirmasi penilaian ulang tidak lengkap; periksa daftar lalu coba lagi.")
        return _rescore_page(scheme, all_schemes, status=422, problem=problem)
    if confirmed != str(scheme.version):
        # Confirmed for another version than the one in force now: show the new plan.
        return _rescore_page(scheme, all_schemes, status=409, problem=RULE_MESSAGES["concurrent_version"])
    if not _plan(scheme, all_schemes)[0]:
        flash(_("Tidak ada risiko yang dapat dinilai ulang."), "info")
        return redirect(url_for(".rescore_risks"), 303)
    moved, unfit = rescore(_today(), current_user.id)
    version = scheme.version
    unfit_codes = [r.code for r in unfit]
    db.session.commit()
    message = _("%(n)d risiko dinilai ulang dengan metodologi versi %(v)d.", n=len(moved), v=version)
    if unfit_codes:
        shown = ", ".join(unfit_codes[:20]) + (" …" if len(unfit_codes) > 20 else "")
        message += " " + _("%(n)d risiko tidak dapat dipindah (kemungkinan atau dampaknya di luar skala "
                           "baru) dan perlu dinilai ulang secara manual: %(codes)s.",
                           n=len(unfit_codes), codes=shown)
    flash(message, "success" if not unfit_codes else "warning")
    return redirect(url_for(".rescore_risks"), 303)

