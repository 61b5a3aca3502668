"""The forms that change a risk (WRITERS only): record or edit a risk, treat it, review
it, and its treatment actions; and the asset picker of the risk form. Same blueprint as
the register's pages (risks/register_views.py).

Buttons that do not save (search assets, compute the impact suggestion, preview the next
review) post the form back and draw it again with what was typed: the same page works
without JavaScript, and with htmx only the block concerned is redrawn."""

from flask import flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from lpse_web.assets.classification import suggested_impact
from lpse_web.extensions import db
from lpse_web.risks import methodology, queries, services
from lpse_web.risks.forms import ActionForm, ReviewForm, RiskForm, TreatmentForm, owner_choices
from lpse_web.risks.labels import RULE_MESSAGES
from lpse_web.risks.models import RiskAction
from lpse_web.risks.register_views import bp, detail_context, get_risk, labels_context, scale_label
from lpse_web.risks.roles import WRITERS
from lpse_web.web.access import allow
from lpse_web.web.forms import prefill
from lpse_web.web.render import render, wants_fragment

RISK_FIELDS = ("title", "description", "category", "threat", "vulnerability", "existing_controls")
ACTIONS_CHANGED = "riskActionsChanged"


def rule_message(error: services.RiskRuleError) -> str:
    return str(RULE_MESSAGES.get(error.reason, error.reason))


# --- the asset picker and the impact suggestion ----------------------------------------------

def impact_suggestion(assets, scheme: methodology.Scheme) -> dict | None:
    """The impact to start from: the highest value (C + I + A) among the chosen assets,
    mapped onto the impact scale in force (assets/classification.py)."""
    impact = suggested_impact([a.value for a in assets], scheme.impact_levels)
    if impact is None:
        return None
    top = max((a for a in assets if a.value is not None), key=lambda a: a.value)
    return {"impact": impact, "label": scale_label(scheme.impact_labels, impact), "asset": top}


def picker_context(chosen, q: str) -> dict:
    return {"chosen": chosen, "found": queries.search_assets(q, [a.id for a in chosen]), "asset_q": q,
            "searched": bool(q.strip())}


@bp.route("/aset-cari")
@allow(*WRITERS)
def asset_picker():
    """The asset picker's rows (htmx active search): the chosen ones kept ticked, then
    the matches. Without htmx, a small page of the same rows."""
    chosen = queries.assets_by_id(queries.chosen_ids(request.args.getlist("aset")))
    return render("risks/asset_search.html", block="picker",
                  **picker_context(chosen, request.args.get("cari_aset", "")))


# --- record and edit a risk --------------------------------------------------------------

def _risk_form_page(form, risk, chosen, status=200, block=None):
    scheme = methodology.current()
    form_url = url_for(".edit", risk_id=risk.id) if risk else url_for(".new")
    return render("risks/form.html", block=block, status=status, form=form, risk=risk, scheme=scheme,
                  form_url=form_url,
                  suggestion=impact_suggestion(chosen, scheme),
                  **picker_context(chosen, request.form.get("cari_aset", "")),
                  **labels_context())


def _risk_form(risk=None) -> RiskForm:
    form = RiskForm(obj=prefill(risk))
    if risk is not None and request.method == "GET":
        form.owner.data = risk.owner_id
    form.set_scales(methodology.current())
    form.owner.choices = owner_choices(queries.staff_users(risk.owner_id if risk else None))
    return form


def _taken(form, code: str) -> None:
    form.code.errors.append(_("Kode %(code)s sudah dipakai risiko lain.",
                              code=services.normal_risk_code(code)))


