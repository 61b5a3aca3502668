"""Forms of the asset register: an asset, its classification, handing it out and back,
a stocktake, the register's settings."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from lpse_web.assets.labels import CIA_LABELS, CLASS_LABELS, CONDITION_LABELS, LABEL_LABELS, STATUS_LABELS
from lpse_web.assets.models import CIA_MAX, CIA_MIN, INFORMATION
from lpse_web.web.forms import Form, choices, max_length, no_markup, year_in_range

MAX_COST = 10**15 - 1  # Numeric(15, 0)
MAX_SEATS = 1_000_000

# One line per rating, shown next to the radio buttons (ISO 27005-style guidance, in the
# office's terms).
CIA_HELP = {
    "confidentiality": {
        1: _l("Boleh diketahui umum; bocor tidak merugikan."),
        2: _l("Untuk internal LPSE; bocor mengganggu atau memalukan."),
        3: _l("Rahasia (data penyedia, dokumen penawaran, kata sandi); bocor berakibat hukum."),
    },
    "integrity": {
        1: _l("Kesalahan atau perubahan tanpa izin berdampak kecil dan mudah diperbaiki."),
        2: _l("Kesalahan mengganggu layanan dan perlu waktu untuk diperbaiki."),
        3: _l("Kesalahan merusak hasil pemilihan, keuangan, atau kepercayaan pengguna."),
    },
    "availability": {
        1: _l("Boleh tidak tersedia beberapa hari kerja."),
        2: _l("Harus pulih dalam satu hari kerja."),
        3: _l("Harus selalu tersedia selama layanan atau tahapan pemilihan berjalan."),
    },
}
CIA_NAMES = {"confidentiality": _l("Kerahasiaan (C)"), "integrity": _l("Integritas (I)"),
             "availability": _l("Ketersediaan (A)")}


def _owner_id(value):
    """A select of people: "" is nobody, anything else must be a number."""
    if value in (None, "", "None"):
        return None
    return int(value)


class RupiahField(Field):
    """A whole Rupiah amount as people type it: "15000000", "15.000.000", "Rp 15.000.000,00"."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{int(self.data):,}".replace(",", ".")

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        cleaned = re.sub(r"^rp\.?", "", text, flags=re.I).replace(" ", "")
        cleaned = re.sub(r",0{1,2}$", "", cleaned)
        negative = cleaned.startswith("-")
        digits = cleaned.lstrip("-")
        if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+|[0-9]+", digits):
            raise ValueError(_l("Tulis harga dalam Rupiah tanpa sen, mis. 15.000.000."))
        if negative:
            raise ValueError(_l("Harga tidak boleh negatif."))
        self.data = int(digits.replace(".", ""))
        if self.data > MAX_COST:
            self.data = None
            raise ValueError(_l("Harga terlalu besar."))


def code_field(form, field):
    """A tag or serial: spaces are dropped when stored, so measure it without them."""
    limit = {"tag": 40, "serial": 80}[field.name]
    if field.data and len(re.sub(r"\s+", "", field.data)) > limit:
        raise ValidationError(_l("Maksimal %(n)d karakter.", n=limit))


