"""Forms of the auth module: sign-in, two-factor, vendor registration, account and users."""

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from lpse_web.auth.roles import ROLE_LABELS, STAFF_ROLES
from lpse_web.web.forms import Form, MultiCheckboxField, choices, max_length, no_markup


def _npwp(form, field):
    digits = re.sub(r"[^0-9]", "", field.data or "")
    if len(digits) not in (15, 16) or re.search(r"[^0-9.\- ]", field.data or ""):
        raise ValidationError(_l("NPWP harus 15 atau 16 digit, contoh 01.234.567.8-901.000."))


def _phone(form, field):
    value = re.sub(r"[\s\-]", "", field.data or "")
    if not re.fullmatch(r"(\+62|62|0)[0-9]{8,13}", value):
        raise ValidationError(_l("Nomor telepon tidak valid, contoh 0812 3456 7890."))


def _nip(form, field):
    if field.data and not re.fullmatch(r"[0-9]{18}", field.data.replace(" ", "")):
        raise ValidationError(_l("NIP terdiri dari 18 digit."))


def _email_syntax(form, field):
    # Syntax only: offices have no internet DNS to ask. ".test" is allowed for demo data.
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(_l("Alamat e-mail tidak valid.")) from None


def _email():
    return [DataRequired(), max_length(254), _email_syntax]


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=_email())
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), max_length(128)])


class CodeForm(Form):
    code = StringField(_l("Kode autentikasi (6 digit) atau kode pemulihan"),
                       validators=[DataRequired(), max_length(20)])


class EnrolForm(Form):
    code = StringField(_l("Kode 6 digit dari aplikasi autentikator"),
                       validators=[DataRequired(), max_length(10)])


class PasswordFields:
    new_password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), max_length(128)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"),
                            validators=[DataRequired(), EqualTo("new_password",
                                        message=_l("Kedua kata sandi tidak sama."))])


class RegisterForm(PasswordFields, Form):
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(), max_length(120), no_markup])
    company = StringField(_l("Nama perusahaan / usaha"),
                          validators=[DataRequired(), max_length(200), no_markup])
    npwp = StringField(_l("NPWP"), validators=[DataRequired(), max_length(25), _npwp])
    email = EmailField(_l("E-mail"), validators=_email())
    phone = StringField(_l("Nomor telepon"), validators=[DataRequired(), max_length(20), _phone])


class ChangePasswordForm(PasswordFields, Form):
    current_password = PasswordField(_l("Kata sandi saat ini"),
                                     validators=[DataRequired(), max_length(128)])


class ReauthenticateForm(Form):
    password = PasswordField(_l("Kata sandi Anda"), validators=[DataRequired(), max_length(128)])
    code = StringField(_l("Kode autentikasi (6 digit)"), validators=[max_length(10)])


class ConfirmPasswordForm(Form):
    password = PasswordField(_l("Kata sandi Anda"), validators=[DataRequired(), max_length(128)])


def _staff_role_choices():
    return choices((r.value, ROLE_LABELS[r]) for r in sorted(STAFF_ROLES))


class UserForm(Form):
    """Administrator's form for a staff account."""

    name = StringField(_l("Nama lengkap"), validators=[DataRequired(), max_length(120), no_markup])
    email = EmailField(_l("E-mail"), validators=_email())
    nip = StringField(_l("NIP (opsional)"), validators=[max_length(20), _nip])
    phone = StringField(_l("Nomor telepon (opsional)"), validators=[max_length(20)])
    roles = MultiCheckboxField(_l("Peran staf"))  # at least one, unless a vendor: the view checks
    active = BooleanField(_l("Akun aktif"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = _staff_role_choices()

    def validate_phone(self, field):
        if field.data:
            _phone(self, field)
