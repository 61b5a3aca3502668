"""Sign-in, two-factor, sign-out, vendor self-registration and the user's own account."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from lpse_web.auth import services, throttle, totp
from lpse_web.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    EnrolForm,
    LoginForm,
    ReauthenticateForm,
    RegisterForm,
)
from lpse_web.auth.models import User
from lpse_web.database import utcnow
from lpse_web.extensions import db, limiter
from lpse_web.office.services import get_office
from lpse_web.web.access import PUBLIC, SIGNED_IN, allow
from lpse_web.web.render import render

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 600  # password accepted, waiting for the code (or enrolment): 10 minutes
TOO_MANY = _l("Terlalu banyak percobaan. Tunggu satu menit lalu coba lagi.")


def _address_limit():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _failed(response) -> bool:
    """Only failed attempts (422, 400) count against the limits. An office's visitors may
    all share one address: their good sign-ins must not lock it."""
    return response.status_code >= 400


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would make our login page a phishing tool."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _fresh_session() -> None:
    """Start a new session (no fixation), keeping only the visitor's language choice and
    the messages waiting to be shown."""
    kept = {key: session[key] for key in ("lang", "_flashes") if key in session}
    session.clear()
    session.update(kept)


def _finish_login(user: User):
    next_url = session.get("pending_next")
    _fresh_session()
    login_user(user)
    now = utcnow()
    session["login_at"] = session["last_seen"] = now.timestamp()
    if session.get("lang") in current_app.config["LANGUAGES"]:
        user.locale = session["lang"]  # chosen on the sign-in page: the user's choice now
    session["lang"] = user.locale
    user.last_login_at = now
    db.session.commit()
    current_app.logger.info("login: user %s", user.id)
    if user.must_change_password:
        flash(_("Kata sandi Anda direset administrator. Buat kata sandi baru sekarang."), "warning")
        return redirect(url_for("auth.change_password"))
    return redirect(_safe_next(next_url) or url_for("web.home"))


def _pending_user() -> User | None:
    user_id, since = session.get("pending_user"), session.get("pending_at", 0)
    if not user_id or utcnow().timestamp() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


@bp.route("/masuk", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        account_key = "login:" + form.email.data.strip().lower()
        if not throttle.attempt_allowed(account_key):
            form.password.errors.append(TOO_MANY)
            return render("auth/login.html", block="form", status=429, form=form)
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            current_app.logger.warning("login failed for %s from %s",
                                       form.email.data[:254], request.remote_addr)
            form.password.errors.append(_("E-mail atau kata sandi salah."))
        else:
            throttle.forgive(account_key)
            next_url = _safe_next(request.args.get("next"))
            _fresh_session()
            if not user.totp_enabled and not user.is_staff:
                session["pending_next"] = next_url
                return _finish_login(user)
            session.update(pending_user=user.id, pending_at=utcnow().timestamp(),
                           pending_next=next_url)
            endpoint = "auth.two_factor" if user.totp_enabled else "auth.enrol_two_factor"
            return redirect(url_for(endpoint))
    status = 422 if form.is_submitted() else 200
    return render("auth/login.html", block="form", status=status, form=form)


@bp.route("/masuk/kode", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def two_factor():
    user = _pending_user()
    if user is None or not user.totp_enabled:
        flash(_("Silakan masuk kembali."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        account_key = f"code:{user.id}"
        if not throttle.attempt_allowed(account_key):
            form.code.errors.append(TOO_MANY)
            return render("auth/two_factor.html", block="form", status=429, form=form)
        code = form.code.data.strip()
        if totp.accept_code(user, code) or (len(code) > 6 and totp.use_recovery_code(user, code)):
            throttle.forgive(account_key)
            if len(code) > 6:
                current_app.logger.warning("recovery code used by user %s", user.id)
                flash(_("Kode pemulihan dipakai. Sisa kode pemulihan: %(n)d.",
                        n=totp.unused_recovery_codes(user)), "warning")
            return _finish_login(user)
        db.session.commit()  # keep the refused attempt's effects (none today) consistent
        current_app.logger.warning("two-factor failed for user %s", user.id)
        form.code.errors.append(_("Kode salah atau sudah pernah dipakai."))
    status = 422 if form.is_submitted() else 200
    return render("auth/two_factor.html", block="form", status=status, form=form)


def _enrol(user: User, endpoint: str, on_success):
    """The enrolment page: QR code and secret, then a code to prove the app is set up.
    The pending secret is kept on the account (never in the readable session cookie).
    `on_success()` finishes (signs in, or commits) and returns where to go next."""
    if request.method == "POST" and not user.totp_pending_secret:
        return redirect(url_for(endpoint), 303)  # the page was never shown: show it first
    secret = services.pending_totp_secret(user)
    form = EnrolForm()
    if form.validate_on_submit():
        account_key = f"code:{user.id}"
        if not throttle.attempt_allowed(account_key):
            form.code.errors.append(TOO_MANY)
        else:
            codes = services.enable_two_factor(user, form.code.data)
            if codes:
                throttle.forgive(account_key)
                return render("auth/recovery_codes.html", codes=codes, next_url=on_success())
            form.code.errors.append(_("Kode tidak cocok. Periksa jam ponsel Anda lalu coba lagi."))
    qr = totp.qr_svg(totp.provisioning_uri(secret, user.email, f"LPSE Web {get_office().name}"))
    status = 429 if TOO_MANY in form.code.errors else 422 if form.is_submitted() else 200
    return render("auth/enrol.html", block="form", status=status,
                  form=form, secret=secret, qr=qr, action=url_for(endpoint))


def _sign_in_after_enrolment(user: User) -> str:
    """Enrolment at first sign-in: finish the sign-in; where to go after the codes."""
    return _finish_login(user).location


def _password_confirmed(user: User, password: str | None) -> bool:
    """Re-authentication for a sensitive account action, throttled like sign-in."""
    key = f"reauth:{user.id}"
    if not throttle.attempt_allowed(key):
        return False
    if password and services.verify_password(user.password_hash, password):
        throttle.forgive(key)
        return True
    return False


def _commit_and_go_to_account() -> str:
    db.session.commit()
    return url_for("auth.account")


@bp.route("/masuk/aktifkan-2fa", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def enrol_two_factor():
    """First sign-in of a staff member: two-factor is required before anything else."""
    user = _pending_user()
    if user is None or user.totp_enabled:
        flash(_("Silakan masuk kembali."), "warning")
        return redirect(url_for("auth.login"))
    return _enrol(user, "auth.enrol_two_factor", lambda: _sign_in_after_enrolment(user))


@bp.route("/masuk/ulang", methods=["GET", "POST"])
@allow(SIGNED_IN)
def reauthenticate():
    """Prove it is still you (password, and the TOTP code when two-factor is on) before a
    sensitive action; see web.access.recent_sign_in."""
    user = current_user._get_current_object()
    form = ReauthenticateForm()
    if form.validate_on_submit():
        if not _password_confirmed(user, form.password.data):
            form.password.errors.append(_("Kata sandi salah (atau terlalu banyak percobaan)."))
        elif user.totp_enabled and not totp.accept_code(user, form.code.data or ""):
            db.session.commit()
            form.code.errors.append(_("Kode salah atau sudah pernah dipakai."))
        else:
            db.session.commit()
            session["reauth_at"] = utcnow().timestamp()
            return redirect(_safe_next(request.args.get("next")) or url_for("web.home"), 303)
    return render("auth/reauthenticate.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, needs_code=user.totp_enabled)


@bp.route("/keluar", methods=["POST"])
@allow(PUBLIC)
def logout():
    if current_user.is_authenticated:
        current_user.rotate_session_token()  # any copy of the old cookie is now worthless
        db.session.commit()
        logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    response = redirect(url_for("auth.login"), 303)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/daftar", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        if services.email_taken(form.email.data):
            form.email.errors.append(_("E-mail ini sudah terdaftar. Silakan masuk."))
        else:
            try:
                user = services.register_vendor(
                    email=form.email.data, name=form.name.data, company=form.company.data,
                    npwp=form.npwp.data, phone=form.phone.data, password=form.new_password.data,
                    office_name=get_office().name)
            except services.EmailTakenError:
                db.session.rollback()
                form.email.errors.append(_("E-mail ini sudah terdaftar. Silakan masuk."))
            except services.AccountError as error:
                db.session.rollback()
                form.new_password.errors.append(str(error))
            else:
                flash(_("Pendaftaran berhasil. Selamat datang!"), "success")
                session["pending_next"] = None
                return _finish_login(user)
    status = 422 if form.is_submitted() else 200
    return render("auth/register.html", block="form", status=status, form=form)


@bp.route("/akun")
@allow(SIGNED_IN)
def account():
    return render("auth/account.html", user=current_user,
                  unused_codes=totp.unused_recovery_codes(current_user))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@allow(SIGNED_IN)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not _password_confirmed(user, form.current_password.data):
            form.current_password.errors.append(
                _("Kata sandi saat ini salah (atau terlalu banyak percobaan)."))
        else:
            try:
                services.change_password(user, form.new_password.data, get_office().name)
            except services.SamePasswordError:
                form.new_password.errors.append(_("Kata sandi baru harus berbeda dari yang lama."))
            except services.AccountError as error:
                form.new_password.errors.append(str(error))
            else:
                db.session.commit()
                # The session token changed: sign this browser in again with the new one.
                login_user(user)
                flash(_("Kata sandi berhasil diubah. Sesi lain akun ini telah diakhiri."), "success")
                return redirect(url_for("auth.account"), 303)
    status = 422 if form.is_submitted() else 200
    return render("auth/password.html", block="form", status=status, form=form)


@bp.route("/akun/2fa", methods=["GET", "POST"])
@allow(SIGNED_IN)
def manage_two_factor():
    """Vendors may turn two-factor on (it is optional for them); anyone with it on can
    make new recovery codes. Staff cannot turn it off."""
    user = current_user._get_current_object()
    if user.totp_enabled:
        return redirect(url_for("auth.account"))
    return _enrol(user, "auth.manage_two_factor", _commit_and_go_to_account)


@bp.route("/akun/2fa/kode-pemulihan", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def new_recovery_codes():
    form = ConfirmPasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit() and user.totp_enabled and _password_confirmed(user, form.password.data):
        codes = totp.new_recovery_codes(user)
        db.session.commit()
        return render("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))
    flash(_("Kata sandi salah (atau terlalu banyak percobaan): kode pemulihan tidak dibuat."), "error")
    return redirect(url_for("auth.account"), 303)


@bp.route("/akun/2fa/nonaktifkan", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def disable_two_factor():
    form = ConfirmPasswordForm()
    user = current_user._get_current_object()
    if user.is_staff:
        flash(_("Verifikasi dua langkah wajib untuk staf dan tidak dapat dinonaktifkan."), "error")
    elif form.validate_on_submit() and _password_confirmed(user, form.password.data):
        services.reset_two_factor(user)
        db.session.commit()
        login_user(user)
        flash(_("Verifikasi dua langkah dinonaktifkan."), "success")
    else:
        flash(_("Kata sandi salah (atau terlalu banyak percobaan): verifikasi dua langkah tetap aktif."),
              "error")
    return redirect(url_for("auth.account"), 303)


@bp.route("/bahasa/<lang>", methods=["POST"])
@allow(PUBLIC)
def set_language(lang):
    if lang not in current_app.config["LANGUAGES"]:
        return redirect(url_for("web.home"), 303)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    back = _safe_next(request.form.get("next")) or url_for("web.home")
    return redirect(back, 303)
