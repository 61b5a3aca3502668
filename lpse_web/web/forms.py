"""Base form: WTForms' own messages in the user's language (WTForms ships no Indonesian),
and small validators every module shares."""

import re
from datetime import time

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

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
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
}

# Control characters (NUL above all) have no place in typed text: PostgreSQL refuses NUL
# outright and they hide text from people reading it. Tab and line breaks are allowed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Translations:
    def gettext(self, string):
        locale = get_locale()
        if locale is None or locale.language == "id":
            return _WTFORMS_ID.get(string, string)
        return string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Every form of the app: WTForms messages in the user's language, and no control
    characters in any text field (checked here once, not per field)."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in self:
            # A FieldList's entries are fields of their own: each is checked, and told.
            for target in getattr(field, "entries", None) or [field]:
                if isinstance(target.data, str) and CONTROL_CHARACTERS.search(target.data):
                    target.errors = [*target.errors, _l("Tidak boleh memuat karakter kontrol.")]
                    ok = False
        return ok


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


def clean_arg(value: str | None, max_length: int = 100) -> str:
    """A query-string value made safe to search with: trimmed, bounded, no control characters."""
    return CONTROL_CHARACTERS.sub("", (value or "").strip())[:max_length]


def prefill(obj):
    """The record to pre-fill an edit form with: only when showing the form. On a POST the
    submitted data is the whole truth (WTForms would keep the record's value for a field
    missing from the request)."""
    return obj if request.method == "GET" else None


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (roles, a counter's services)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def year_in_range(form, field):
    """Dates people type are within this century; anything else is a typing slip (and
    year 1 or 9999 would overflow time-zone arithmetic)."""
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Tanggal di luar rentang yang wajar (tahun 2000-2100)."))


def quarter_hours(first: time = time(6), last: time = time(22)) -> list[str]:
    """06:00, 06:15, ... 22:00: the times of day a room's hours, a reservation and a
    blackout may start or end (one list for all, so a room's hours can always be used)."""
    values, minutes = [], first.hour * 60 + first.minute
    while minutes <= last.hour * 60 + last.minute:
        values.append(f"{minutes // 60:02d}:{minutes % 60:02d}")
        minutes += 15
    return values
