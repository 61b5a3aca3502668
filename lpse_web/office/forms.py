"""Forms for the office settings, calendar, counters, rooms and announcements."""

import itertools
import re
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from lpse_web.office.calendar import WEEKDAY_NAMES
from lpse_web.office.models import TIMEZONES
from lpse_web.web.forms import (
    Form,
    MultiCheckboxField,
    choices,
    max_length,
    no_markup,
    quarter_hours,
    year_in_range,
)

ROOM_KIND_LABELS = {
    "bidding": _l("Ruang pemasukan penawaran (bidding room)"),
    "training": _l("Ruang pelatihan"),
    "verification": _l("Ruang verifikasi"),
    "meeting": _l("Ruang rapat"),
}
_INTERVAL = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*-\s*(\d{1,2})[.:](\d{2})\s*$")


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """'08.00-12.00, 13.00-16.00' -> [(08:00, 12:00), (13:00, 16:00)]; '' -> closed."""
    intervals = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = _INTERVAL.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = map(int, match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(part)
        opens, closes = time(h1, m1), time(h2, m2)
        if opens >= closes:
            raise ValueError(part)
        intervals.append((opens, closes))
    intervals.sort()
    for (_, end), (start, _) in itertools.pairwise(intervals):
        if start < end:
            raise ValueError(text)
    return intervals


def format_intervals(intervals) -> str:
    return ", ".join(f"{a:%H.%M}-{b:%H.%M}" for a, b in intervals)


class OfficeForm(Form):
    name = StringField(_l("Nama kantor"), validators=[DataRequired(), max_length(200), no_markup])
    address = TextAreaField(_l("Alamat"), validators=[max_length(500), no_markup])
    government_level = SelectField(_l("Tingkat pemerintahan"), choices=choices([
        ("provinsi", _l("Provinsi")), ("kabupaten", _l("Kabupaten")), ("kota", _l("Kota"))]))
    region = StringField(_l("Wilayah (mis. Provinsi Nusa Tenggara Timur)"),
                         validators=[max_length(120), no_markup])
    timezone = SelectField(_l("Zona waktu"), choices=choices(
        (tz, f"{label} ({tz})") for tz, label in TIMEZONES.items()))
    national_holidays = BooleanField(_l("Tutup pada hari libur nasional dan cuti bersama"))


class HoursForm(Form):
    """One text field per weekday: '08.00-12.00, 13.00-16.00'; empty means closed."""

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        self.parsed = {}
        for weekday in range(7):
            field = getattr(self, f"day{weekday}")
            try:
                self.parsed[weekday] = parse_intervals(field.data)
            except ValueError:
                field.errors.append(_l("Format jam salah. Contoh: 08.00-12.00, 13.00-16.00"))
                ok = False
        return ok


for _weekday, _name in enumerate(WEEKDAY_NAMES):
    setattr(HoursForm, f"day{_weekday}", StringField(_name, validators=[max_length(100)]))


class ClosureForm(Form):
    day = DateField(_l("Tanggal"), validators=[InputRequired(), year_in_range])
    reason = StringField(_l("Alasan"), validators=[DataRequired(), max_length(200), no_markup])


class CounterServiceForm(Form):
    code = StringField(_l("Kode (awalan nomor antrean, mis. V)"),
                       validators=[DataRequired(), max_length(10), no_markup])
    name = StringField(_l("Nama layanan"), validators=[DataRequired(), max_length(120), no_markup])
    active = BooleanField(_l("Layanan aktif"), default=True)
    duration_minutes = IntegerField(_l("Lama satu slot (menit)"), default=30,
                                    validators=[InputRequired(), NumberRange(5, 240)])
    min_notice_minutes = IntegerField(_l("Pemesanan paling lambat (menit sebelum slot)"), default=120,
                                      validators=[InputRequired(), NumberRange(0, 7 * 24 * 60)])
    max_advance_days = IntegerField(_l("Dapat dipesan sampai (hari ke depan)"), default=30,
                                    validators=[InputRequired(), NumberRange(1, 365)])
    grace_minutes = IntegerField(_l("Batas keterlambatan sebelum dianggap tidak hadir (menit)"),
                                 default=15, validators=[InputRequired(), NumberRange(0, 240)])
    is_verification = BooleanField(_l("Verifikasi dokumen (hasil: disetujui / ditolak)"))
    checklist_vendor = TextAreaField(_l("Dokumen yang dibawa penyedia (satu per baris)"),
                                     validators=[max_length(2000), no_markup])
    checklist_official = TextAreaField(
        _l("Dokumen yang dibawa pejabat/pengguna non-penyedia (satu per baris)"),
        validators=[max_length(2000), no_markup])

    def validate_code(self, field):
        if field.data and not re.fullmatch(r"[A-Za-z0-9]{1,10}", field.data.strip()):
            raise ValidationError(_l("Kode hanya huruf dan angka, tanpa spasi."))


class CounterForm(Form):
    name = StringField(_l("Nama loket"), validators=[DataRequired(), max_length(60), no_markup])
    services = MultiCheckboxField(_l("Layanan yang dilayani"), coerce=int, validate_choice=True)
    active = BooleanField(_l("Loket aktif"), default=True)


ROOM_TIMES = choices([("", _l("Mengikuti jam layanan kantor"))]
                     + [(t, t.replace(":", ".")) for t in quarter_hours()])
PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def photo_type(data: bytes) -> str | None:
    """The image type from the file's first bytes (never from its name or the browser's word)."""
    return next((kind for magic, kind in PHOTO_TYPES.items() if data.startswith(magic)), None)


class RoomForm(Form):
    name = StringField(_l("Nama ruang"), validators=[DataRequired(), max_length(120), no_markup])
    kind = SelectField(_l("Jenis"), choices=choices(ROOM_KIND_LABELS.items()))
    seats = IntegerField(_l("Jumlah kursi"), validators=[InputRequired(), NumberRange(0, 500)])
    computers = IntegerField(_l("Jumlah komputer"), validators=[InputRequired(), NumberRange(0, 500)])
    equipment = TextAreaField(_l("Peralatan"), validators=[max_length(1000), no_markup])
    active = BooleanField(_l("Dapat dipesan"), default=True)
    opens = SelectField(_l("Jam pakai mulai"), choices=ROOM_TIMES, default="")
    closes = SelectField(_l("Jam pakai sampai"), choices=ROOM_TIMES, default="")
    open_weekends = BooleanField(_l("Dapat dipesan pada hari Sabtu dan Minggu"))
    needs_approval = BooleanField(_l("Reservasi perlu persetujuan petugas"), default=True)
    min_notice_minutes = IntegerField(_l("Reservasi paling lambat (menit sebelum mulai)"), default=60,
                                      validators=[InputRequired(), NumberRange(0, 14 * 24 * 60)])
    max_advance_days = IntegerField(_l("Dapat dipesan sampai (hari ke depan)"), default=90,
                                    validators=[InputRequired(), NumberRange(1, 366)])
    grace_minutes = IntegerField(_l("Dilepas bila belum hadir setelah (menit)"), default=15,
                                 validators=[InputRequired(), NumberRange(0, 240)])
    photo = FileField(_l("Foto ruang (JPEG atau PNG, paling besar 2 MB)"))
    remove_photo = BooleanField(_l("Hapus foto"))

    def validate_closes(self, field):
        if bool(self.opens.data) != bool(field.data):
            raise ValidationError(_l("Isi jam mulai dan jam sampai, atau kosongkan keduanya."))
        if field.data and field.data <= self.opens.data:
            raise ValidationError(_l("Jam sampai harus setelah jam mulai."))

    def validate_photo(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            self.photo_bytes = None
            return
        data = upload.read(PHOTO_MAX_BYTES + 1)
        if len(data) > PHOTO_MAX_BYTES:
            raise ValidationError(_l("Foto paling besar 2 MB."))
        if photo_type(data) is None:
            raise ValidationError(_l("Foto harus berupa berkas JPEG atau PNG."))
        self.photo_bytes = data


class AnnouncementForm(Form):
    kind = SelectField(_l("Jenis"), choices=choices([
        ("maintenance", _l("Pemeliharaan")), ("outage", _l("Gangguan")), ("info", _l("Informasi"))]))
    title = StringField(_l("Judul"), validators=[DataRequired(), max_length(200), no_markup])
    body = TextAreaField(_l("Isi pengumuman"), validators=[max_length(2000), no_markup])
    starts = DateTimeLocalField(_l("Mulai"), format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired(), year_in_range])
    ends = DateTimeLocalField(_l("Berakhir"), format="%Y-%m-%dT%H:%M",
                              validators=[InputRequired(), year_in_range])

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("Waktu selesai harus setelah waktu mulai."))

