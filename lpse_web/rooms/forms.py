"""Forms of the rooms: a reservation request, a decision, a blackout period."""

from datetime import time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from lpse_web.rooms.labels import FREQUENCY_LABELS, PURPOSE_LABELS
from lpse_web.web.forms import Form, choices, max_length, no_markup, quarter_hours, year_in_range


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


TIMES = choices((t, t.replace(":", ".")) for t in quarter_hours())
_VALID_TIMES = frozenset(quarter_hours())


def _chosen_time(field) -> time | None:
    """The field's time if it is one of the choices (WTForms runs the form's own
    validators even after refusing a choice)."""
    return parse_hhmm(field.data) if field.data in _VALID_TIMES else None


class ReservationForm(Form):
    room = SelectField(_l("Pilih ruang"), coerce=int, validate_choice=True)
    start_date = DateField(_l("Tanggal"), validators=[InputRequired(), year_in_range])
    start_time = SelectField(_l("Jam mulai"), choices=TIMES, default="09:00")
    end_time = SelectField(_l("Jam selesai"), choices=TIMES, default="10:00")
    purpose = SelectField(_l("Keperluan"), choices=choices(PURPOSE_LABELS.items()))
    title = StringField(_l("Nama paket / kegiatan"),
                        validators=[DataRequired(), max_length(200), no_markup])
    attendees = IntegerField(_l("Jumlah orang"), default=1,
                             validators=[InputRequired(), NumberRange(1, 500)])
    note = TextAreaField(_l("Catatan (peralatan yang diperlukan, dsb.)"),
                         validators=[max_length(1000), no_markup])
    repeat = SelectField(_l("Ulangi"), choices=choices(
        [("", _l("Tidak berulang")), *FREQUENCY_LABELS.items()]), default="")
    until = DateField(_l("Berulang sampai tanggal"), validators=[Optional(), year_in_range])
    preview = SubmitField(_l("Periksa jadwal"))
    confirm = SubmitField(_l("Ajukan reservasi"))

    def validate_end_time(self, field):
        start, end = _chosen_time(self.start_time), _chosen_time(field)
        if start and end and end <= start:
            raise ValidationError(_l("Waktu selesai harus setelah waktu mulai."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Here, not in validate_until: Optional() ends that field's checks when it is empty.
        if self.repeat.data and not self.until.data and not self.until.errors:
            self.until.errors = [*self.until.errors, _l("Isi tanggal akhir pengulangan.")]
            ok = False
        return ok

    def validate_until(self, field):
        if field.data and self.start_date.data:
            if field.data < self.start_date.data:
                raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal mulai."))
            if field.data > self.start_date.data + timedelta(days=366):
                raise ValidationError(_l("Pengulangan paling lama satu tahun."))


class RejectForm(Form):
    reason = StringField(_l("Alasan penolakan"), validators=[DataRequired(), max_length(300), no_markup])


class BlackoutForm(Form):
    start_date = DateField(_l("Dari tanggal"), validators=[InputRequired(), year_in_range])
    start_time = SelectField(_l("Jam"), choices=TIMES, default="06:00")
    end_date = DateField(_l("Sampai tanggal"), validators=[InputRequired(), year_in_range])
    end_time = SelectField(_l("Jam"), choices=TIMES, default="22:00")
    reason = StringField(_l("Alasan (mis. pemeliharaan, ujian)"),
                         validators=[DataRequired(), max_length(200), no_markup])

    def validate_end_date(self, field):
        if self.start_date.data and field.data:
            if field.data < self.start_date.data:
                raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal mulai."))
            start, end = _chosen_time(self.start_time), _chosen_time(self.end_time)
            if field.data == self.start_date.data and start and end and end <= start:
                raise ValidationError(_l("Waktu selesai harus setelah waktu mulai."))
