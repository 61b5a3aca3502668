"""Bad input to every form: empty, 10,000 characters, wrong types, out-of-range values,
hostile HTML and NUL bytes. Never a 5xx; invalid input answers 422 with field errors in
Indonesian (also for htmx, as a fragment), or, for the counter's one-field steps, an
Indonesian error message flashed on the page it redirects to (htmx: the refreshed block,
422); the hostile string only ever comes back escaped; nothing is written (row counts of
every table, the audit log included)."""

import html
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from lpse_web.auth.roles import Role
from tests.factories import PASSWORD
from tests.security.conftest import HOSTILE, TINY_PNG, Upload, encoded, post, row_counts, token_of

NEW_PASSWORD = "Teluk#Kupang-8841"
SOON = (date.today() + timedelta(days=90)).isoformat()
LONG = 10_000

FIELD_ERROR = re.compile(r'<small class="field-error"[^>]*>(.*?)</small>', re.S)
FLASH = re.compile(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', re.S)
# WTForms' own (English) messages, and words any Indonesian message of this app uses.
ENGLISH = re.compile(r"\b(this|the|field|is|not|must|choices?|number|between|value|required|could|"
                     r"invalid|coerced|least|most)\b", re.I)
INDONESIAN = re.compile(r"\b(wajib|tidak|harus|maksimal|minimal|pilih|pilihan|salah|kode|sandi|"
                        r"tanggal|waktu|nomor|isian|sudah|format|npwp|nip|kedua|boleh|isi|tulis|"
                        r"alasan|jam|foto|berkas|paling|terlalu|melebihi|kapasitas|tutup|ditutup|"
                        r"luar|setelah|sebelum|jadwal|ruang|angka|bentrok|dipesan|pengulangan)\b", re.I)


@dataclass
class FormSpec:
    name: str
    who: str  # anonymous | pending_totp | pending_enrol | owner (of the sample ticket) | a role
    path: str  # may name {user_id}, {counter_id}, {room_id}, {service_id}, {booking_id}, {code}
    valid: dict
    text: tuple[str, ...]  # free-text fields: long, hostile and NUL values go here
    wrong: dict  # letters in numbers and dates, choices that do not exist
    wrong_message: str  # an Indonesian message the wrong values must produce
    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    out_of_range: dict = field(default_factory=dict)
    echoes: bool = True  # a text field shows the submitted value again
    empty_is_valid: bool = False
    unique: tuple[str, ...] = ()  # made distinct per submission: one accepted by mistake
    #                               must not make the next one fail for another reason
    flashes: str = ""  # refused with this flash message and a redirect, not field errors:
    #                    what empty and too long input must produce
    extra: dict = field(default_factory=dict)  # case name -> (changes, the message they must produce)


USER = {"name": "Maria Goreti", "email": "maria@example.test", "nip": "198701012010012001",
        "phone": "0812 3456 7890", "roles": "verifikator", "active": "y"}
USER_WRONG = {"roles": ["superuser", "vendor"], "nip": "abcdefghijklmnopqr"}
ROOM = {"name": "Ruang Rapat Sabu", "kind": "meeting", "seats": "12", "computers": "0",
        "equipment": "Papan tulis", "active": "y", "opens": "08:00", "closes": "15:00",
        "open_weekends": "y", "needs_approval": "y", "min_notice_minutes": "60", "max_advance_days": "90",
        "grace_minutes": "15"}
ROOM_NUMBERS = ("seats", "computers", "min_notice_minutes", "max_advance_days", "grace_minutes")
ROOM_WRONG = {"seats": "banyak", "computers": "1.5", "kind": "kastil", "opens": "jam delapan",
              "min_notice_minutes": "1 jam", "max_advance_days": "1e2", "grace_minutes": "0x0f"}
ROOM_OUT_OF_RANGE = {"seats": "-1", "computers": "501", "min_notice_minutes": "-1",
                     "max_advance_days": "367", "grace_minutes": "241"}
PHOTO_NOT_IMAGE = "Foto harus berupa berkas JPEG atau PNG."
PHOTO_TOO_BIG = "Foto paling besar 2 MB."
HOURS_PAIR = "Isi jam mulai dan jam sampai, atau kosongkan keduanya."
NOT_A_CHOICE = "Pilihan tidak valid"
ROOM_EXTRA = {
    "opens_without_closes": ({"opens": "08:00", "closes": ""}, HOURS_PAIR),
    "closes_without_opens": ({"opens": "", "closes": "15:00"}, HOURS_PAIR),
    "closes_before_opens": ({"opens": "15:00", "closes": "08:00"}, "Jam sampai harus setelah jam mulai."),
    "closes_at_opens": ({"opens": "10:00", "closes": "10:00"}, "Jam sampai harus setelah jam mulai."),
    "opens_off_the_grid": ({"opens": "08:10"}, NOT_A_CHOICE),
    "closes_past_midnight": ({"closes": "24:00"}, NOT_A_CHOICE),
    "zero_advance_days": ({"max_advance_days": "0"}, "Angka harus antara 1 dan 366."),
    "notice_over_two_weeks": ({"min_notice_minutes": str(14 * 24 * 60 + 1)}, "Angka harus antara"),
    "huge_seats": ({"seats": "1" + "0" * 30}, "Angka harus antara"),
    "text_renamed_png": ({"photo": Upload(b"Ini bukan gambar, hanya teks.\n", "ruang.png", "image/png")},
                         PHOTO_NOT_IMAGE),
    "svg_named_png": ({"photo": Upload(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                                       "ruang.png", "image/png")}, PHOTO_NOT_IMAGE),
    "html_as_jpeg": ({"photo": Upload(b"<html><script>alert(1)</script></html>", "ruang.jpg",
                                      "image/jpeg")}, PHOTO_NOT_IMAGE),
    "gif": ({"photo": Upload(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "ruang.gif", "image/gif")},
            PHOTO_NOT_IMAGE),
    "empty_file": ({"photo": Upload(b"", "ruang.png", "image/png")}, PHOTO_NOT_IMAGE),
    "png_over_2_mb": ({"photo": Upload(TINY_PNG + b"\x00" * (2 * 1024 * 1024), "besar.png", "image/png")},
                      PHOTO_TOO_BIG),
}
SERVICE_RULES = {"duration_minutes": "30", "min_notice_minutes": "120", "max_advance_days": "30",
                 "grace_minutes": "15", "is_verification": "y",
                 "checklist_vendor": "KTP direktur\nAkta pendirian", "checklist_official": "Surat tugas"}
SERVICE_TEXT = ("name", "checklist_vendor", "checklist_official")
SERVICE_NUMBERS = ("duration_minutes", "min_notice_minutes", "max_advance_days", "grace_minutes")
SERVICE_WRONG = {"code": "A B!", "duration_minutes": "setengah jam", "min_notice_minutes": "2 jam",
                 "max_advance_days": "1.5", "grace_minutes": "0x0f"}
SERVICE_OUT_OF_RANGE = {"duration_minutes": "4", "min_notice_minutes": "-1", "max_advance_days": "366",
                        "grace_minutes": "241"}
NOT_BOOKABLE = "Slot itu tidak dapat dipesan"
# A reservation of the sample room on `free_day` (filled in by url_and_valid).
RESERVATION = {"room": "{room_id}", "start_date": "{free_day}", "start_time": "11:00", "end_time": "12:00",
               "purpose": "meeting", "title": "Rapat Pokja Paket Jalan", "attendees": "5",
               "note": "Perlu proyektor", "repeat": "", "until": "", "confirm": "Ajukan reservasi"}
RESERVATION_WRONG = {"start_time": "11:07", "end_time": "12.00", "purpose": "pesta", "repeat": "tiap jam",
                     "room": "ruang satu", "attendees": "banyak"}
END_AFTER_START = "Waktu selesai harus setelah waktu mulai."
DATE_RANGE = "Tanggal di luar rentang yang wajar"
UNTIL_AFTER_START = "Tanggal akhir tidak boleh sebelum tanggal mulai."
RESERVATION_EXTRA = {
    "end_before_start": ({"start_time": "11:00", "end_time": "10:00"}, END_AFTER_START),
    "end_at_start": ({"start_time": "11:00", "end_time": "11:00"}, END_AFTER_START),
    "start_off_the_quarter_hour": ({"start_time": "11:07"}, NOT_A_CHOICE),
    "end_off_the_quarter_hour": ({"end_time": "11:50"}, NOT_A_CHOICE),
    "time_not_offered": ({"start_time": "05:00", "end_time": "23:00"}, NOT_A_CHOICE),
    "time_with_seconds": ({"start_time": "11:00:30"}, NOT_A_CHOICE),
    "end_time_with_a_dot": ({"end_time": "12.00"}, NOT_A_CHOICE),  # as the page shows times
    "start_time_not_a_time": ({"start_time": "sebelas"}, NOT_A_CHOICE),
    "end_time_hour_25": ({"end_time": "25:00"}, NOT_A_CHOICE),
    "attendees_zero": ({"attendees": "0"}, "Angka harus antara 1 dan 500."),
    "attendees_negative": ({"attendees": "-1"}, "Angka harus antara 1 dan 500."),
    "attendees_a_billion": ({"attendees": str(10 ** 9)}, "Angka harus antara 1 dan 500."),
    "attendees_huge": ({"attendees": "9" * 40}, "Angka harus antara 1 dan 500."),
    "attendees_text": ({"attendees": "lima orang"}, "Harus berupa bilangan bulat."),
    "attendees_decimal": ({"attendees": "2.5"}, "Harus berupa bilangan bulat."),
    "year_9999": ({"start_date": "9999-12-31"}, DATE_RANGE),
    "year_1": ({"start_date": "0001-01-01"}, DATE_RANGE),
    "no_such_date": ({"start_date": "2026-02-30"}, "Tanggal tidak valid"),
    "nul_in_date": ({"start_date": "{free_day}\x00"}, "Tanggal tidak valid"),
    "no_such_room": ({"room": "999999"}, NOT_A_CHOICE),
    "negative_room": ({"room": "-1"}, NOT_A_CHOICE),
    "room_as_sql": ({"room": "1; DROP TABLE room"}, NOT_A_CHOICE),
    "title_blank": ({"title": "   "}, "Wajib diisi."),
    "title_script": ({"title": "<script>alert(1)</script>"}, "Tidak boleh memuat karakter < atau >."),
    "title_nul": ({"title": "Rapat\x00Pokja"}, "Tidak boleh memuat karakter kontrol."),
    "until_before_start": ({"repeat": "weekly", "until": "2001-01-01"}, UNTIL_AFTER_START),
    "until_year_9999": ({"repeat": "weekly", "until": "9999-12-31"}, DATE_RANGE),
    "until_over_a_year": ({"repeat": "daily", "until": "{free_day_plus_400}"},
                          "Pengulangan paling lama satu tahun."),
    "repeat_without_until": ({"repeat": "weekly", "until": ""}, "Isi tanggal akhir pengulangan."),
    "until_not_a_date": ({"repeat": "weekly", "until": "minggu depan"}, "Tanggal tidak valid"),
}
WRITE_A_REASON = "Tulis alasan penolakan."
BLACKOUT = {"start_date": "{free_day}", "start_time": "08:00", "end_date": "{free_day}", "end_time": "12:00",
            "reason": "Pemeliharaan pendingin ruangan"}
BLACKOUT_EXTRA = {
    "end_date_before_start": ({"end_date": "{room_day}", "start_date": "{free_day}"}, UNTIL_AFTER_START),
    "end_time_before_start": ({"start_time": "12:00", "end_time": "08:00"}, END_AFTER_START),
    "end_at_start": ({"start_time": "12:00", "end_time": "12:00"}, END_AFTER_START),
    "year_9999": ({"end_date": "9999-12-31"}, DATE_RANGE),
    "year_1": ({"start_date": "0001-01-01"}, DATE_RANGE),
    "no_such_date": ({"start_date": "2026-13-01"}, "Tanggal tidak valid"),
    "time_not_offered": ({"end_time": "23:45"}, NOT_A_CHOICE),
    "end_time_with_a_dot": ({"end_time": "12.00"}, NOT_A_CHOICE),  # the same day: times compared
    "start_time_not_a_time": ({"start_time": "delapan"}, NOT_A_CHOICE),
    "reason_blank": ({"reason": "  "}, "Wajib diisi."),
}

FORMS = [
    FormSpec("login", "anonymous", "/masuk", {"email": "penyedia@example.test", "password": PASSWORD},
             text=("email", "password"), wrong={"email": "bukan-email"},
             wrong_message="Alamat e-mail tidak valid."),
    FormSpec("register", "anonymous", "/daftar",
             {"name": "Yohanes Bria", "company": "CV Sabana Sumba", "npwp": "01.234.567.8-901.000",
              "email": "yohanes@example.test", "phone": "0812 3456 7890",
              "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
             text=("name", "company", "npwp", "email", "phone", "new_password", "confirm"),
             wrong={"npwp": "abc.def.ghi.j-klm.nop", "phone": "telepon kantor"},
             wrong_message="NPWP harus 15 atau 16 digit", unique=("email",)),
    FormSpec("two_factor_code", "pending_totp", "/masuk/kode", {"code": "123456"}, text=("code",),
             wrong={"code": "abcdef"}, wrong_message="Kode salah"),
    FormSpec("two_factor_enrol", "pending_enrol", "/masuk/aktifkan-2fa", {"code": "123456"},
             text=("code",), wrong={"code": "abcdef"}, wrong_message="Kode tidak cocok"),
    FormSpec("change_password", "vendor", "/akun/kata-sandi",
             {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
             text=("current_password", "new_password", "confirm"),
             wrong={"new_password": "pendek", "confirm": "pendek"},
             wrong_message="Kata sandi minimal 12 karakter.", echoes=False),
    FormSpec("user_create", "admin", "/admin/pengguna/baru", USER, text=("name", "email", "nip", "phone"),
             wrong=USER_WRONG, wrong_message="NIP terdiri dari 18 digit.", unique=("email",)),
    FormSpec("user_edit", "admin", "/admin/pengguna/{user_id}",
             {**USER, "name": "Staf Sasaran", "email": "sasaran@example.test"},
             text=("name", "email", "nip", "phone"),
             wrong=USER_WRONG, wrong_message="NIP terdiri dari 18 digit.", unique=("email",)),
    FormSpec("office_settings", "admin", "/admin/kantor",
             {"name": "LPSE Provinsi NTT", "address": "Jl. El Tari No. 52, Kupang",
              "government_level": "provinsi", "region": "Provinsi Nusa Tenggara Timur",
              "timezone": "Asia/Makassar", "national_holidays": "y"},
             text=("name", "address", "region"),
             wrong={"government_level": "kecamatan", "timezone": "Europe/London"},
             wrong_message="Pilihan tidak valid."),
    FormSpec("service_hours", "admin", "/admin/kantor/jam",
             {f"day{d}": "08.00-12.00, 13.00-16.00" for d in range(7)},
             text=tuple(f"day{d}" for d in range(7)),
             wrong={"day0": "jam delapan", "day1": "25.00-26.00", "day2": "12.00-08.00",
                    "day3": "08.00-12.00, 11.00-13.00"},
             wrong_message="Format jam salah.",
             empty_is_valid=True),  # every day empty: closed all week, a legitimate setting
    FormSpec("closure_day", "admin", "/admin/kantor/libur", {"day": SOON, "reason": "Cuti bersama kantor"},
             text=("reason",), dates=("day",), wrong={"day": "besok"}, wrong_message="Tanggal tidak valid",
             unique=("day",)),
    FormSpec("counter_service_create", "admin", "/admin/layanan",
             {"code": "P", "name": "Pelatihan SPSE", "active": "y", **SERVICE_RULES},
             text=SERVICE_TEXT, numbers=SERVICE_NUMBERS, wrong=SERVICE_WRONG,
             wrong_message="Kode hanya huruf dan angka", out_of_range=SERVICE_OUT_OF_RANGE,
             unique=("name",)),
    FormSpec("counter_service_edit", "admin", "/admin/layanan/{service_id}",
             {"code": "V", "name": "Verifikasi dokumen", "active": "y", **SERVICE_RULES},
             text=SERVICE_TEXT, numbers=SERVICE_NUMBERS, wrong=SERVICE_WRONG,
             wrong_message="Harus berupa bilangan bulat.", out_of_range=SERVICE_OUT_OF_RANGE,
             unique=("name",)),
    FormSpec("counter_create", "admin", "/admin/loket",
             {"name": "Loket 7", "services": "{service_id}", "active": "y"},
             text=("name",), wrong={"services": "abc"}, wrong_message="Pilihan tidak valid.",
             unique=("name",)),
    FormSpec("counter_edit", "admin", "/admin/loket/{counter_id}",
             {"name": "Loket 8", "services": "{service_id}", "active": "y"},
             text=("name",), wrong={"services": "abc"}, wrong_message="Pilihan tidak valid.",
             unique=("name",)),
    FormSpec("room_create", "admin", "/admin/ruang", ROOM, text=("name", "equipment"),
             numbers=ROOM_NUMBERS, wrong=ROOM_WRONG,
             wrong_message="Harus berupa bilangan bulat.", out_of_range=ROOM_OUT_OF_RANGE,
             unique=("name",), extra=ROOM_EXTRA),
    FormSpec("room_edit", "admin", "/admin/ruang/{room_id}", {**ROOM, "name": "Ruang Verifikasi"},
             text=("name", "equipment"),
             numbers=ROOM_NUMBERS, wrong=ROOM_WRONG,
             wrong_message="Harus berupa bilangan bulat.", out_of_range=ROOM_OUT_OF_RANGE,
             unique=("name",), extra=ROOM_EXTRA),
    FormSpec("announcement", "admin", "/pengumuman",
             {"kind": "info", "title": "Pemeliharaan jaringan", "body": "SPSE tidak dapat diakses",
              "starts": f"{SOON}T08:00", "ends": f"{SOON}T10:00"},
             text=("title", "body"), dates=("starts", "ends"),
             wrong={"kind": "gosip", "starts": "besok pagi", "ends": "2026-13-45T25:61"},
             wrong_message="Tanggal dan waktu tidak valid.",
             out_of_range={"starts": "0001-01-01T00:00", "ends": "0001-01-01T01:00"}, unique=("title",)),
    FormSpec("counter_closure", "admin", "/admin/loket-tutup/",
             {"counter": "{counter_id}", "day": SOON, "reason": "Petugas cuti"},
             text=("reason",), dates=("day",), wrong={"day": "besok", "counter": "loket satu"},
             wrong_message="Tanggal tidak valid",
             out_of_range={"day": "2000-01-01", "counter": "999999"},  # a past day, no such counter
             unique=("day",)),
    # The queue's steps: a one-field form above the queue, refused with a message.
    FormSpec("queue_check_in", "verifikator", "/antrian/check-in", {"code": "{visit_code}"},
             text=("code",), wrong={"code": "ZZZZ2222"},
             wrong_message="Kode pemesanan tidak ditemukan", echoes=False,
             flashes="Ketik atau pindai kode pemesanan."),
    FormSpec("queue_walk_in", "verifikator", "/antrian/walk-in",
             {"service": "{service_id}", "name": "Ibu Rina"}, text=("name",),
             wrong={"service": "verifikasi"}, wrong_message="Pilih layanan",
             out_of_range={"service": "999999"}, echoes=False,
             flashes="Pilih layanan untuk tiket pengunjung langsung."),
    FormSpec("queue_call", "verifikator", "/antrian/panggil", {"counter": "{counter_id}"},
             text=("counter",),  # a select: the garbage goes into its value
             wrong={"counter": "loket satu"}, wrong_message="Pilih loket",
             out_of_range={"counter": "999999"}, echoes=False,
             flashes="Pilih loket yang buka hari ini."),
    FormSpec("queue_finish", "verifikator", "/antrian/{booking_id}/selesai",
             {"outcome": "approved", "reason": "", "note": "Berkas lengkap"}, text=("note",),
             wrong={"outcome": "lulus", "reason": "alasan-lain", "documents": "Dokumen palsu"},
             wrong_message="Pilihan tidak valid",
             out_of_range={"outcome": "rejected"}),  # rejected needs a reason
    FormSpec("reschedule", "owner", "/tiket/{code}/jadwal-ulang", {"start": "{reschedule_to}"},
             text=("start",), wrong={"start": "besok pagi"}, wrong_message=NOT_BOOKABLE,
             out_of_range={"start": "2000-01-03T09.00"}, echoes=False, flashes=NOT_BOOKABLE),
    # Rooms. Another official than the sample's (who holds 09.00-11.00 of room_day).
    FormSpec("reservation", "room_user", "/ruang/pesan", RESERVATION, text=("title", "note"),
             numbers=("attendees",), dates=("start_date", "until"), wrong=RESERVATION_WRONG,
             wrong_message=NOT_A_CHOICE, out_of_range={"attendees": "0"}, extra=RESERVATION_EXTRA),
    FormSpec("reservation_reject", "helpdesk", "/ruang/reservasi/{reject_id}/tolak",
             {"reason": "Ruang dipakai rapat pimpinan"}, text=("reason",), wrong={"reason": "   "},
             wrong_message=WRITE_A_REASON, echoes=False, flashes=WRITE_A_REASON,
             extra={"no_reason_field": ({"reason": None}, WRITE_A_REASON)}),
    FormSpec("series_reject", "manager", "/ruang/seri/{reject_series_id}/tolak",
             {"reason": "Ruang dipakai ujian"}, text=("reason",), wrong={"reason": "\t \n"},
             wrong_message=WRITE_A_REASON, echoes=False, flashes=WRITE_A_REASON,
             extra={"no_reason_field": ({"reason": None}, WRITE_A_REASON)}),
    FormSpec("blackout", "admin", "/admin/ruang/{room_id}/penutupan", BLACKOUT, text=("reason",),
             dates=("start_date", "end_date"), wrong={"start_time": "08:07", "end_time": "jam dua"},
             wrong_message=NOT_A_CHOICE, extra=BLACKOUT_EXTRA),
]
# Passwords are only hashed (a trailing NUL does not even change a PBKDF2/scrypt hash: HMAC
# pads its key with zeros), and e-mail syntax already refuses NUL.
SECRET_OR_EMAIL = {"password", "current_password", "new_password", "confirm", "email"}
# A browser omits them when empty.
CHECKBOXES = {"active", "national_holidays", "roles", "services", "is_verification", "documents",
              "open_weekends", "needs_approval", "remove_photo"}


def ids_of(sample) -> dict:
    free_day = date.fromisoformat(sample.free_day)
    return {"user_id": sample.user_id, "counter_id": sample.counter_id, "room_id": sample.room_id,
            "service_id": sample.service_id, "booking_id": sample.booking_id, "code": sample.code,
            "visit_code": sample.visit_code, "reschedule_to": sample.reschedule_to,
            "reject_id": sample.reject_id, "reject_series_id": sample.reject_series_id,
            "free_day": sample.free_day, "room_day": sample.room_day,
            "free_day_plus_400": (free_day + timedelta(days=400)).isoformat()}


def filled(values: dict, ids: dict) -> dict:
    return {k: v.format(**ids) if isinstance(v, str) else v for k, v in values.items()}


def url_and_valid(spec: FormSpec, sample) -> tuple[str, dict]:
    """The form's URL and its valid submission, with the sample objects' ids filled in."""
    ids = ids_of(sample)
    return spec.path.format(**ids), filled(spec.valid, ids)


def cases(spec: FormSpec, valid: dict, ids: dict) -> dict[str, tuple[dict, str | None, str | None]]:
    """name -> (submission, a message it must produce, the hostile string in it). A None
    value in `extra` leaves the field out."""
    result = {}
    if not spec.empty_is_valid:
        result["empty"] = ({k: "" for k in valid if k not in CHECKBOXES},
                           spec.flashes or "Wajib diisi.", None)
    long = {f: "x" * LONG for f in spec.text} | {f: "9" * LONG for f in spec.numbers + spec.dates}
    result["long"] = ({**valid, **long}, spec.flashes or "Maksimal", None)
    result["wrong_types"] = ({**valid, **spec.wrong}, spec.wrong_message, None)
    if spec.out_of_range:
        result["out_of_range"] = ({**valid, **spec.out_of_range}, None, None)
    for n, hostile in enumerate(HOSTILE, 1):
        result[f"hostile_{n}"] = ({**valid, **dict.fromkeys(spec.text, hostile)}, None, hostile)
    for f in spec.text:  # a NUL byte is not text (and PostgreSQL refuses to store it)
        if f not in SECRET_OR_EMAIL:  # one field at a time: the others stay valid
            result[f"nul_byte_in_{f}"] = ({**valid, f: valid[f][:3] + "\x00" + valid[f][3:]}, None, None)
    for name, (changes, message) in spec.extra.items():
        data = {k: v for k, v in {**valid, **filled(changes, ids)}.items() if v is not None}
        result[name] = (data, message, None)
    return result


def field_errors(body: str) -> list[str]:
    return [html.unescape(m).strip() for m in FIELD_ERROR.findall(body)]


def flashes(body: str) -> list[tuple[str, str]]:
    """(category, message) of the flash messages on a page."""
    return [(category, html.unescape(m).strip()) for category, m in FLASH.findall(body)]


def not_indonesian(message: str) -> bool:
    return bool(ENGLISH.search(message)) or not INDONESIAN.search(message)


@pytest.fixture
def form_client(app, sample, make_user, signed_in, login):
    """A client in the state the form needs, and its CSRF token."""

    def client_for(who: str):
        if who in set(Role):
            client, _ = signed_in(Role(who))
        elif who == "owner":
            client = app.test_client()
            login(client, sample.owner)
        else:
            client = app.test_client()
            if who.startswith("pending"):  # the password step done, the code still to come
                staff = make_user(Role.VERIFIKATOR, totp=who == "pending_totp")
                response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
                assert response.status_code == 302
                if who == "pending_enrol":  # as a browser does: the page (and its QR) first
                    assert client.get("/masuk/aktifkan-2fa").status_code == 200
        return client, token_of(client)

    return client_for


def distinct(name: str, value: str, n: int) -> str:
    if name == "email":
        return f"k{n}.{value}"
    if name == "day":
        return (date.fromisoformat(value) + timedelta(days=n)).isoformat()
    return f"{value} {n}"


def refusal_page(client, response, htmx) -> tuple[list[str], str]:
    """Where a view refusing with a flash message shows it: the page it redirects to (303,
    or for htmx 204 with HX-Redirect), or for htmx the refreshed block itself (422)."""
    status = response.status_code
    if status == 303 and not htmx:
        target = response.location
    elif status == 204 and htmx and response.headers.get("HX-Redirect"):
        target = response.headers["HX-Redirect"]
    elif status == 422 and htmx:
        return [], response.get_data(as_text=True)
    else:
        return [f"status {status}, expected a redirect{' (or 422)' if htmx else ''} with a message"], ""
    return [], client.get(target).get_data(as_text=True)


def check_refused(app, client, token, url, data, expected, hostile, spec, htmx):
    """Submit `data`; return the problems seen and whether the submission was accepted."""
    headers = {"HX-Request": "true"} if htmx else {}
    before = row_counts(app)
    payload, content_type = encoded(data)
    response = post(client, url, token, payload, headers={**headers, **content_type})
    body = response.get_data(as_text=True)
    if response.status_code >= 500:
        return [f"server error {response.status_code}"], True
    if spec.flashes:
        problems, shown = refusal_page(client, response, htmx)
        messages = flashes(shown)
        accepted = any(category == "success" for category, _ in messages)
        errors = [message for category, message in messages if category == "error"]
        if not problems and not errors:
            problems.append(f"no error message shown: {messages}")
    else:
        accepted = response.status_code in (200, 204, 302, 303)
        problems = [] if response.status_code == 422 else [f"status {response.status_code}, expected 422"]
        shown, errors = body, field_errors(body)
        if response.status_code == 422 and not errors:
            problems.append("no field error shown")
    if row_counts(app) != before:
        problems.append("the database changed")
    problems += [f"message not in Indonesian: {e!r}" for e in errors if not_indonesian(e)]
    if expected and not any(expected in e for e in errors):
        problems.append(f"no {expected!r} among {errors}")
    if hostile:
        if any(hostile in page or "<img src=x" in page or "<script>alert" in page for page in (body, shown)):
            problems.append("hostile markup sent back unescaped")
        if spec.echoes and str(escape(hostile)) not in body:
            problems.append("the submitted value is not shown again (escaped)")
    if htmx and response.status_code == 422 and "<html" in body:
        problems.append("htmx got the full page, not the form's fragment")
    return problems, accepted


@pytest.mark.parametrize("spec", FORMS, ids=lambda s: s.name)
def test_bad_input_is_refused_with_422_in_indonesian_and_writes_nothing(app, sample, form_client, spec):
    client, token = form_client(spec.who)
    url, valid = url_and_valid(spec, sample)
    failures = []
    # No field at all (curl, a broken script): never a 5xx, nothing written.
    before = row_counts(app)
    response = post(client, url, token, {})
    if response.status_code >= 500:
        failures.append(f"{spec.name}/no_field_at_all: server error {response.status_code}")
    if not spec.empty_is_valid and row_counts(app) != before:
        failures.append(f"{spec.name}/no_field_at_all: the database changed")
    submissions = itertools.product(cases(spec, valid, ids_of(sample)).items(), (False, True))
    for n, ((case, (data, expected, hostile)), htmx) in enumerate(submissions):
        data = {**data, **{f: distinct(f, data[f], n) for f in spec.unique if data.get(f) == valid[f]}}
        problems, accepted = check_refused(app, client, token, url, data, expected, hostile, spec, htmx)
        failures += [f"{spec.name}/{case}{' (htmx)' if htmx else ''}: {p}" for p in problems]
        if accepted:  # wrongly: start the next case from a clean state of the client
            client, token = form_client(spec.who)
    assert not failures, "\n".join(failures)


COUNTER_FORMS = {"counter_service_create", "counter_service_edit", "counter_closure", "queue_finish"}


def test_the_sample_submissions_are_valid(app, sample, form_client):
    """The bad cases change one thing of a valid submission: check that it is valid."""
    clients, failures = {}, []
    for spec in FORMS:
        if spec.who.startswith("pending") or spec.name == "login":
            continue  # a valid code or password cannot be written down here
        if spec.who not in clients or spec.who == "anonymous":
            clients[spec.who] = form_client(spec.who)
        client, token = clients[spec.who]
        url, data = url_and_valid(spec, sample)
        before = row_counts(app)
        response = post(client, url, token, data)
        if response.status_code not in (200, 302, 303):
            failures.append(f"{spec.name}: POST {url}: {response.status_code}")
            continue
        if field_errors(response.get_data(as_text=True)):
            failures.append(f"{spec.name}: {field_errors(response.get_data(as_text=True))}")
        if response.status_code in (302, 303):  # a refusal by flash message redirects too
            categories = [c for c, _ in flashes(client.get(response.location).get_data(as_text=True))]
            if "error" in categories:
                failures.append(f"{spec.name}: refused with an error message")
            if (spec.flashes or spec.name in COUNTER_FORMS) and (
                    "success" not in categories or row_counts(app) == before):
                failures.append(f"{spec.name}: not saved")
    assert not failures, "\n".join(failures)


REGISTER_FIELDS = FORMS[1].valid
_registrations = itertools.count(1)
# Characters that break naive handling: NUL and controls, markup, quotes, non-ASCII.
TRICKY_CHARACTERS = list("\x00\x01\t\n\r <>&\"'%\\#;aZ9.-@é漢\u200b\ufeff")


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fuzzed=st.sampled_from(sorted(REGISTER_FIELDS)),
       text=st.text(max_size=300) | st.text(st.sampled_from(TRICKY_CHARACTERS), max_size=40))
@example(fuzzed="name", text="Yohanes\x00Bria")  # NUL: PostgreSQL refuses to store it
@example(fuzzed="company", text="CV \u200bSabana\ufeff")
def test_registration_never_fails_with_a_server_error(app, fuzzed, text):
    """Generated text in one field of an otherwise valid registration, so that many
    examples get past validation and reach the database."""
    n = next(_registrations)
    submission = {**REGISTER_FIELDS, "email": f"penyedia{n}@example.test", fuzzed: text}
    client = app.test_client()  # a fresh visitor: a successful example signs its client in
    before = row_counts(app)
    response = post(client, "/daftar", token_of(client), submission)
    assert response.status_code < 500
    assert response.status_code in (302, 422)
    added = row_counts(app)["user_account"] - before["user_account"]
    assert added == (1 if response.status_code == 302 else 0)


def test_garbage_query_parameters_on_list_pages_are_ignored(signed_in):
    client, _ = signed_in(Role.ADMIN)
    for url in ("/admin/pengguna?hal=abc&peran=<x>", "/admin/pengguna?hal=-3&q=" + "x" * LONG,
                "/admin/pengguna?hal=99999999999999999999999&q=%25_%5C",
                "/admin/pengguna?q=%3Cscript%3Ealert(1)%3C/script%3E",
                "/audit?dari=notadate", "/audit?dari=2026-13-45&sampai=31/12/2026&hal=1e3",
                "/audit?tabel=%3Cx%3E&oleh=%27%20OR%201=1--&id=abc"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<x>" not in body, url


def test_extreme_dates_in_the_audit_filter_are_not_a_server_error(signed_in):
    client, _ = signed_in(Role.ADMIN)
    urls = ("/audit?sampai=9999-12-31", "/audit?dari=0001-01-01", "/audit?dari=9999-12-31")
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_nul_bytes_in_search_parameters_are_not_a_server_error(signed_in):
    client, _ = signed_in(Role.ADMIN)
    urls = ("/admin/pengguna?q=a%00b", "/audit?oleh=%00", "/audit?tabel=%00", "/audit?id=%00")
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_the_same_announcement_posted_twice_is_not_a_server_error(app, signed_in):
    """A double click sends the form twice: the second is refused or ignored, never a 500."""
    client, _ = signed_in(Role.VERIFIKATOR)
    token = token_of(client)
    data = {"kind": "info", "title": "Pemeliharaan jaringan", "body": "", "starts": f"{SOON}T08:00",
            "ends": f"{SOON}T10:00"}
    before = row_counts(app)["announcement"]
    assert post(client, "/pengumuman", token, data).status_code == 303
    response = post(client, "/pengumuman", token, data)
    assert response.status_code in (303, 422), response.status_code
    assert row_counts(app)["announcement"] == before + 1
