"""The asset register's file format, shared by the export and the import: its columns
in order, each with its Indonesian header, whether the import needs it, how an asset's
value is written (`export_row`) and how one typed cell is read back (`Column.parse`).

An exported file imports back unchanged: codes for class, status and label, ISO dates,
plain numbers, the owner as an e-mail. The import is more forgiving, because people
type these files in Excel: headers in any order and case, or the field code ("tag");
the Indonesian word for a class, status or label; dates as 2024-01-31, 31/01/2024,
31-01-2024 or a real date cell; Rupiah as 15000000, 15.000.000 or "Rp 15.000.000,-".

Headers are the file format, not UI text: they stay Indonesian in every locale (a file
passed between colleagues must read the same), so they are not translated. Messages
are. The header is in row 1 (no title row above it), data from row 2.

Cell values come from csv (always str) or openpyxl (str, int, float, bool, datetime,
date or None). A parser returns the stored value or raises `CellError` with an
Indonesian message; an empty cell is None (or "" for text fields)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lpse_web.assets.classification import normal_code
from lpse_web.assets.labels import CLASS_LABELS, LABEL_LABELS, STATUS_LABELS
from lpse_web.assets.models import CIA_MAX, CIA_MIN, CLASSES, IN_USE, INFORMATION, LABELS, STATUSES, Asset

# The export makes text that starts like a formula inert with a leading apostrophe
# (web/exports.py as_text); the import takes it off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"\s+")
# As web/forms.py: control characters (NUL above all, which PostgreSQL refuses) have no
# place in typed text; tab and line breaks are allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{4})$")
_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # 15.000.000 (Indonesian thousands)
_COMMAED = re.compile(r"^\d{1,3}(?:,\d{3})+$")  # 15,000,000 (English thousands)
_RUPIAH_MAX = 10 ** 15 - 1  # Numeric(15, 0)
_SEATS_MAX = 2 ** 31 - 1


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the person importing."""


