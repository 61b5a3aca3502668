"""The survey manager's pages: periods, the questionnaire's wording, the link settings.

Only the survey manager (Pengelola Hubungan dengan Pengguna Layanan) changes anything;
the head of office (MANAGER) may read the list of periods."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.surveys import invitations, periods, unsur
from lpse_web.surveys.manage_forms import ElementForm, PeriodForm, SettingsForm
from lpse_web.surveys.messages import PERIOD_ERROR_FIELDS, PERIOD_STATUS_LABELS, days_of, period_message
from lpse_web.surveys.models import UNSUR_COUNT, SurveyPeriod, SurveyResponse
from lpse_web.surveys.responses import response_count
from lpse_web.web.access import allow
from lpse_web.web.forms import prefill
from lpse_web.web.render import render

bp = Blueprint("survey_manage", __name__, url_prefix="/survei/kelola")
CHANGERS = (Role.SURVEY_MANAGER,)
READERS = (Role.SURVEY_MANAGER, Role.MANAGER)


def response_counts() -> dict[int, int]:
    """Completed questionnaires per period, in one grouped query."""
    return dict(db.session.execute(select(SurveyResponse.period_id, func.count())
                                   .group_by(SurveyResponse.period_id)).all())


def next_unplanned_quarter(planned: list[SurveyPeriod], today) -> periods.Quarter:
    """The first calendar quarter, from today's on, that no period covers or is named after."""
    quarter = periods.quarter_of(today)
    names = {p.name for p in planned}
    for _step in range(40):  # ten years ahead is as far as anyone plans
        if quarter.name not in names and not any(
                p.starts_on <= quarter.last and p.ends_on >= quarter.first for p in planned):
            break
        quarter = periods.quarter_of(quarter.last + timedelta(days=1))
    return quarter


def _suggested_period(planned: list[SurveyPeriod]) -> dict:
    quarter = next_unplanned_quarter(planned, load_calendar().local_day(clock.now()))
    return {"name": quarter.name, "starts_on": quarter.first, "ends_on": quarter.last}


@bp.route("/")
@allow(*READERS)
def index():
    rows = periods.all_periods()
    return render("surveys/periods.html", rows=rows, counts=response_counts(),
                  form=PeriodForm(formdata=None, data=_suggested_period(rows)),
                  can_change=current_user.has_role(*CHANGERS), STATUS_LABELS=PERIOD_STATUS_LABELS,
                  days_of=days_of)


