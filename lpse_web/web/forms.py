"""Base form: WTForms' own messages in the user's language (WTForms ships no Indonesian),
and small validators every module shares."""

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

# WTForms' built-in messages, in Indonesian.
_WTFORMS_ID = {
    "This field is required.": "Wajib diisi.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Not a valid datetime value.": "Tanggal dan waktu tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid (format: TTTT-BB-HH).",
    "Not a valid time value.": "Waktu tidak valid (format: JJ:MM).",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Invalid email address.": "Alamat e-mail tidak valid.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid value, must be one of: %(values)s.": "Nilai tidak valid, harus salah satu dari: %(values)s.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "Pilihan tidak valid: '%(value)s'.",
    "'%(value)s' are not valid choices for this field.": "Pilihan tidak valid: '%(value)s'.",
}


class _Translations:
    def gettext(self, string):
        locale = get_locale()
        if locale is None or locale.language == "id":
            return _WTFORMS_ID.get(string, string)
        return string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


def max_length(n: int):
    def check(form, field):
        if field.data and len(field.data) > n:
            raise ValidationError(_l("Maksimal %(n)d karakter.", n=n))
    return check


def no_markup(form, field):
    """Plain text only: names and titles have no business holding HTML."""
    if field.data and re.search(r"[<>]", field.data):
        raise ValidationError(_l("Tidak boleh memuat karakter < atau >."))


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 choice objects."""
    return [SelectChoice(value, label) for value, label in pairs]