class AssetForm(Form):
    tag = StringField(_l("Nomor aset (inventaris)"), validators=[DataRequired(), code_field, no_markup],
                      render_kw={"autocomplete": "off"})
    name = StringField(_l("Nama aset"), validators=[DataRequired(), max_length(200), no_markup])
    asset_class = SelectField(_l("Kelas aset"), choices=choices(CLASS_LABELS.items()))
    category = StringField(_l("Kategori"), validators=[max_length(80), no_markup],
                           render_kw={"list": "asset-categories", "autocomplete": "off"})
    owner_id = SelectField(_l("Pemilik aset"), coerce=_owner_id, validate_choice=True)
    location = StringField(_l("Lokasi"), validators=[max_length(120), no_markup])
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="in_use")
    serial = StringField(_l("Nomor seri"), validators=[code_field, no_markup])
    supplier = StringField(_l("Pemasok / vendor"), validators=[max_length(200), no_markup])
    purchased_on = DateField(_l("Tanggal pembelian"), validators=[Optional(), year_in_range])
    purchase_cost = RupiahField(_l("Harga pembelian (Rp)"), render_kw={"inputmode": "numeric"})
    warranty_ends = DateField(_l("Garansi berakhir"), validators=[Optional(), year_in_range])
    end_of_life = DateField(_l("Akhir masa pakai"), validators=[Optional(), year_in_range])
    licence_seats = IntegerField(_l("Jumlah lisensi (seat)"),
                                 validators=[Optional(), NumberRange(0, MAX_SEATS)])
    licence_expires = DateField(_l("Lisensi berakhir"), validators=[Optional(), year_in_range])
    next_audit_on = DateField(_l("Stock opname berikutnya"), validators=[Optional(), year_in_range])
    notes = TextAreaField(_l("Catatan"), validators=[max_length(5000), no_markup])

    def _not_before_purchase(self, field, message):
        if field.data and self.purchased_on.data and field.data < self.purchased_on.data:
            raise ValidationError(message)

    def validate_warranty_ends(self, field):
        self._not_before_purchase(field, _l("Garansi tidak boleh berakhir sebelum tanggal pembelian."))

    def validate_end_of_life(self, field):
        self._not_before_purchase(field, _l("Akhir masa pakai tidak boleh sebelum tanggal pembelian."))

    def validate_licence_expires(self, field):
        self._not_before_purchase(field, _l("Lisensi tidak boleh berakhir sebelum tanggal pembelian."))

    def values(self) -> dict:
        """The fields services.create_asset / update_asset take."""
        data = {name: self[name].data for name in (
            "tag", "name", "asset_class", "category", "owner_id", "location", "status", "serial",
            "supplier", "purchased_on", "purchase_cost", "warranty_ends", "end_of_life",
            "licence_seats", "licence_expires", "notes")}
        for name in ("category", "location", "supplier", "notes"):  # absent from the post: empty
            data[name] = data[name] or ""
        data["serial"] = data["serial"] or None
        if self.next_audit_on.data:  # left empty: create proposes one, edit keeps it
            data["next_audit_on"] = self.next_audit_on.data
        return data


class ClassifyForm(Form):
    confidentiality = RadioField(CIA_NAMES["confidentiality"], coerce=int, validators=[InputRequired()])
    integrity = RadioField(CIA_NAMES["integrity"], coerce=int, validators=[InputRequired()])
    availability = RadioField(CIA_NAMES["availability"], coerce=int, validators=[InputRequired()])
    label = SelectField(_l("Label informasi"),
                        choices=choices([("", _l("— tanpa label —")), *LABEL_LABELS.items()]), default="")
    agreed_on = DateField(_l("Disepakati dengan pemilik pada"), validators=[InputRequired(), year_in_range])

    def __init__(self, *args, asset_class: str, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset_class, self.today = asset_class, today
        for name in CIA_NAMES:
            self[name].choices = choices((n, CIA_LABELS[n]) for n in range(CIA_MIN, CIA_MAX + 1))

    def validate_label(self, field):
        if self.asset_class == INFORMATION and not field.data:
            raise ValidationError(_l("Aset informasi wajib diberi label (Rahasia, Terbatas, atau Publik)."))

    def validate_agreed_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError(_l("Tanggal kesepakatan tidak boleh di masa depan."))


class AssignForm(Form):
    user_id = SelectField(_l("Serahkan kepada"), coerce=_owner_id, validate_choice=True,
                          validators=[InputRequired(message=_l("Pilih pegawai penerima."))])
    note = StringField(_l("Catatan (mis. nomor berita acara)"), validators=[max_length(300), no_markup])


class ReturnForm(Form):
    note = StringField(_l("Catatan pengembalian (mis. kondisi)"), validators=[max_length(300), no_markup])


class StocktakeForm(Form):
    seen_on = DateField(_l("Tanggal diperiksa"), validators=[InputRequired(), year_in_range])
    location = StringField(_l("Lokasi ditemukan"), validators=[max_length(120), no_markup])
    condition = SelectField(_l("Kondisi"), choices=choices(CONDITION_LABELS.items()), default="good")
    note = StringField(_l("Catatan"), validators=[max_length(300), no_markup])
    next_audit_on = DateField(_l("Stock opname berikutnya"), validators=[Optional(), year_in_range])

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_seen_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError(_l("Tanggal pemeriksaan tidak boleh di masa depan."))

    def validate_next_audit_on(self, field):
        if field.data and self.seen_on.data and field.data <= self.seen_on.data:
            raise ValidationError(_l("Stock opname berikutnya harus setelah tanggal pemeriksaan ini."))


class SettingsForm(Form):
    alert_window_days = IntegerField(_l("Jendela peringatan (hari)"),
                                     validators=[InputRequired(), NumberRange(1, 365)])
    audit_interval_days = IntegerField(_l("Interval stock opname (hari)"),
                                       validators=[InputRequired(), NumberRange(7, 1095)])
