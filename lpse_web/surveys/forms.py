"""Forms of the respondent's side: the questionnaire (reached by a link, or on the
counter's kiosk tablet with the service chosen on it) and the kiosk's start and exit PIN.

Every unsur is required (SKM.md): a questionnaire missing one is refused, and the
message names the unsur ("Unsur U3 (Waktu Penyelesaian) belum dijawab."), next to it
and in the summary at the top of the form."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Regexp

from lpse_web.surveys.models import (
    AGE_BANDS,
    EDUCATIONS,
    OCCUPATIONS,
    PENGADUAN,
    SARAN,
    SEXES,
    SUGGESTION_KINDS,
    UNSUR_COUNT,
)
from lpse_web.surveys.responses import SUGGESTION_MAX, Profile
from lpse_web.surveys.unsur import CODES, NAMES
from lpse_web.web.forms import Form, choices, max_length

SEX_LABELS = dict(zip(SEXES, (_l("Laki-laki"), _l("Perempuan")), strict=True))
AGE_LABELS = dict(zip(AGE_BANDS, (_l("< 20 tahun"), _l("20–29 tahun"), _l("30–39 tahun"),
                                  _l("40–49 tahun"), _l("≥ 50 tahun")), strict=True))
EDUCATION_LABELS = {value: value.replace("-", "–") for value in EDUCATIONS}  # SD ... S3, D1–D4
OCCUPATION_LABELS = dict(zip(OCCUPATIONS, (_l("PNS"), _l("TNI"), _l("POLRI"), _l("Swasta"),
                                           _l("Wirausaha"), _l("Lainnya")), strict=True))
KIND_LABELS = {SARAN: _l("Saran"), PENGADUAN: _l("Pengaduan")}
PROFILE_FIELDS = ("sex", "age_band", "education", "occupation")


def _unsur(number: int) -> RadioField:
    """One unsur, answered 1-4. No answer, or a value that is not 1-4, gets the message
    naming it; the question and the four answers are the office's (set per request)."""
    code = CODES[number - 1]
    missing = _l("Unsur %(code)s (%(name)s) belum dijawab.", code=code, name=NAMES[code])
    return RadioField(NAMES[code], coerce=int, invalid_choice_message=missing,
                      invalid_value_message=missing)


def _profile(label, labels: dict, missing) -> RadioField:
    return RadioField(label, choices=choices(labels.items()), invalid_choice_message=missing,
                      invalid_value_message=missing)


class QuestionnaireForm(Form):
    """The SKM questionnaire. `elements` is `unsur.load_elements()`: their wording labels
    the nine answers."""

    u1 = _unsur(1)
    u2 = _unsur(2)
    u3 = _unsur(3)
    u4 = _unsur(4)
    u5 = _unsur(5)
    u6 = _unsur(6)
    u7 = _unsur(7)
    u8 = _unsur(8)
    u9 = _unsur(9)
    sex = _profile(_l("Jenis kelamin"), SEX_LABELS, _l("Pilih jenis kelamin."))
    age_band = _profile(_l("Usia"), AGE_LABELS, _l("Pilih kelompok usia."))
    education = _profile(_l("Pendidikan terakhir"), EDUCATION_LABELS, _l("Pilih pendidikan terakhir."))
    occupation = _profile(_l("Pekerjaan"), OCCUPATION_LABELS, _l("Pilih pekerjaan."))
    kind = RadioField(_l("Jenis masukan"), choices=choices(KIND_LABELS.items()), default=SARAN)
    suggestion = TextAreaField(_l("Tuliskan saran atau pengaduan Anda (boleh dikosongkan)"),
                               validators=[max_length(SUGGESTION_MAX)],
                               render_kw={"maxlength": SUGGESTION_MAX, "rows": 4})

    def __init__(self, elements, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if len(elements) != UNSUR_COUNT:
            raise ValueError("the questionnaire has nine unsur")
        self.elements = elements
        for element in elements:
            self[element.field].choices = choices(enumerate(element.options, start=1))

    def unsur_fields(self):
        """(element, field) pairs, in the regulation's order."""
        return [(element, self[element.field]) for element in self.elements]

    def scores(self) -> dict[int, int]:
        return {element.number: self[element.field].data for element in self.elements}

    def profile(self) -> Profile:
        return Profile(*(self[name].data for name in PROFILE_FIELDS))

    @property
    def suggestion_kind(self) -> str:
        return self.kind.data if self.kind.data in SUGGESTION_KINDS else SARAN

    def summary_fields(self) -> list[str]:
        """The fields in the order the form shows them (the error summary's order)."""
        return [*(e.field for e in self.elements), *PROFILE_FIELDS, "kind", "suggestion"]

    def summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) of every error, in the order of the form."""
        return [(f"q-{name}", str(message)) for name in self.summary_fields()
                for message in self[name].errors]


class KioskQuestionnaireForm(QuestionnaireForm):
    """On the kiosk the respondent also says which service they received."""

    service = RadioField(_l("Layanan yang Anda terima"),
                         invalid_choice_message=_l("Pilih layanan yang Anda terima."),
                         invalid_value_message=_l("Pilih layanan yang Anda terima."))

    def __init__(self, elements, services, *args, **kwargs):
        super().__init__(elements, *args, **kwargs)
        self.service.choices = choices((s.key, s.name) for s in services)

    def summary_fields(self) -> list[str]:
        return ["service", *super().summary_fields()]


PIN_RULE = Regexp(r"^[0-9]{4,8}$", message=_l("PIN terdiri dari 4 sampai 8 angka."))
PIN_WIDGET = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 8, "pattern": "[0-9]*"}


class KioskStartForm(Form):
    """The exit PIN the staff member chooses when handing the tablet to visitors."""

    pin = PasswordField(_l("PIN keluar (4–8 angka)"), validators=[InputRequired(), PIN_RULE],
                        render_kw=PIN_WIDGET)
    pin_again = PasswordField(_l("Ulangi PIN"),
                              validators=[InputRequired(), EqualTo("pin", _l("PIN tidak sama."))],
                              render_kw=PIN_WIDGET)


class KioskExitForm(Form):
    pin = PasswordField(_l("PIN keluar"), validators=[InputRequired(), max_length(8)],
                        render_kw=PIN_WIDGET)