def _period_form(period: SurveyPeriod | None):
    if period is None:  # the suggestion only fills the form shown, never a submitted one
        form = PeriodForm(data=_suggested_period(periods.all_periods()) if request.method == "GET" else None)
    else:
        form = PeriodForm(obj=prefill(period))
    if form.validate_on_submit():
        try:
            saved = periods.save_period(period, name=form.name.data, first=form.starts_on.data,
                                        last=form.ends_on.data)
        except periods.PeriodError as error:
            db.session.rollback()
            form[PERIOD_ERROR_FIELDS.get(error.code, "name")].errors.append(period_message(error))
        else:
            db.session.commit()
            flash(_("Periode %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for(".index"), 303)
    submitted = form.is_submitted()
    return render("surveys/period_form.html", block="form" if submitted else None,
                  status=422 if submitted else 200, form=form, period=period,
                  answers=response_count(period.id) if period is not None else 0,
                  STATUS_LABELS=PERIOD_STATUS_LABELS)


@bp.route("/periode/baru", methods=["GET", "POST"])
@allow(*CHANGERS)
def new():
    return _period_form(None)


@bp.route("/periode/<int:period_id>", methods=["GET", "POST"])
@allow(*CHANGERS)
def edit(period_id):
    return _period_form(db.get_or_404(SurveyPeriod, period_id))


def _step(period_id: int, change, done):
    """Apply one change of status to a period, then back to the list with a message
    (`done(name)`, or the rule's refusal)."""
    period = db.get_or_404(SurveyPeriod, period_id)
    name = period.name
    try:
        change(period)
        db.session.commit()
    except periods.PeriodError as error:
        db.session.rollback()
        flash(period_message(error), "error")
    else:
        flash(done(name), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/periode/<int:period_id>/buka", methods=["POST"], endpoint="open")
@allow(*CHANGERS)
def open_period(period_id):
    return _step(period_id, lambda p: periods.open_period(p, clock.now()), lambda name: _(
        "Periode %(name)s dibuka: jawaban untuk layanan pada tanggal-tanggalnya diterima.", name=name))


@bp.route("/periode/<int:period_id>/tutup", methods=["POST"], endpoint="close")
@allow(*CHANGERS)
def close_period(period_id):
    return _step(period_id, lambda p: periods.close_period(p, clock.now()), lambda name: _(
        "Periode %(name)s ditutup: tidak ada jawaban baru yang diterima.", name=name))


@bp.route("/periode/<int:period_id>/terbitkan", methods=["POST"])
@allow(*CHANGERS)
def publish(period_id):
    return _step(period_id, lambda p: periods.publish(p, True), lambda name: _(
        "Hasil periode %(name)s diterbitkan di halaman Hasil Survei.", name=name))


@bp.route("/periode/<int:period_id>/tarik", methods=["POST"])
@allow(*CHANGERS)
def unpublish(period_id):
    return _step(period_id, lambda p: periods.publish(p, False), lambda name: _(
        "Hasil periode %(name)s ditarik dari halaman Hasil Survei.", name=name))


@bp.route("/periode/<int:period_id>/hapus", methods=["POST"])
@allow(*CHANGERS)
def delete(period_id):
    return _step(period_id, periods.delete_period, lambda name: _("Periode %(name)s dihapus.", name=name))


# The questionnaire: the nine unsur in their order, each with its own form (prefix u1-..u9-,
# so the ids on the page are unique), and the link settings.

def _element_form(element: unsur.Element) -> ElementForm:
    return ElementForm(prefix=element.field, formdata=None, data={
        "question": element.question, **{f"option_{n}": o for n, o in enumerate(element.options, start=1)}})


def _questionnaire_page(*, number: int | None = None, element_form: ElementForm | None = None,
                        settings_form: SettingsForm | None = None, block: str | None = None,
                        status: int = 200):
    elements = unsur.load_elements()
    forms = {e.number: element_form if e.number == number and element_form else _element_form(e)
             for e in elements}
    settings_form = settings_form or SettingsForm(
        formdata=None, data={"link_valid_days": invitations.link_valid_days()})
    return render("surveys/questionnaire_editor.html", block=block, status=status, elements=elements,
                  forms=forms, settings_form=settings_form, defaults=unsur.DEFAULTS,
                  # the one block an htmx request gets back
                  element=elements[number - 1] if number else None, form=forms.get(number))


@bp.route("/kuesioner")
@allow(*CHANGERS)
def questionnaire():
    return _questionnaire_page()


def _element_number(number: int) -> int:
    if not 1 <= number <= UNSUR_COUNT:
        abort(404)
    return number


@bp.route("/kuesioner/<int:number>", methods=["POST"])
@allow(*CHANGERS)
def save_element(number):
    number = _element_number(number)
    form = ElementForm(prefix=f"u{number}")
    if form.validate_on_submit():
        unsur.save_wording(number, form.question.data.strip(), [f.data.strip() for f in form.options])
        db.session.commit()
        flash(_("Rumusan %(code)s %(name)s disimpan.", code=unsur.CODES[number - 1],
                name=unsur.NAMES[unsur.CODES[number - 1]]), "success")
        return redirect(url_for(".questionnaire", _anchor=f"unsur-{number}"), 303)
    return _questionnaire_page(number=number, element_form=form, block="element", status=422)


@bp.route("/kuesioner/<int:number>/kembalikan", methods=["POST"])
@allow(*CHANGERS)
def reset_element(number):
    number = _element_number(number)
    unsur.reset_wording(number)
    db.session.commit()
    flash(_("%(code)s %(name)s kembali memakai rumusan PermenPANRB 14/2017.", code=unsur.CODES[number - 1],
            name=unsur.NAMES[unsur.CODES[number - 1]]), "success")
    return redirect(url_for(".questionnaire", _anchor=f"unsur-{number}"), 303)


@bp.route("/pengaturan", methods=["POST"])
@allow(*CHANGERS)
def settings():
    form = SettingsForm()
    if form.validate_on_submit():
        invitations.save_link_valid_days(form.link_valid_days.data)
        db.session.commit()
        flash(_("Tautan survei kini berlaku %(n)d hari setelah layanan.", n=form.link_valid_days.data),
              "success")
        return redirect(url_for(".questionnaire", _anchor="pengaturan"), 303)
    return _questionnaire_page(settings_form=form, block="settings", status=422)
