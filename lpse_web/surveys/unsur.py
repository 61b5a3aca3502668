"""The nine unsur of SKM (PermenPANRB 14/2017) in their order, with the regulation's
wording. The office may reword a question and its four answers (a row in
`survey_element`); the elements, their order and the scores 1-4 never change."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.surveys.models import SurveyElement

SESUAI = (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai"))

# (code, name, question, answers scored 1..4)
DEFAULTS = (
    ("U1", _l("Persyaratan"),
     _l("Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
     SESUAI),
    ("U2", _l("Sistem, Mekanisme, dan Prosedur"),
     _l("Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"),
     (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah"))),
    ("U3", _l("Waktu Penyelesaian"),
     _l("Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?"),
     (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat"))),
    ("U4", _l("Biaya/Tarif"),
     _l("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?"),
     (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis"))),
    ("U5", _l("Produk Spesifikasi Jenis Pelayanan"),
     _l("Bagaimana pendapat Saudara tentang kesesuaian hasil pelayanan dengan yang tercantum "
        "dalam standar pelayanan?"),
     SESUAI),
    ("U6", _l("Kompetensi Pelaksana"),
     _l("Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"),
     (_l("Tidak kompeten"), _l("Kurang kompeten"), _l("Kompeten"), _l("Sangat kompeten"))),
    ("U7", _l("Perilaku Pelaksana"),
     _l("Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
        "dan keramahan?"),
     (_l("Tidak sopan dan ramah"), _l("Kurang sopan dan ramah"), _l("Sopan dan ramah"),
      _l("Sangat sopan dan ramah"))),
    ("U8", _l("Penanganan Pengaduan, Saran dan Masukan"),
     _l("Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan di unit ini?"),
     (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik"))),
    ("U9", _l("Sarana dan Prasarana"),
     _l("Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?"),
     (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik"))),
)
CODES = tuple(code for code, *_rest in DEFAULTS)
NAMES = {code: name for code, name, *_rest in DEFAULTS}


@dataclass(frozen=True)
class Element:
    number: int  # 1..9
    code: str  # U1..U9
    name: str
    question: str
    options: tuple[str, str, str, str]  # scored 1, 2, 3, 4
    edited: bool = False

    @property
    def field(self) -> str:
        return f"u{self.number}"


def load_elements() -> list[Element]:
    """The nine elements as respondents see them (one query)."""
    stored = {row.number: row for row in db.session.scalars(select(SurveyElement))}
    elements = []
    for number, (code, name, question, options) in enumerate(DEFAULTS, start=1):
        row = stored.get(number)
        if row is None:
            elements.append(Element(number, code, str(name), str(question), tuple(str(o) for o in options)))
        else:
            elements.append(Element(number, code, str(name), row.question,
                                    (row.option_1, row.option_2, row.option_3, row.option_4), edited=True))
    return elements


def save_wording(number: int, question: str, options: list[str]) -> SurveyElement:
    """Store the office's wording of one element (audited)."""
    if not 1 <= number <= len(DEFAULTS) or len(options) != 4:
        raise ValueError("an unsur has a number 1..9 and four answers")
    row = db.session.get(SurveyElement, number) or SurveyElement(number=number)
    row.question = question
    row.option_1, row.option_2, row.option_3, row.option_4 = options
    db.session.add(row)
    return row


def reset_wording(number: int) -> None:
    """Back to the regulation's wording."""
    row = db.session.get(SurveyElement, number)
    if row is not None:
        db.session.delete(row)