def text_of(value) -> str:
    """Any cell as trimmed text ("" when empty); whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]
    return text


def _no_control(text: str) -> str:
    if _CONTROL.search(text):
        raise CellError(_("Tidak boleh memuat karakter kontrol."))
    return text


def _text(max_length: int):
    def parse(value) -> str:
        text = _no_control(text_of(value))
        if len(text) > max_length:
            raise CellError(_("Paling banyak %(n)d karakter.", n=max_length))
        return text
    return parse


def _code(max_length: int):
    """Tag and serial: stored normalised (no spaces, upper case); None when empty."""
    def parse(value) -> str | None:
        code = normal_code(_no_control(text_of(value)))
        if code is not None and len(code) > max_length:
            raise CellError(_("Paling banyak %(n)d karakter.", n=max_length))
        return code
    return parse


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _source_word(word) -> str:
    """The Indonesian msgid of a lazy label (the source language), whatever the locale."""
    args = getattr(word, "_args", None)
    return str(args[0]) if args else str(word)


def _names(word: str) -> set[str]:
    name = _fold(word)
    return {name, *(part.strip() for part in name.split("/") if "/" in name)}


def _choice(codes, words: dict):
    """The code or its Indonesian word, in any case (also either half of a word with
    "/": "Informasi / data" as "Informasi", and the word in the page's locale); None
    when empty."""
    table = {code: code for code in codes}
    for code in codes:
        table.update(dict.fromkeys(_names(_source_word(words[code])), code))

    def parse(value) -> str | None:
        text = _fold(text_of(value))
        if not text:
            return None
        if text in table:
            return table[text]
        for code in codes:  # the translated word, when the page is in another locale
            if text in _names(str(words[code])):
                return code
        raise CellError(_("Tidak dikenal. Pilihan: %(allowed)s.", allowed=", ".join(codes)))
    return parse


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("Bukan tanggal: tulis sebagai TTTT-BB-HH atau HH/BB/TTTT."))
    text = text_of(value)
    if not text:
        return None
    try:
        match = _ISO.match(text)
        if match:
            return _plausible(date(int(match[1]), int(match[2]), int(match[3])))
        match = _DMY.match(text)
        if match:
            return _plausible(date(int(match[4]), int(match[3]), int(match[1])))
    except ValueError:
        raise CellError(_("Tanggal tidak ada di kalender.")) from None
    raise CellError(_("Bukan tanggal: tulis sebagai TTTT-BB-HH atau HH/BB/TTTT."))


def _plausible(day: date) -> date:
    """The asset form's range (web/forms.year_in_range): an imported asset can then be
    saved in its form unchanged."""
    if not 2000 <= day.year <= 2100:
        raise CellError(_("Tanggal di luar rentang yang wajar (tahun 2000-2100)."))
    return day


def _whole_number(value, maximum: int, message) -> int | None:
    """A whole, non-negative number from a numeric cell or typed text with thousands
    separators ("15.000.000", "15,000,000") and an optional "Rp" and ",-"/",00"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(message())
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = text_of(value)
        if not text:
            return None
        text = re.sub(r"^rp\.?", "", text, flags=re.IGNORECASE).replace(" ", "").replace("\u00a0", "")
        text = re.sub(r",(-|0{1,2})$", "", text)  # "15.000,-" and "15.000,00"
        if _DOTTED.match(text):
            text = text.replace(".", "")
        elif _COMMAED.match(text):
            text = text.replace(",", "")
        elif text.startswith("-") and text[1:].replace(".", "").isdigit():
            raise CellError(_("Tidak boleh negatif."))
        try:
            number = Decimal(text) if re.fullmatch(r"\d+(\.0+)?", text) else None
        except InvalidOperation:
            number = None
        if number is None:
            raise CellError(message())
    if number < 0:
        raise CellError(_("Tidak boleh negatif."))
    if number != number.to_integral_value():
        raise CellError(_("Harus bilangan bulat."))
    if number > maximum:
        raise CellError(_("Terlalu besar."))
    return int(number)


def parse_rupiah(value) -> int | None:
    return _whole_number(value, _RUPIAH_MAX,
                         lambda: _("Bukan jumlah Rupiah: tulis misalnya 15000000 atau 15.000.000."))


def parse_seats(value) -> int | None:
    return _whole_number(value, _SEATS_MAX, lambda: _("Bukan bilangan bulat."))


_CIA_WORDS = {"rendah": 1, "sedang": 2, "tinggi": 3, "low": 1, "medium": 2, "high": 3}


def _rating_message() -> str:
    return _("Nilai %(low)d sampai %(high)d (rendah, sedang, tinggi).", low=CIA_MIN, high=CIA_MAX)


def parse_rating(value) -> int | None:
    """C, I or A: 1 (rendah) to 3 (tinggi), as a number or the word."""
    word = _fold(text_of(value))
    if word in _CIA_WORDS:
        return _CIA_WORDS[word]
    try:
        rating = _whole_number(value, CIA_MAX, _rating_message)
    except CellError:
        raise CellError(_rating_message()) from None
    if rating is not None and rating < CIA_MIN:
        raise CellError(_rating_message())
    return rating


def parse_email(value) -> str | None:
    """The owner's e-mail, lower-case (the importer checks it names an active staff
    member)."""
    text = _no_control(text_of(value)).lower()
    if not text:
        return None
    if len(text) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise CellError(_("Bukan alamat e-mail."))
    return text


@dataclass(frozen=True)
class Column:
    key: str  # an Asset field, or "owner_email"
    header: str  # the Indonesian header, as the file has it
    parse: object  # cell -> stored value, raises CellError
    example: object  # a value for the template's example row (as export_row writes it)
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("tag", "Nomor aset", _code(40), "LPSE-HW-001", required=True),
    Column("name", "Nama", _text(200), "Server aplikasi SPSE", required=True),
    Column("asset_class", "Kelas", _choice(CLASSES, CLASS_LABELS), "hardware", required=True),
    Column("category", "Kategori", _text(80), "Server"),
    Column("owner_email", "Pemilik (e-mail)", parse_email, "pengelola.aset@lpse.example.go.id"),
    Column("location", "Lokasi", _text(120), "Ruang server"),
    Column("status", "Status", _choice(STATUSES, STATUS_LABELS), IN_USE),
    Column("serial", "Nomor seri", _code(80), "SN-12345678"),
    Column("supplier", "Pemasok", _text(200), "PT Contoh Teknologi"),
    Column("purchased_on", "Tanggal beli", parse_date, "2024-03-15"),
    Column("purchase_cost", "Harga beli (Rp)", parse_rupiah, 15000000),
    Column("warranty_ends", "Garansi berakhir", parse_date, "2027-03-15"),
    Column("end_of_life", "Akhir masa pakai", parse_date, "2029-03-15"),
    Column("licence_seats", "Jumlah lisensi", parse_seats, None),
    Column("licence_expires", "Lisensi berakhir", parse_date, None),
    Column("confidentiality", "Kerahasiaan (C)", parse_rating, 2),
    Column("integrity", "Integritas (I)", parse_rating, 3),
    Column("availability", "Ketersediaan (A)", parse_rating, 3),
    Column("label", "Label", _choice(LABELS, LABEL_LABELS), "terbatas"),
    Column("next_audit_on", "Stock opname berikutnya", parse_date, "2025-12-01"),
    Column("notes", "Catatan", _text(5000), ""),
)
# What each column holds, for the format table of the import page and the template.
HELP = {
    "tag": _l("Nomor inventaris, unik. Spasi dibuang, huruf dijadikan kapital."),
    "name": _l("Nama aset."),
    "asset_class": _l("Kode atau nama kelas: hardware (Perangkat keras), software, licence, information, "
                      "service, facility, people."),
    "category": _l("Bebas, misalnya Server, UPS, Basis data."),
    "owner_email": _l("E-mail staf aktif pemilik aset."),
    "location": _l("Tempat aset berada."),
    "status": _l("in_use (Dipakai), in_stock (Di gudang), in_repair (Diperbaiki), retired. Kosong: Dipakai."),
    "serial": _l("Unik bila diisi."),
    "supplier": _l("Nama pemasok atau vendor."),
    "purchased_on": _l("Tanggal: TTTT-BB-HH, HH/BB/TTTT atau sel tanggal Excel."),
    "purchase_cost": _l("Rupiah tanpa desimal: 15000000 atau 15.000.000."),
    "warranty_ends": _l("Tanggal."),
    "end_of_life": _l("Tanggal."),
    "licence_seats": _l("Bilangan bulat."),
    "licence_expires": _l("Tanggal."),
    "confidentiality": _l("1 (rendah) sampai 3 (tinggi). C, I dan A diisi ketiganya atau tidak sama sekali."),
    "integrity": _l("1 sampai 3."),
    "availability": _l("1 sampai 3."),
    "label": _l("rahasia, terbatas atau publik (aset informasi)."),
    "next_audit_on": _l("Tanggal. Kosong: satu interval stock opname dari hari impor."),
    "notes": _l("Teks bebas."),
}
BY_KEY = {column.key: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]
REQUIRED = tuple(column for column in COLUMNS if column.required)
CIA_KEYS = ("confidentiality", "integrity", "availability")