def _save(form: RiskForm, risk, chosen):
    """Create or update the risk from a valid form; None (and the form's errors, nothing
    stored) when the code is taken or a rule refuses it."""
    if services.code_taken(form.code.data, except_id=risk.id if risk else None):
        _taken(form, form.code.data)
        return None
    fields = {k: getattr(form, k).data for k in RISK_FIELDS}
    fields.update(owner_id=form.owner.data, inherent_likelihood=form.inherent_likelihood.data,
                  inherent_impact=form.inherent_impact.data, asset_ids=[a.id for a in chosen],
                  code=form.code.data)
    today = queries.office_today()
    try:
        saved = services.update_risk(risk, today, **fields) if risk else services.create_risk(today, **fields)
        db.session.commit()
    except services.DuplicateCodeError as error:  # taken between the check and the insert
        db.session.rollback()
        _taken(form, error.code)
    except services.RiskRuleError as error:
        db.session.rollback()
        form.inherent_likelihood.errors.append(rule_message(error))
    else:
        return saved
    return None


def _risk_form_post(risk):
    form = _risk_form(risk)
    chosen = queries.assets_by_id(queries.chosen_ids(request.form.getlist("aset")))
    if "hitung" in request.form:  # the impact suggestion: nothing is checked or saved
        return _risk_form_page(form, risk, chosen, block="impact_suggestion")
    if "cari" in request.form:  # the asset search without JavaScript
        return _risk_form_page(form, risk, chosen, block="asset_picker")
    saved = _save(form, risk, chosen) if form.validate() else None
    if saved is None:
        db.session.rollback()
        return _risk_form_page(form, get_risk(risk.id) if risk else None, chosen, status=422, block="form")
    if risk is None:
        flash(_("Risiko %(code)s dicatat; tinjauan berikutnya %(day)s.", code=saved.code,
                day=format_date(saved.next_review_on, "d MMMM y")), "success")
    else:
        flash(_("Risiko %(code)s disimpan.", code=saved.code), "success")
    return redirect(url_for(".detail", risk_id=saved.id), 303)


@bp.route("/baru", methods=["GET", "POST"])
@allow(*WRITERS)
def new():
    if request.method == "POST":
        return _risk_form_post(None)
    form = _risk_form()
    form.code.data = services.suggest_code()
    return _risk_form_page(form, None, [])


@bp.route("/<int:risk_id>/ubah", methods=["GET", "POST"])
@allow(*WRITERS)
def edit(risk_id):
    risk = get_risk(risk_id)
    if request.method == "POST":
        return _risk_form_post(risk)
    return _risk_form_page(_risk_form(risk), risk, list(risk.assets))


# --- treatment ------------------------------------------------------------------------------

def _refused(form, error: services.RiskRuleError) -> None:
    """A treatment or review a rule refused: nothing kept, the message by the field it is
    about (the status when "accepted" lacks the "accept" treatment, else the residual
    assessment)."""
    db.session.rollback()
    field = form.status if error.reason == "accepted_needs_accept" else form.residual_likelihood
    field.errors.append(rule_message(error))


def _treatment_page(risk, form, status=200):
    return render("risks/treatment.html", block="form" if status != 200 else None, status=status,
                  risk=risk, form=form, scheme=methodology.current(), **labels_context())


@bp.route("/<int:risk_id>/penanganan", methods=["GET", "POST"])
@allow(*WRITERS)
def treat(risk_id):
    risk = get_risk(risk_id)
    form = TreatmentForm(obj=prefill(risk)).set_scales(methodology.current())
    if request.method == "GET":
        return _treatment_page(risk, form)
    if form.validate():
        try:
            services.update_risk(risk, queries.office_today(), status=form.status.data,
                                 treatment=form.treatment.data, treatment_plan=form.treatment_plan.data,
                                 residual_likelihood=form.residual_likelihood.data,
                                 residual_impact=form.residual_impact.data)
            db.session.commit()
        except services.RiskRuleError as error:
            _refused(form, error)
        else:
            flash(_("Penanganan risiko %(code)s disimpan.", code=risk.code), "success")
            return redirect(url_for(".detail", risk_id=risk.id), 303)
    return _treatment_page(get_risk(risk_id), form, status=422)


# --- review -----------------------------------------------------------------------------------

