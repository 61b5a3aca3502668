"""Office settings (administrator): the office, its weekly hours and closure days;
and the public service calendar."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.calendar import WEEKDAY_NAMES, national_holidays
from lpse_web.office.forms import ClosureForm, HoursForm, OfficeForm, format_intervals
from lpse_web.office.models import ClosureDay
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("office", __name__)


def _settings_page(office_form=None, hours_form=None, closure_form=None, status=200, block=None):
    office = services.get_office()
    hours = services.weekly_hours()
    if hours_form is None:
        hours_form = HoursForm(formdata=None, data={
            f"day{d}": format_intervals(hours.get(d, ())) for d in range(7)})
    today = services.load_calendar().local_day(utcnow())
    closures = db.session.scalars(
        select(ClosureDay).where(ClosureDay.day >= today - timedelta(days=30)).order_by(ClosureDay.day))
    holidays = sorted((d, n) for d, n in {**national_holidays(today.year),
                                          **national_holidays(today.year + 1)}.items() if d >= today)
    return render("office/settings.html", block=block, status=status, office=office,
                  office_form=office_form or OfficeForm(obj=office), hours_form=hours_form,
                  closure_form=closure_form or ClosureForm(formdata=None), closures=list(closures),
                  holidays=holidays[:12], weekday_names=WEEKDAY_NAMES)


@bp.route("/admin/kantor", methods=["GET", "POST"])
@allow(Role.ADMIN)
def settings():
    form = OfficeForm()
    if form.validate_on_submit():
        office = services.get_office()
        form.populate_obj(office)
        db.session.add(office)
        db.session.commit()
        flash(_("Pengaturan kantor disimpan."), "success")
        return redirect(url_for("office.settings"), 303)
    if form.is_submitted():
        return _settings_page(office_form=form, status=422, block="office_form")
    return _settings_page()


@bp.route("/admin/kantor/jam", methods=["POST"])
@allow(Role.ADMIN)
def hours():
    form = HoursForm()
    if form.validate_on_submit():
        services.set_weekly_hours(form.parsed)
        db.session.commit()
        flash(_("Jam layanan disimpan."), "success")
        return redirect(url_for("office.settings"), 303)
    return _settings_page(hours_form=form, status=422, block="hours_form")


@bp.route("/admin/kantor/libur", methods=["POST"])
@allow(Role.ADMIN)
def add_closure():
    form = ClosureForm()
    if form.validate_on_submit():
        if db.session.scalar(select(ClosureDay.id).where(ClosureDay.day == form.day.data)):
            form.day.errors.append(_("Tanggal ini sudah tercatat sebagai hari tutup."))
        else:
            services.add_closure_day(form.day.data, form.reason.data.strip())
            db.session.commit()
            flash(_("Hari tutup ditambahkan."), "success")
            return redirect(url_for("office.settings"), 303)
    return _settings_page(closure_form=form, status=422, block="closure_form")


@bp.route("/admin/kantor/libur/<int:closure_id>/hapus", methods=["POST"])
@allow(Role.ADMIN)
def remove_closure(closure_id):
    db.get_or_404(ClosureDay, closure_id)
    services.remove_closure_day(closure_id)
    db.session.commit()
    flash(_("Hari tutup dihapus."), "success")
    return redirect(url_for("office.settings"), 303)


@bp.route("/kalender-layanan")
@allow(PUBLIC)
def calendar():
    """The next four weeks: open hours per day, or why the office is closed."""
    calendar = services.load_calendar()
    today = calendar.local_day(utcnow())
    days = []
    for offset in range(28):
        day = today + timedelta(days=offset)
        intervals = calendar.open_intervals(day)
        days.append({
            "day": day,
            "closed": calendar.closed_reason(day),
            "intervals": [(a.astimezone(calendar.zone), b.astimezone(calendar.zone))
                          for a, b in intervals],
        })
    return render("office/calendar.html", days=days, office=services.get_office(),
                  zone_label=services.zone_label(calendar.timezone), weekday_names=WEEKDAY_NAMES)