def example_row() -> list:
    return [column.example for column in COLUMNS]


def _plain_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value)
    return value


def export_row(asset: Asset) -> list:
    """One asset as the file holds it, in COLUMNS order (load `asset.owner` with the
    query: it is lazy="joined" on Asset, so a plain select of Asset already does)."""
    row = []
    for column in COLUMNS:
        if column.key == "owner_email":
            row.append(asset.owner.email if asset.owner is not None else None)
        else:
            row.append(_plain_value(getattr(asset, column.key)))
    return row


def header_key(header) -> str | None:
    """The column a header names, by its Indonesian header or its field code, without
    regard to case and spacing; None when unknown."""
    text = _fold(text_of(header).lstrip("\ufeff"))
    return _HEADER_KEYS.get(text)


_HEADER_KEYS = {**{_fold(c.header): c.key for c in COLUMNS}, **{c.key: c.key for c in COLUMNS}}


@dataclass(frozen=True)
class HeaderProblem:
    column: str  # the header as written (or the missing column's header)
    value: str
    message: str


def match_headers(cells) -> tuple[list[Column | None], list[HeaderProblem]]:
    """The column of each header cell (None for a trailing empty header with no data),
    and what is wrong: unknown headers, a column twice, required columns missing."""
    columns: list[Column | None] = []
    problems: list[HeaderProblem] = []
    seen: set[str] = set()
    for cell in cells:
        text = text_of(cell).lstrip("\ufeff").strip()
        if not text:
            columns.append(None)
            continue
        key = header_key(text)
        if key is None:
            problems.append(HeaderProblem(text, text,
                                          _("Kolom tidak dikenal. Gunakan judul kolom dari templat.")))
            columns.append(None)
        elif key in seen:
            problems.append(HeaderProblem(text, text, _("Kolom ini muncul dua kali.")))
            columns.append(None)
        else:
            seen.add(key)
            columns.append(BY_KEY[key])
    for column in REQUIRED:
        if column.key not in seen:
            problems.append(HeaderProblem(column.header, "", _("Kolom wajib tidak ada.")))
    return columns, problems


def row_problems(values: dict) -> list[tuple[str, str]]:
    """Rules across the cells of one parsed row: (key, message) each. Required cells
    given; C, I and A all three or none; a classified information asset has a label."""
    problems = []
    for column in REQUIRED:
        if values.get(column.key) in (None, ""):
            problems.append((column.key, _("Wajib diisi.")))
    rated = [values.get(key) is not None for key in CIA_KEYS]
    if any(rated) and not all(rated):
        for key, given in zip(CIA_KEYS, rated, strict=True):
            if not given:
                problems.append((key, _("Kerahasiaan, integritas dan ketersediaan diisi ketiganya atau "
                                        "tidak sama sekali.")))
    # As the classification form: a classified information asset carries its label.
    if all(rated) and values.get("asset_class") == INFORMATION and not values.get("label"):
        problems.append(("label", _("Aset informasi yang diklasifikasi wajib diberi label "
                                    "(rahasia, terbatas, atau publik).")))
    return problems
