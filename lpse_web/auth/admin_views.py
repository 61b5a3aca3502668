"""The administrator's user management: staff accounts, roles, resets."""

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lpse_web.auth import services
from lpse_web.auth.forms import UserForm
from lpse_web.auth.models import User, UserRole
from lpse_web.auth.roles import ROLE_LABELS, Role
from lpse_web.extensions import db
from lpse_web.web.access import allow, recent_sign_in
from lpse_web.web.forms import clean_arg, prefill
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render

bp = Blueprint("users", __name__, url_prefix="/admin/pengguna")


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("")
@allow(Role.ADMIN)
def index():
    q = clean_arg(request.args.get("q"))
    role = clean_arg(request.args.get("peran"), 20)
    query = select(User).order_by(User.name)
    if q:
        needle = q.lower()
        query = query.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                                User.email.contains(needle, autoescape=True),
                                func.lower(User.company).contains(needle, autoescape=True)))
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    page = paginate(query, request.args.get("hal"), current_app.config["PAGE_SIZE"])
    return render("admin/users.html", block="results", page=page, q=q, role=role,
                  role_labels=ROLE_LABELS, roles=list(Role))


@bp.route("/baru", methods=["GET", "POST"])
@allow(Role.ADMIN)
@recent_sign_in
def create():
    form = UserForm()
    if form.validate_on_submit():
        if not form.roles.data:
            form.roles.errors.append(_("Pilih minimal satu peran."))
        elif services.email_taken(form.email.data):
            form.email.errors.append(_("E-mail ini sudah dipakai akun lain."))
        else:
            password = services.temporary_password()  # shown once below, never stored
            user = services.create_user(
                email=form.email.data, name=form.name.data, password=password,
                roles=form.roles.data, must_change_password=True,
                nip=(form.nip.data or "").replace(" ", "") or None,
                phone=form.phone.data or None, active=form.active.data)
            db.session.commit()
            return render("admin/password_shown.html", user=user, password=password, created=True)
    status = 422 if form.is_submitted() else 200
    return render("admin/user_form.html", block="form", status=status, form=form, user=None,
                  is_vendor=False)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
@recent_sign_in
def edit(user_id):
    user = _get_user(user_id)
    form = UserForm(obj=prefill(user))
    is_vendor = Role.VENDOR in user.roles
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles if r != Role.VENDOR]
    if form.validate_on_submit():
        if not form.roles.data and not is_vendor:
            form.roles.errors.append(_("Pilih minimal satu peran."))
        elif services.email_taken(form.email.data, except_id=user.id):
            form.email.errors.append(_("E-mail ini sudah dipakai akun lain."))
        else:
            try:
                services.update_account(
                    user, name=form.name.data, email=form.email.data,
                    nip=(form.nip.data or "").replace(" ", "") or None, phone=form.phone.data or None,
                    active=form.active.data, staff_roles=form.roles.data)
            except services.LastAdministratorError:
                db.session.rollback()
                form.roles.errors.append(_("Ini administrator aktif terakhir: peran administrator "
                                           "dan status aktifnya tidak dapat dicabut."))
            else:
                db.session.commit()
                flash(_("Akun %(name)s disimpan.", name=user.name), "success")
                return redirect(url_for("users.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render("admin/user_form.html", block="form", status=status, form=form, user=user,
                  is_vendor=is_vendor)


@bp.route("/<int:user_id>/reset-sandi", methods=["POST"])
@allow(Role.ADMIN)
@recent_sign_in
def reset_password(user_id):
    user = _get_user(user_id)
    password = services.reset_password(user)
    db.session.commit()
    return render("admin/password_shown.html", user=user, password=password, created=False)


@bp.route("/<int:user_id>/reset-2fa", methods=["POST"])
@allow(Role.ADMIN)
@recent_sign_in
def reset_two_factor(user_id):
    user = _get_user(user_id)
    services.reset_two_factor(user)
    db.session.commit()
    flash(_("Verifikasi dua langkah %(name)s direset; ia akan mendaftarkan ulang saat masuk.",
            name=user.name), "success")
    return redirect(url_for("users.edit", user_id=user.id), 303)


