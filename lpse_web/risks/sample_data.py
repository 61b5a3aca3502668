"""Sample risk registers, with no request: the demo office's (`flask seed-demo`) and the
scale data set's (`flask seed-scale`, step "risks"), both under the methodology in force
(the default 5 × 5 unless the office changed it).

The demo register is twenty-five risks of a small LPSE office, linked to the demo assets
(assets/demo_data.py), written through the services (risks/services.py) as the risk
manager would have over the past eleven months, each step at its own moment
(`replaying`), so the audit log, the score history and the reviews read as real use.
Written once: a second seed-demo finds the first code and leaves the register alone.

The scale register is bulk-inserted, like an import (not in the audit log), deterministic
for a seed; a second run adds only the risks whose codes are missing."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from lpse_web.assets.models import Asset
from lpse_web.assets.sample_data import BATCH, SCALE_TAG, office_moment, replaying
from lpse_web.audit.recorder import acting_as
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks import services
from lpse_web.risks.methodology import Scheme, stored_current
from lpse_web.risks.models import (
    CLOSED,
    CREATED,
    EDITED,
    REVIEWED,
    Risk,
    RiskAction,
    RiskReview,
    RiskScore,
    risk_asset,
)


def _r(code, title, category, owner, tags, inherent, residual, **extra):
    return {"code": code, "title": title, "category": category, "owner": owner, "tags": tags,
            "inherent": inherent, "residual": residual, **extra}


SPSE_SERVERS = ("LPSE-HW-0001", "LPSE-HW-0002")
BACKUP = ("LPSE-HW-0003", "LPSE-HW-0004", "LPSE-IN-0002")
DESK_PCS = ("LPSE-HW-0019", "LPSE-HW-0020", "LPSE-HW-0021", "LPSE-HW-0022")
# created (days ago, default 330) / treatment and plan / actions: (title, owner, due in days
# from today, done that many days from today or None) / reviews: (days ago, residual
# likelihood, impact, note) / decided: (days ago) when the treatment was chosen.
DEMO_RISKS = (
    _r("R-001", "Server SPSE tidak dapat diakses (down) saat jadwal tender", "continuity", "admin",
       (*SPSE_SERVERS, "LPSE-SV-0003", "LPSE-SV-0004", "LPSE-SW-0005"), (4, 5), (3, 4),
       threat="Kerusakan perangkat keras, gangguan sistem operasi, beban puncak saat batas akhir penawaran.",
       vulnerability="Satu server aplikasi; pemantauan hanya pada jam kerja.",
       existing_controls="Garansi ProSupport 4 jam; cadangan harian.", treatment="mitigate",
       plan="Dua server aplikasi di belakang penyeimbang beban, pemantauan 24 jam dengan notifikasi.",
       actions=(("Pasang pemantauan uptime dengan notifikasi Telegram", "admin", -200, -205),
                ("Uji failover ke server aplikasi kedua", "admin", -20, None),
                ("Susun rencana pemulihan bencana (DRP) SPSE", "kepala", 45, None)),
       reviews=((240, 3, 4, "Pemantauan sudah aktif."), (150, 2, 4, "Dua server aplikasi berjalan."))),
    _r("R-002", "Serangan ransomware pada server dan PC", "security", "admin",
       ("LPSE-HW-0002", *BACKUP[:2], *DESK_PCS[:2], "LPSE-LC-0002", "LPSE-IN-0001"), (4, 5), (3, 5),
       threat="Lampiran e-mail atau flashdisk terinfeksi; eksploitasi layanan yang terbuka.",
       vulnerability="Cadangan berada di jaringan yang sama; PC staf dengan hak administrator.",
       existing_controls="Antivirus ESET di semua PC; firewall.", treatment="mitigate",
       plan="Cadangan luring mingguan, hak administrator dicabut dari PC staf, pelatihan kesadaran.",
       actions=(("Cadangan luring (air-gapped) mingguan ke disk eksternal", "admin", -150, -160),
                ("Perpanjang lisensi antivirus 25 perangkat", "aset", 25, None),
                ("Pelatihan kesadaran keamanan untuk seluruh staf", "risiko", -45, None)),
       reviews=((200, 3, 4, "Cadangan luring berjalan."), (110, 3, 4, "Pelatihan belum terlaksana."))),
    _r("R-003", "Listrik padam di data center Diskominfo", "continuity", "kepala",
       (*SPSE_SERVERS, "LPSE-SV-0003"), (3, 5), (2, 4),
       threat="Gangguan PLN yang lama; genset DC gagal menyala.",
       vulnerability="Server di luar kendali LPSE.",
       existing_controls="UPS dan genset di DC.", treatment="transfer",
       plan="Perjanjian tingkat layanan (SLA) dengan Diskominfo: uji genset bulanan, laporan gangguan.",
       actions=(("Tandatangani SLA kolokasi dengan Diskominfo", "kepala", -250, -240),),
       reviews=((150, 2, 4, "SLA berlaku; laporan uji genset diterima."),)),
    _r("R-004", "Kebocoran dokumen penyedia hasil pindaian", "security", "verifikator",
       ("LPSE-IN-0003", *DESK_PCS, "LPSE-HW-0031", "LPSE-FC-0004"), (3, 5), (2, 4),
       threat="Salinan dokumen dibawa keluar atau dikirim ke pihak lain.",
       vulnerability="Folder bersama tanpa pembatasan akses per verifikator.",
       existing_controls="Perjanjian kerahasiaan pegawai.", treatment="mitigate",
       plan="Folder pindaian terenkripsi dengan hak akses per verifikator; kebijakan meja bersih.",
       actions=(("Folder pindaian terenkripsi dengan hak akses per verifikator", "admin", -200, -210),
                ("Terapkan kebijakan meja bersih di ruang verifikasi", "verifikator", -180, -185)),
       reviews=((170, 2, 4, "Hak akses sudah dibatasi."), (40, 2, 3, "Tidak ada insiden."))),
    _r("R-005", "Berbagi kata sandi akun SPSE antarpegawai", "security", "risiko",
       ("LPSE-SD-0001", "LPSE-SD-0002", "LPSE-IN-0006", "LPSE-SV-0004"), (4, 4), (3, 3),
       threat="Akun dipakai orang lain; jejak audit tidak lagi menunjuk pelaku.",
       vulnerability="Akun bersama untuk meja layanan.", existing_controls="Kebijakan kata sandi.",
       treatment="mitigate", plan="Satu akun per orang, OTP untuk akun admin, sosialisasi.",
       actions=(("Aktifkan OTP untuk akun admin SPSE", "admin", -60, -70),
                ("Sosialisasi larangan berbagi akun", "risiko", -100, -95)),
       reviews=((120, 3, 3, "Akun bersama sudah dihapus."),)),
    _r("R-006", "Sertifikat SSL kedaluwarsa", "operational", "admin", ("LPSE-LC-0003", "LPSE-SV-0004"),
       (3, 4), (2, 4), threat="Peramban menolak situs; penyedia tidak dapat mengunggah penawaran.",
       vulnerability="Perpanjangan lewat Diskominfo memakan waktu.",
       existing_controls="Peringatan 30 hari dari register aset.", treatment="mitigate",
       plan="Perpanjangan diajukan dua bulan sebelum berakhir.",
       actions=(("Ajukan perpanjangan sertifikat SSL ke Diskominfo", "admin", -3, None),),
       reviews=((90, 2, 4, "Pengajuan perpanjangan dijadwalkan."),)),
    _r("R-007", "Gangguan koneksi internet Astinet", "continuity", "admin",
       ("LPSE-SV-0001", "LPSE-SV-0002", "LPSE-HW-0009", "LPSE-HW-0005"), (4, 4), (2, 3),
       threat="Putus kabel serat optik; gangguan jaringan penyedia.", vulnerability="Satu jalur internet.",
       existing_controls="SLA Telkom 99,5 %.", treatment="mitigate",
       plan="Jalur internet cadangan dengan failover otomatis di router.",
       actions=(("Pasang jalur internet cadangan (fiber 50 Mbps) dengan failover", "admin", -200, -205),),
       reviews=((190, 2, 3, "Failover diuji, berpindah dalam 40 detik."),)),
    _r("R-008", "Mutasi atau pergantian Admin Sistem", "operational", "kepala", ("LPSE-SD-0001",),
       (4, 5), (4, 4), threat="Admin Sistem dimutasi tanpa serah terima.",
       vulnerability="Hanya satu orang menguasai server dan SPSE.", treatment="mitigate",
       plan="Admin pendamping, SOP administrasi server, pelatihan LKPP.",
       actions=(("Tunjuk admin pendamping dan jadwalkan pelatihan LKPP", "kepala", 40, None),
                ("Tulis SOP administrasi server", "admin", -30, None)),
       reviews=((100, 4, 4, "Usulan admin pendamping ke BKD."),
                (45, 5, 4, "Admin Sistem masuk daftar mutasi; pendamping belum ada."))),
    _r("R-009", "Kebakaran di ruang server", "continuity", "aset",
       ("LPSE-FC-0001", *BACKUP[:2], "LPSE-HW-0012", "LPSE-HW-0016"), (2, 5), (1, 5),
       threat="Korsleting listrik; panas berlebih.", vulnerability="Cadangan dan server di ruang yang sama.",
       existing_controls="APAR di koridor.", treatment="mitigate",
       plan="APAR CO2 dan detektor asap di ruang server; salinan cadangan di lokasi kedua (DC).",
       actions=(("Pasang APAR CO2 dan detektor asap", "aset", -280, -285),
                ("Salin cadangan mingguan ke DC Diskominfo", "admin", -220, -230)),
       reviews=((170, 1, 5, "Detektor asap diuji."),)),
    _r("R-010", "Phishing yang menyasar pegawai dan penyedia", "security", "risiko",
       ("LPSE-SV-0005", "LPSE-SD-0001", "LPSE-SD-0003"), (4, 3), (3, 3),
       threat="E-mail palsu mengatasnamakan LPSE meminta kata sandi.", vulnerability="Kesadaran pengguna.",
       existing_controls="Penyaring spam Diskominfo.", treatment="mitigate",
       plan="Pengumuman resmi di situs LPSE, simulasi phishing, SPF/DKIM domain.",
       actions=(("Simulasi phishing untuk pegawai", "risiko", 20, None),),
       reviews=((60, 3, 3, "Dua laporan phishing dari penyedia, ditangani."),)),
    _r("R-011", "Cadangan tidak pernah diuji pemulihannya", "operational", "admin",
       (*BACKUP, "LPSE-IN-0001"), (3, 5), (3, 4),
       threat="Cadangan rusak baru diketahui saat dibutuhkan.", vulnerability="Tidak ada uji pemulihan.",
       existing_controls="Cadangan harian otomatis.", treatment="mitigate",
       plan="Uji pemulihan tiap triwulan ke server cadangan, hasilnya dicatat.",
       actions=(("Uji pemulihan cadangan triwulan III", "admin", -100, -98),
                ("Uji pemulihan cadangan triwulan IV", "admin", -12, None)),
       reviews=((95, 3, 4, "Uji pertama berhasil, butuh 3 jam."),)),
    _r("R-012", "UPS ruang server gagal saat listrik padam", "operational", "aset",
       ("LPSE-HW-0012", "LPSE-HW-0013", "LPSE-HW-0015"), (3, 4), (2, 3),
       threat="Baterai melemah tanpa diketahui.", vulnerability="Tidak ada uji beban berkala.",
       treatment="mitigate", plan="Uji beban baterai UPS tiap semester; kontrak perawatan genset.",
       actions=(("Uji beban baterai UPS", "aset", -80, -82),),
       reviews=((80, 2, 3, "Baterai UPS 3000VA diganti."),)),
    _r("R-013", "Akses fisik tidak sah ke ruang server", "security", "aset",
       ("LPSE-FC-0001", "LPSE-HW-0017", "LPSE-HW-0018"), (2, 4), (1, 4),
       threat="Orang tanpa hak masuk ke ruang server.", vulnerability="Kunci manual.",
       existing_controls="Kartu akses; buku tamu.", treatment="mitigate",
       plan="CCTV mengarah ke pintu ruang server, rekaman 30 hari.",
       actions=(("Arahkan kamera CCTV ke pintu ruang server", "aset", -260, -262),),
       reviews=((200, 1, 4, "Rekaman 30 hari tersedia."),)),
    _r("R-014", "Kerusakan perangkat keras server (cakram, catu daya)", "operational", "admin",
       (*SPSE_SERVERS, "LPSE-HW-0003"), (3, 4), (2, 3), threat="Cakram atau catu daya rusak.",
       vulnerability="Umur perangkat.", existing_controls="RAID 10; catu daya ganda.", treatment="transfer",
       plan="Garansi ProSupport 4 jam dari Dell; suku cadang cakram di lemari.",
       reviews=((45, 2, 3, "Garansi berlaku sampai tahun depan."),)),
    _r("R-015", "Celah keamanan SPSE terlambat ditambal", "security", "admin",
       ("LPSE-SW-0005", "LPSE-SW-0001", "LPSE-SW-0003"), (3, 5), (2, 5),
       threat="Celah yang diumumkan dieksploitasi sebelum pembaruan terpasang.",
       vulnerability="Pembaruan menunggu jadwal pemeliharaan.", existing_controls="Kanal pembaruan LKPP.",
       treatment="mitigate", plan="Pembaruan kritis dipasang dalam 3 hari kerja sejak rilis LKPP.",
       actions=(("Jadwal pemeliharaan bulanan di luar jam layanan", "admin", -90, -91),),
       reviews=((70, 2, 5, "Pembaruan SPSE terakhir dipasang 2 hari setelah rilis."),)),
    _r("R-016", "Serangan DDoS saat jadwal pemasukan penawaran", "security", "admin",
       ("LPSE-HW-0008", "LPSE-LC-0005", "LPSE-SV-0004", "LPSE-SV-0001"), (3, 4), (2, 4), created=120,
       threat="Banjir lalu lintas menjelang batas akhir penawaran.", vulnerability="Kapasitas jalur.",
       existing_controls="FortiGate dengan langganan FortiGuard.", treatment="mitigate",
       plan="Perlindungan DDoS dari Telkom; langganan FortiGuard dijaga berlaku.",
       actions=(("Perpanjang langganan FortiGuard", "aset", -9, None),),
       reviews=((30, 3, 4, "Langganan FortiGuard akan berakhir; risiko naik."),)),
    _r("R-017", "Kehilangan laptop pinjaman berisi data pengadaan", "security", "aset",
       ("LPSE-HW-0030", "LPSE-HW-0028"), (3, 3), (2, 3), threat="Laptop hilang di perjalanan dinas.",
       vulnerability="Data tersimpan lokal.", existing_controls="Buku pinjam aset.", treatment="mitigate",
       plan="BitLocker di semua laptop; data kerja di server, bukan di laptop.",
       actions=(("Aktifkan BitLocker di laptop pinjaman", "admin", -160, -170),),
       reviews=((150, 2, 3, "BitLocker aktif."),)),
    _r("R-018", "Penyalahgunaan hak akses admin SPSE", "security", "kepala",
       ("LPSE-SD-0001", "LPSE-IN-0001", "LPSE-IN-0007"), (2, 5), (2, 4), created=200, decided=190,
       threat="Perubahan data tender oleh pemegang hak admin.", vulnerability="Log tidak ditinjau.",
       existing_controls="Log akses server.", treatment="mitigate",
       plan="Tinjauan log akses bulanan oleh Kepala LPSE."),
    _r("R-019", "Ruang pemasukan penawaran tidak siap saat jadwal", "operational", "helpdesk",
       ("LPSE-FC-0002", "LPSE-HW-0006", "LPSE-HW-0013"), (3, 3), (2, 2),
       threat="PC atau jaringan ruang penawaran bermasalah.", vulnerability="Pemeriksaan tidak rutin.",
       treatment="mitigate", plan="Daftar periksa ruang sehari sebelum jadwal.",
       reviews=((300, 2, 2, "Daftar periksa dipakai."),)),
    _r("R-020", "Keterlambatan pembaruan lisensi perangkat lunak", "compliance", "aset",
       ("LPSE-LC-0001", "LPSE-LC-0002", "LPSE-LC-0006"), (3, 2), (2, 2), treatment="accept",
       status="accepted", plan="Diterima: peringatan register aset 30 hari sebelum berakhir sudah cukup.",
       reviews=((200, 2, 2, "Tetap diterima."),)),
    _r("R-021", "Tidak memenuhi standar LPSE saat penilaian LKPP", "compliance", "kepala",
       ("LPSE-IN-0004", "LPSE-IN-0009"), (3, 4), (2, 3), threat="Nilai kematangan turun.",
       vulnerability="Dokumen SOP belum lengkap.", treatment="mitigate",
       plan="Lengkapi 17 standar LPSE: SOP, register aset, register risiko.",
       actions=(("Lengkapi SOP manajemen risiko", "risiko", 60, None),),
       reviews=((75, 2, 3, "Register aset dan risiko sudah di aplikasi."),)),
    _r("R-022", "Kebocoran data pribadi penyedia (NIK, NPWP)", "reputation", "kepala",
       ("LPSE-IN-0001", "LPSE-IN-0002", "LPSE-IN-0003"), (2, 5), (2, 4), threat="Data diambil dan disebar.",
       vulnerability="Ekspor data tanpa persetujuan.", existing_controls="Hak akses basis data terbatas.",
       treatment="mitigate", plan="Ekspor data hanya dengan persetujuan Kepala LPSE; enkripsi cadangan.",
       reviews=((130, 2, 4, "Cadangan kini terenkripsi."),)),
    _r("R-023", "Banjir atau genangan saat musim hujan", "continuity", "aset",
       ("LPSE-FC-0005", "LPSE-FC-0001"), (2, 3), (1, 3), treatment="accept", status="accepted",
       plan="Diterima: ruang di lantai 2; arsip di rak 40 cm dari lantai.",
       reviews=((250, 1, 3, "Tidak ada genangan musim lalu."),)),
    _r("R-024", "Pemadaman listrik PLN di kantor LPSE", "continuity", "aset",
       ("LPSE-HW-0015", "LPSE-HW-0012", "LPSE-HW-0013", "LPSE-FC-0002"), (5, 3), (4, 2), created=60,
       threat="Pemadaman bergilir musim kemarau.", existing_controls="UPS dan genset 20 kVA.",
       treatment="mitigate", status="open", plan="Genset menyala otomatis (ATS) — menunggu anggaran.",
       actions=(("Pasang panel ATS untuk genset", "aset", 30, None),),
       reviews=((20, 4, 2, "Tiga kali padam bulan ini; genset berjalan."),)),
    _r("R-025", "Perangkat lunak tanpa lisensi di PC pegawai", "compliance", "aset",
       (*DESK_PCS, "LPSE-LC-0006"), (2, 3), (1, 2), treatment="avoid",
       plan="Hanya perangkat lunak berlisensi; instalasi oleh Admin Sistem.",
       actions=(("Periksa perangkat lunak terpasang di semua PC", "admin", -60, -50),),
       reviews=((40, 1, 2, "Semua PC bersih; risiko ditutup.", "closed"),)),
)
DEMO_CODES = tuple(r["code"] for r in DEMO_RISKS)


def demo_risks(now: datetime, staff: dict, assets: dict) -> dict[str, Risk]:
    """The demo office's register ({code: risk}), once. `staff` maps the demo keys to
    users, `assets` the demo tags to assets."""
    found = {r.code: r for r in db.session.scalars(select(Risk).where(Risk.code.in_(DEMO_CODES)))}
    if found:
        return found
    stored_current()
    today = load_calendar().local_day(now)
    made = {}
    with acting_as(staff["risiko"].email):
        for spec in DEMO_RISKS:
            made[spec["code"]] = _demo_risk(spec, today, staff, assets)
    return made


def _day(moment: datetime) -> date:
    return load_calendar().local_day(moment)


def _demo_risk(spec: dict, today: date, staff: dict, assets: dict) -> Risk:
    created = office_moment(today, spec.get("created", 330), hour=10)
    treated = "treatment" in spec
    with replaying(created):  # identified and assessed at the risk workshop
        risk = services.create_risk(
            _day(created), code=spec["code"], title=spec["title"], category=spec["category"],
            inherent_likelihood=spec["inherent"][0], inherent_impact=spec["inherent"][1],
            asset_ids=[assets[t].id for t in spec["tags"] if t in assets], owner_id=staff[spec["owner"]].id,
            threat=spec.get("threat", ""), vulnerability=spec.get("vulnerability", ""),
            existing_controls=spec.get("existing_controls", ""))
    decided = office_moment(today, spec.get("decided", spec.get("created", 330) - 10), hour=14)
    if treated:  # the treatment chosen and the residual assessed after existing controls
        status = spec.get("status", "in_treatment")
        with replaying(decided):
            services.update_risk(risk, _day(decided), status=status, treatment=spec["treatment"],
                                 treatment_plan=spec.get("plan", ""),
                                 residual_likelihood=spec["residual"][0], residual_impact=spec["residual"][1])
    for title, owner, due, done in spec.get("actions", ()):
        with replaying(decided):
            action = services.add_action(risk, title, staff[owner].id, today + timedelta(days=due))
        if done is not None:
            with replaying(office_moment(today, -done, hour=15)):
                services.complete_action(action, today + timedelta(days=done))
    for days_ago, likelihood, impact, note, *status in sorted(spec.get("reviews", ()), reverse=True):
        moment = office_moment(today, days_ago, hour=9)
        with replaying(moment):
            services.review(risk, _day(moment), staff["risiko"].id, note=note, residual_likelihood=likelihood,
                            residual_impact=impact, status=status[0] if status else None)
    return risk


def remove_demo_risks() -> int:
    """For `seed-demo --reset`: the demo's risks (with their actions, reviews and score
    history) go before the demo accounts that own them."""
    risks = list(db.session.scalars(select(Risk).where(Risk.code.in_(DEMO_CODES))))
    for risk in risks:
        db.session.delete(risk)
    db.session.flush()
    return len(risks)


# --- the scale data set ------------------------------------------------------------------

SCALE_CODE = "RS"
TITLES = (
    ("continuity", "Server SPSE tidak dapat diakses"), ("security", "Serangan ransomware"),
    ("continuity", "Listrik padam di data center"), ("security", "Kebocoran dokumen penyedia"),
    ("security", "Berbagi kata sandi akun"), ("operational", "Sertifikat SSL kedaluwarsa"),
    ("continuity", "Gangguan koneksi internet"), ("operational", "Pergantian pegawai kunci"),
    ("continuity", "Kebakaran di ruang server"), ("security", "Phishing"),
    ("operational", "Cadangan tidak diuji"), ("operational", "Kerusakan UPS"),
    ("security", "Akses fisik tidak sah"), ("compliance", "Lisensi perangkat lunak berakhir"),
    ("reputation", "Kebocoran data pribadi penyedia"), ("financial", "Anggaran pemeliharaan tidak cukup"),
)
SUBJECTS = ("ruang server", "meja verifikasi", "ruang penawaran", "jaringan kantor", "data center",
            "helpdesk", "ruang pelatihan", "arsip", "SPSE", "e-mail dinas")
LIKELIHOOD_WEIGHTS, IMPACT_WEIGHTS = (1, 3, 4, 3, 2), (1, 2, 4, 4, 3)
RECORDED_DAYS = 900  # the scale risks were recorded over this many days before today, at least


def scale_code(number: int) -> str:
    return f"{SCALE_CODE}-{number:04d}"


def scale_risks(*, count: int, seed: int, now: datetime, owner_ids: list[int],
                reviewer_id: int | None, years: float = 1) -> dict[str, int]:
    """`count` risks RS-0001 ..., each linked to one to three scale assets (by tag, so a
    seed links the same ones whatever their ids), with its actions, its reviews (at least
    one: every risk has two score history rows or more) and score history. Recorded over
    the past 900 days (a register kept for years), or over `years` when that is longer.
    Each risk is drawn from its own generator (seed and number); only the numbers
    missing are drawn."""
    scheme = stored_current()
    today = load_calendar().local_day(now)
    tags = list(db.session.scalars(select(Asset.tag).where(Asset.tag.like(f"{SCALE_TAG}-%"))
                                   .order_by(Asset.tag)))
    existing = {int(c.rsplit("-", 1)[1]) for c in db.session.scalars(
        select(Risk.code).where(Risk.code.like(f"{SCALE_CODE}-%")))}
    span = max(RECORDED_DAYS, round(365.25 * years))
    new = [_scale_risk(random.Random(f"risk-{seed}-{n}"), n, scheme, today, owner_ids, reviewer_id,
                       tags, span)
           for n in range(1, count + 1) if n not in existing]
    risks = [row["risk"] for row in new]
    for at in range(0, len(risks), BATCH):
        db.session.execute(insert(Risk.__table__), risks[at:at + BATCH])
    ids = dict(db.session.execute(select(Risk.code, Risk.id).where(Risk.code.like(f"{SCALE_CODE}-%"))).all())
    asset_ids = dict(db.session.execute(select(Asset.tag, Asset.id).where(Asset.tag.like(f"{SCALE_TAG}-%"))
                                        ).all()) if new else {}
    links = [{"risk_id": ids[row["risk"]["code"]], "asset_id": asset_ids[t]}
             for row in new for t in row["tags"]]
    written = {"risks": len(risks), "links": len(links)}
    for name, table, key in (("actions", RiskAction, "actions"), ("reviews", RiskReview, "reviews"),
                             ("scores", RiskScore, "scores")):
        rows = [dict(r, risk_id=ids[row["risk"]["code"]]) for row in new for r in row[key]]
        for at in range(0, len(rows), BATCH):
            db.session.execute(insert(table.__table__), rows[at:at + BATCH])
        written[name] = len(rows)
    for at in range(0, len(links), BATCH):
        db.session.execute(insert(risk_asset), links[at:at + BATCH])
    return written


def _assessment(scheme: Scheme, prefix: str, likelihood: int, impact: int) -> dict:
    score, rank = scheme.assess(likelihood, impact)
    return {f"{prefix}_likelihood": likelihood, f"{prefix}_impact": impact, f"{prefix}_score": score,
            f"{prefix}_level": rank}


def _scale_risk(rng, number, scheme, today, owner_ids, reviewer_id, tags, span=RECORDED_DAYS) -> dict:
    top_l, top_i = scheme.likelihood_levels, scheme.impact_levels
    likelihood = min(top_l, rng.choices(range(1, 6), weights=LIKELIHOOD_WEIGHTS)[0])
    impact = min(top_i, rng.choices(range(1, 6), weights=IMPACT_WEIGHTS)[0])
    residual = [max(1, likelihood - rng.randrange(0, 3)), max(1, impact - rng.randrange(0, 2))]
    category, title = rng.choice(TITLES)
    treatment = rng.choices(("mitigate", "accept", "transfer", "avoid", None), weights=(60, 15, 10, 5, 10))[0]
    status = {"accept": "accepted", None: "open"}.get(treatment, "in_treatment")
    created_on = today - timedelta(days=rng.randrange(30, span))
    at = lambda day, hour: datetime.combine(day, time(hour), UTC)  # noqa: E731
    inherent = _assessment(scheme, "inherent", likelihood, impact)
    scores = [{"at": at(created_on, 1), "reason": CREATED, "methodology_version": scheme.version, **inherent,
               **_assessment(scheme, "residual", likelihood, impact)}]
    if treatment is not None:  # decided a few days later: the residual assessed
        scores.append({"at": at(created_on, 7), "reason": EDITED, "methodology_version": scheme.version,
                       **inherent, **_assessment(scheme, "residual", *residual)})
    reviews, day = [], created_on
    while True:
        level = scheme.level_of(residual[0] * residual[1])
        following = day + timedelta(days=round(level.review_days * rng.uniform(0.75, 1.25)))
        if following >= today:
            if reviews:
                break
            following = created_on + timedelta(days=rng.randrange(1, (today - created_on).days))
        before = scheme.assess(*residual)[0]
        if rng.random() < 0.3 and residual[0] > 1:
            residual[0] -= 1
        after = scheme.assess(*residual)[0]
        day = following
        reviews.append({"reviewed_on": day, "reviewer_id": reviewer_id, "note": "Tinjauan berkala.",
                        "changes": {"residual_score": [before, after]} if before != after else {},
                        "next_review_on": scheme.next_review(day, scheme.assess(*residual)[1]),
                        "created_at": at(day, 2)})
        scores.append({"at": at(day, 2), "reason": REVIEWED, "methodology_version": scheme.version,
                       **inherent, **_assessment(scheme, "residual", *residual)})
    closed = rng.random() < 0.06
    if closed:
        status = CLOSED
    actions = []
    if treatment == "mitigate":
        for _ in range(rng.randrange(1, 4)):
            due = created_on + timedelta(days=rng.randrange(14, 400))
            done = due - timedelta(days=rng.randrange(0, 10)) if due < today - timedelta(
                days=10) and rng.random() < 0.8 else None
            actions.append({"title": f"Langkah penanganan: {title.lower()}",
                            "owner_id": rng.choice(owner_ids) if owner_ids else None, "due_on": due,
                            "done_on": min(done, today) if done else None, "note": ""})
    risk = {
        "code": scale_code(number), "title": f"{title} — {rng.choice(SUBJECTS)}",
        "description": "", "category": category,
        "threat": "", "vulnerability": "", "owner_id": rng.choice(owner_ids) if owner_ids else None,
        "existing_controls": "", "methodology_version": scheme.version, **inherent,
        "treatment": treatment, "treatment_plan": "Rencana penanganan disetujui Kepala LPSE."
        if treatment else "", **_assessment(scheme, "residual", *residual), "status": status,
        "next_review_on": reviews[-1]["next_review_on"], "last_reviewed_on": reviews[-1]["reviewed_on"],
        "created_at": at(created_on, 1), "closed_on": reviews[-1]["reviewed_on"] if closed else None,
    }
    # Drawn last: which assets exist changes these and nothing else.
    linked = sorted({rng.choice(tags) for _ in range(rng.randrange(1, 4))}) if tags else []
    return {"risk": risk, "tags": linked, "actions": actions, "reviews": reviews, "scores": scores}