def _next_review(form: ReviewForm, scheme: methodology.Scheme, today):
    """The next review a review saved today would set: from the residual level chosen."""
    likelihood, impact = form.residual_likelihood.data, form.residual_impact.data
    if not (isinstance(likelihood, int) and isinstance(impact, int) and scheme.fits(likelihood, impact)):
        return None
    score, rank = scheme.assess(likelihood, impact)
    return {"day": scheme.next_review(today, rank), "level": scheme.level(rank), "score": score}


def _review_page(risk, form, status=200, block=None):
    scheme, today = methodology.current(), queries.office_today()
    return render("risks/review.html", block=block, status=status, risk=risk, form=form, scheme=scheme,
                  today=today, next_review=_next_review(form, scheme, today),
                  review_overdue=services.is_review_overdue(risk, today), **labels_context())


@bp.route("/<int:risk_id>/tinjau", methods=["GET", "POST"])
@allow(*WRITERS)
def review(risk_id):
    risk = get_risk(risk_id)
    form = ReviewForm(obj=prefill(risk)).set_scales(methodology.current())
    if request.method == "GET":
        if risk.treatment is None:
            form.treatment.data = ""
        return _review_page(risk, form)
    if "pratinjau" in request.form:  # the choices as typed (coerced already); nothing is checked or saved
        return _review_page(risk, form, block="next_review")
    if form.validate():
        try:
            entry = services.review(
                risk, queries.office_today(), current_user.id, note=form.note.data,
                residual_likelihood=form.residual_likelihood.data, residual_impact=form.residual_impact.data,
                inherent_likelihood=form.inherent_likelihood.data, inherent_impact=form.inherent_impact.data,
                status=form.status.data, treatment=form.treatment.data or None)
            db.session.commit()
        except services.RiskRuleError as error:
            _refused(form, error)
        else:
            flash(_("Tinjauan dicatat; tinjauan berikutnya %(day)s.",
                    day=format_date(entry.next_review_on, "d MMMM y")), "success")
            return redirect(url_for(".detail", risk_id=risk.id), 303)
    return _review_page(get_risk(risk_id), form, status=422, block="form")


# --- treatment actions -------------------------------------------------------------------------

def _actions_answer(risk, form=None, status=200, message=None):
    """htmx: the actions block redrawn in place; otherwise back to the risk's page (303),
    or the page itself with the form's errors (422)."""
    if wants_fragment() or status != 200:
        db.session.expire(risk, ["actions"])
        return render("risks/detail.html", block="actions", status=status,
                      trigger=ACTIONS_CHANGED if status == 200 else None, **detail_context(risk, form))
    flash(message, "success")
    return redirect(url_for(".detail", risk_id=risk.id, _anchor="tindakan"), 303)


@bp.route("/<int:risk_id>/tindakan", methods=["POST"])
@allow(*WRITERS)
def add_action(risk_id):
    risk = get_risk(risk_id)
    form = ActionForm()
    form.owner.choices = owner_choices(queries.staff_users())
    if not form.validate():
        return _actions_answer(risk, form, status=422)
    action = services.add_action(risk, form.title.data, form.owner.data, form.due_on.data,
                                 form.note.data or "")
    db.session.commit()
    return _actions_answer(risk, message=_("Tindakan “%(title)s” ditambahkan.", title=action.title))


@bp.route("/tindakan/<int:action_id>/selesai", methods=["POST"])
@allow(*WRITERS)
def complete_action(action_id):
    """Mark an action done today (selesai=1) or open it again (selesai=0)."""
    action = db.get_or_404(RiskAction, action_id)
    done = request.form.get("selesai", "1") != "0"
    services.complete_action(action, queries.office_today() if done else None)
    db.session.commit()
    risk = get_risk(action.risk_id)
    message = (_("Tindakan “%(title)s” ditandai selesai.", title=action.title) if done
               else _("Tindakan “%(title)s” dibuka kembali.", title=action.title))
    return _actions_answer(risk, message=message)
