"""The form for a new methodology version. It works without JavaScript: a fixed seven
inputs per scale (empty trailing ones are ignored) and six level rows (an empty row is
ignored). The rules of a valid methodology are methodology.problems(); this form only
reads what was typed and says what is missing next to the field."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from lpse_web.risks.methodology import PALETTE, Scheme
from lpse_web.risks.models import MAX_SCALE
from lpse_web.web.forms import Form, choices, max_length, no_markup

MAX_BANDS = 6
LABEL_MAX = 60
LEVEL_NAME_MAX = 40
NOTE_MAX = 2000
TOP_SCORE = MAX_SCALE * MAX_SCALE  # 49: the highest score any methodology can have


def colour_choices():
    return choices([("", "—"), *((key, label) for key, (_hex, label) in PALETTE.items())])


_LABEL_CHECKS = [max_length(LABEL_MAX), no_markup]


class MethodologyForm(Form):
    base_version = HiddenField()  # the version the form was filled from: a newer one means a conflict
    likelihood = FieldList(StringField(_l("Tingkat kemungkinan"), validators=_LABEL_CHECKS),
                           min_entries=MAX_SCALE, max_entries=MAX_SCALE)
    impact = FieldList(StringField(_l("Tingkat dampak"), validators=_LABEL_CHECKS),
                       min_entries=MAX_SCALE, max_entries=MAX_SCALE)
    band_name = FieldList(StringField(_l("Nama tingkat"), validators=[max_length(LEVEL_NAME_MAX), no_markup]),
                          min_entries=MAX_BANDS, max_entries=MAX_BANDS)
    band_min = FieldList(IntegerField(_l("Skor awal"), validators=[Optional(), NumberRange(1, TOP_SCORE)]),
                         min_entries=MAX_BANDS, max_entries=MAX_BANDS)
    band_colour = FieldList(SelectField(_l("Warna"), choices=colour_choices, validate_choice=True),
                            min_entries=MAX_BANDS, max_entries=MAX_BANDS)
    band_days = FieldList(IntegerField(_l("Tinjauan setiap (hari)"),
                                       validators=[Optional(), NumberRange(1, 3650)]),
                          min_entries=MAX_BANDS, max_entries=MAX_BANDS)
    appetite = IntegerField(_l("Selera risiko (skor residual tertinggi yang diterima)"),
                            validators=[InputRequired(), NumberRange(1, TOP_SCORE)])
    note = TextAreaField(_l("Apa yang berubah dan mengapa"),
                         validators=[DataRequired(), max_length(NOTE_MAX), no_markup])

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> "MethodologyForm":
        """The form shown, filled from the version in force (never used on a POST)."""
        bands = scheme.row.levels
        return cls(formdata=None, data={
            "base_version": str(scheme.version),
            "likelihood": list(scheme.likelihood_labels), "impact": list(scheme.impact_labels),
            "band_name": [b["name"] for b in bands], "band_min": [int(b["min_score"]) for b in bands],
            "band_colour": [b["colour"] for b in bands], "band_days": [int(b["review_days"]) for b in bands],
            "appetite": scheme.appetite, "note": ""})

    # --- what was typed, as methodology.problems() and save_methodology() read it ----------

    @staticmethod
    def _labels(entries) -> list[str]:
        labels = [(e.data or "").strip() for e in entries]
        while labels and not labels[-1]:
            labels.pop()
        return labels

    @property
    def likelihood_labels(self) -> list[str]:
        return self._labels(self.likelihood.entries)

    @property
    def impact_labels(self) -> list[str]:
        return self._labels(self.impact.entries)

    def _band_rows(self):
        for i in range(MAX_BANDS):
            name, low = self.band_name.entries[i], self.band_min.entries[i]
            colour, days = self.band_colour.entries[i], self.band_days.entries[i]
            # (A number typed but not a number is not a blank row: its error must show.)
            blank = not (name.data or "").strip() and not _typed(low) and not _typed(days)
            yield i, name, low, colour, days, blank

    @property
    def levels(self) -> list[dict]:
        return [{"name": (name.data or "").strip(), "min_score": low.data, "colour": colour.data,
                 "review_days": days.data}
                for _i, name, low, colour, days, blank in self._band_rows() if not blank]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for entries, count in ((self.likelihood.entries, len(self.likelihood_labels)),
                               (self.impact.entries, len(self.impact_labels))):
            for entry in entries[:count]:  # a gap in the middle of a scale
                if not (entry.data or "").strip():
                    entry.errors = [*entry.errors, _l("Isi tingkat ini atau kosongkan tingkat sesudahnya.")]
                    ok = False
        rows = 0
        for _i, name, low, colour, days, blank in self._band_rows():
            if blank:
                continue
            rows += 1
            for field, message in ((name, _l("Nama tingkat wajib diisi.")),
                                   (low, _l("Skor awal wajib diisi.")), (colour, _l("Pilih warna.")),
                                   (days, _l("Interval tinjauan wajib diisi."))):
                if not field.errors and (field.data is None or field.data == ""):
                    field.errors = [*field.errors, message]
                    ok = False
        if rows == 0:
            self.band_name.entries[0].errors = [*self.band_name.entries[0].errors,
                                                _l("Tentukan minimal satu tingkat risiko.")]
            ok = False
        return ok


def _typed(field) -> bool:
    return any(str(v).strip() for v in (field.raw_data or ())) or field.data is not None
