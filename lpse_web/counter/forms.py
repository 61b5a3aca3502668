"""Forms of the counter: the vendor's confirmation, the staff's queue steps, the
administrator's counter closures and the report's period."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from lpse_web.counter.models import APPROVED, REJECTED
from lpse_web.counter.queue import REJECTION_REASONS
from lpse_web.web.forms import Form, MultiCheckboxField, choices, max_length, no_markup, year_in_range


class ConfirmForm(Form):
    """Booking a slot, or moving a booking to one: the slot is in the URL or `start`."""

    start = HiddenField(validators=[max_length(20)])


class CheckInForm(Form):
    code = StringField(_l("Kode pemesanan (ketik atau pindai)"),
                       validators=[DataRequired(), max_length(12), no_markup],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True})


class WalkInForm(Form):
    service = SelectField(_l("Layanan"), coerce=int, validate_choice=True)
    name = StringField(_l("Nama pengunjung (boleh kosong)"), validators=[max_length(120), no_markup])


class CallForm(Form):
    counter = SelectField(_l("Loket"), coerce=int, validate_choice=True)


class FinishForm(Form):
    outcome = RadioField(_l("Hasil"), validators=[InputRequired()])
    reason = SelectField(_l("Alasan penolakan"), choices=choices(
        [("", _l("— pilih alasan —")), *REJECTION_REASONS.items()]), validators=[Optional()])
    note = TextAreaField(_l("Catatan"), validators=[max_length(1000), no_markup])
    documents = MultiCheckboxField(_l("Dokumen yang diperiksa"), validate_choice=True)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.outcome.data == REJECTED:
            if not self.reason.data:
                self.reason.errors = [*self.reason.errors, _l("Pilih alasan penolakan.")]
                ok = False
            elif self.reason.data == "other" and not (self.note.data or "").strip():
                self.note.errors = [*self.note.errors, _l("Tuliskan alasannya pada catatan.")]
                ok = False
        return ok


VERIFICATION_OUTCOMES = choices([(APPROVED, _l("Disetujui")), (REJECTED, _l("Ditolak"))])


class CounterClosureForm(Form):
    counter = SelectField(_l("Loket"), coerce=int, validate_choice=True)
    day = DateField(_l("Tanggal"), validators=[InputRequired(), year_in_range])
    reason = StringField(_l("Alasan"), validators=[max_length(200), no_markup])
