"""Forms of the survey manager (periods, the questionnaire's wording, the link settings)
and of the suggestion follow-up."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from lpse_web.surveys.messages import FOLLOW_UP_LABELS
from lpse_web.surveys.models import ANSWERED, SurveyElement, SurveyPeriod
from lpse_web.surveys.suggestions import REPLY_MAX
from lpse_web.web.forms import Form, choices, max_length, no_markup, year_in_range

PERIOD_NAME_MAX = SurveyPeriod.name.type.length  # 60
OPTION_MAX = SurveyElement.option_1.type.length  # 80, the column's length
QUESTION_MAX = 500
LONGEST_PERIOD_DAYS = 366  # a year: the regulation asks for at least one survey a year


class PeriodForm(Form):
    name = StringField(_l("Nama periode"),
                       validators=[DataRequired(), max_length(PERIOD_NAME_MAX), no_markup])
    starts_on = DateField(_l("Tanggal mulai"), validators=[InputRequired(), year_in_range])
    ends_on = DateField(_l("Tanggal akhir"), validators=[InputRequired(), year_in_range])

    def validate_ends_on(self, field):
        first, last = self.starts_on.data, field.data
        if first and last:
            if last < first:
                raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal mulai."))
            if last - first >= timedelta(days=LONGEST_PERIOD_DAYS):
                raise ValidationError(_l("Satu periode paling lama satu tahun."))


_OPTION_CHECKS = [DataRequired(), max_length(OPTION_MAX), no_markup]


class ElementForm(Form):
    """The wording of one unsur: its question and its four answers (scored 1-4, fixed)."""

    question = TextAreaField(_l("Pertanyaan"),
                             validators=[DataRequired(), max_length(QUESTION_MAX), no_markup])
    option_1 = StringField(_l("Jawaban bernilai 1"), validators=_OPTION_CHECKS)
    option_2 = StringField(_l("Jawaban bernilai 2"), validators=_OPTION_CHECKS)
    option_3 = StringField(_l("Jawaban bernilai 3"), validators=_OPTION_CHECKS)
    option_4 = StringField(_l("Jawaban bernilai 4"), validators=_OPTION_CHECKS)

    @property
    def options(self):
        return [self.option_1, self.option_2, self.option_3, self.option_4]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        seen = set()
        for field in self.options:
            text = (field.data or "").strip().casefold()
            if text and text in seen and not field.errors:
                field.errors = [*field.errors, _l("Setiap jawaban harus berbeda.")]
                ok = False
            seen.add(text)
        return ok


class SettingsForm(Form):
    link_valid_days = IntegerField(
        _l("Masa berlaku tautan survei (hari)"),
        validators=[InputRequired(), NumberRange(1, 90, message=_l("Isi antara 1 dan 90 hari."))])


class FollowUpForm(Form):
    status = SelectField(_l("Status"), choices=choices(FOLLOW_UP_LABELS.items()))
    reply = TextAreaField(_l("Jawaban / tindak lanjut"), validators=[max_length(REPLY_MAX)])

    def validate_reply(self, field):
        if self.status.data == ANSWERED and not (field.data or "").strip():
            raise ValidationError(_l("Jawaban wajib diisi untuk status Dijawab."))
