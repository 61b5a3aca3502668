"""Forms of the risk register: a risk, its treatment, a review, a treatment action.

The likelihood and impact choices come from the methodology in force (`set_scales`):
a value outside its scales is refused by the form itself (422), before any service."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from lpse_web.risks.labels import CATEGORY_LABELS, STATUS_LABELS, TREATMENT_LABELS
from lpse_web.risks.methodology import Scheme
from lpse_web.risks.services import normal_risk_code
from lpse_web.web.forms import Form, choices, max_length, no_markup, year_in_range

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._/-]*")
NO_OWNER = _l("— belum ditentukan —")


def optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


def scale_choices(labels) -> list:
    """(n, "n — label"), lowest first: "4 — Sering terjadi"."""
    return choices((n, f"{n} — {label}") for n, label in enumerate(labels, start=1))


def owner_choices(people) -> list:
    return choices([("", NO_OWNER), *people])


def _code(form, field):
    code = normal_risk_code(field.data)
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(_l("Kode hanya huruf, angka dan tanda - _ . / (mis. R-001)."))
    if len(code) > 30:
        raise ValidationError(_l("Maksimal %(n)d karakter.", n=30))


def _scale(label):
    return RadioField(label, coerce=optional_int,
                      validators=[InputRequired(_l("Pilih salah satu tingkat."))])


class ScalesMixin:
    """Likelihood/impact radio fields named `<prefix>_likelihood` and `<prefix>_impact`."""

    SCALE_PREFIXES: tuple[str, ...] = ()

    def set_scales(self, scheme: Scheme):
        for prefix in self.SCALE_PREFIXES:
            getattr(self, f"{prefix}_likelihood").choices = scale_choices(scheme.likelihood_labels)
            getattr(self, f"{prefix}_impact").choices = scale_choices(scheme.impact_labels)
        return self


class RiskForm(ScalesMixin, Form):
    SCALE_PREFIXES = ("inherent",)

    code = StringField(_l("Kode risiko"), validators=[DataRequired(), max_length(40), _code])
    title = StringField(_l("Judul"), validators=[DataRequired(), max_length(200), no_markup])
    description = TextAreaField(_l("Uraian"), validators=[max_length(5000)])
    category = SelectField(_l("Kategori"), choices=choices(CATEGORY_LABELS.items()))
    threat = TextAreaField(_l("Ancaman"), validators=[max_length(2000)])
    vulnerability = TextAreaField(_l("Kerentanan"), validators=[max_length(2000)])
    owner = SelectField(_l("Pemilik risiko"), coerce=optional_int, validate_choice=True)
    existing_controls = TextAreaField(_l("Kontrol yang sudah ada"), validators=[max_length(5000)])
    inherent_likelihood = _scale(_l("Kemungkinan (inheren)"))
    inherent_impact = _scale(_l("Dampak (inheren)"))


class TreatmentForm(ScalesMixin, Form):
    SCALE_PREFIXES = ("residual",)

    treatment = RadioField(_l("Penanganan"), choices=choices(TREATMENT_LABELS.items()),
                           validators=[InputRequired(_l("Pilih cara penanganan."))])
    treatment_plan = TextAreaField(_l("Rencana penanganan"), validators=[max_length(5000)])
    residual_likelihood = _scale(_l("Kemungkinan (residual)"))
    residual_impact = _scale(_l("Dampak (residual)"))
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))


class ReviewForm(ScalesMixin, Form):
    SCALE_PREFIXES = ("residual", "inherent")

    note = TextAreaField(_l("Catatan tinjauan"), validators=[DataRequired(_l("Tulis hasil tinjauan.")),
                                                             max_length(5000)])
    residual_likelihood = _scale(_l("Kemungkinan (residual)"))
    residual_impact = _scale(_l("Dampak (residual)"))
    inherent_likelihood = _scale(_l("Kemungkinan (inheren)"))
    inherent_impact = _scale(_l("Dampak (inheren)"))
    treatment = SelectField(_l("Penanganan"), choices=choices(
        [("", _l("— belum ditentukan —")), *TREATMENT_LABELS.items()]), default="")
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))


class ActionForm(Form):
    title = StringField(_l("Tindakan"), validators=[DataRequired(), max_length(200), no_markup])
    owner = SelectField(_l("Penanggung jawab"), coerce=optional_int, validate_choice=True)
    due_on = DateField(_l("Tenggat"), validators=[InputRequired(), year_in_range])
    note = StringField(_l("Catatan"), validators=[Optional(), max_length(500), no_markup])
