"""The demo office's asset register (`flask seed-demo`), with no request.

Some sixty assets of a small LPSE office in Kupang, written through the services
(assets/services.py) as the asset manager would have written them over the past fourteen
months (`replaying`, assets/sample_data.py), so an asset's history shows when each thing
happened. It is written once: a second seed-demo finds its first tag and leaves it alone."""

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from lpse_web.assets import services
from lpse_web.assets.models import Asset, AssetAssignment, Stocktake
from lpse_web.assets.sample_data import (
    DELL,
    FC,
    HW,
    INF,
    KOMINFO,
    LC,
    NETS,
    PCS,
    POWER,
    PP,
    SEC,
    SV,
    SW,
    Y,
    office_moment,
    replaying,
)
from lpse_web.audit.recorder import acting_as
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar

REGISTER_STARTED = 420  # days ago: the office put its register in this app then
FIRST_STOCKTAKE, SECOND_STOCKTAKE = 390, 24  # days ago: the yearly stock opname

SRV, NET, PWR = "Ruang Server LPSE", "Ruang Server LPSE (rak jaringan)", "Ruang Server LPSE (panel listrik)"
DC = "Data Center Diskominfo Prov. NTT, rak B3"
VERIF, BID, TRAIN, HELP = "Ruang Verifikasi", "Ruang Pemasukan Penawaran", "Ruang Pelatihan", "Ruang Helpdesk"
LKPP = "LKPP — Direktorat Pengembangan Sistem Pengadaan"


def _a(tag, name, cls, category, owner, location, **extra):
    return {"tag": tag, "name": name, "asset_class": cls, "category": category, "owner": owner,
            "location": location, **extra}


# bought (days ago) / cost (Rupiah) / term (warranty, years from purchase) / eol and expires
# (days from today); cia = (C, I, A); holder = the staff member holding it now; overdue = missed the
# second stock opname.
DEMO_ASSETS = (
    _a("LPSE-HW-0001", "Server SPSE 1 (aplikasi) Dell PowerEdge R750", HW, "Server", "admin", DC,
       serial="7HQ2KX3", supplier=DELL, bought=2 * Y + 40, cost=212_500_000, term=3,
       eol=5 * Y, cia=(2, 3, 3), notes="ProSupport 4 jam. SPSE 4.5, Docker."),
    _a("LPSE-HW-0002", "Server SPSE 2 (basis data) Dell PowerEdge R750", HW, "Server", "admin", DC,
       serial="9JQ2KX3", supplier=DELL, bought=2 * Y + 40, cost=212_500_000, term=3,
       eol=5 * Y, cia=(3, 3, 3), notes="PostgreSQL 13, replikasi ke server cadangan."),
    _a("LPSE-HW-0003", "Server cadangan Dell PowerEdge R540", HW, "Server", "admin", SRV,
       serial="4TRM9Y3", supplier=DELL, bought=4 * Y + 100, cost=126_000_000, term=5,
       eol=2 * Y, cia=(3, 3, 2), notes="Garansi diperpanjang 2 tahun (ProSupport)."),
    _a("LPSE-HW-0004", "NAS cadangan Synology RS1221+ (4 × 8 TB)", HW, "Penyimpanan", "admin", SRV,
       serial="2180PDN512734", supplier=NETS, bought=Y + 200, cost=46_800_000, term=3,
       cia=(3, 3, 2)),
    _a("LPSE-HW-0005", "Core switch Cisco Catalyst 9200L-24T", HW, "Perangkat jaringan", "admin", NET,
       serial="FOC2634X1AB", supplier=NETS, bought=2 * Y + 40, cost=38_500_000, term=3,
       cia=(1, 2, 3)),
    _a("LPSE-HW-0006", "Switch ruang penawaran HPE Aruba 2530-24G", HW, "Perangkat jaringan", "admin", BID,
       serial="CN09HKX0ZQ", supplier=NETS, bought=3 * Y + 10, cost=12_750_000, cia=(1, 2, 2),
       notes="Garansi seumur pakai (lifetime) dari Aruba."),
    _a("LPSE-HW-0007", "Switch lama HP 1910-24G", HW, "Perangkat jaringan", "admin", "Gudang",
       status="in_stock", serial="CN31FX604K", supplier=NETS, bought=7 * Y, cost=6_900_000, eol=25,
       notes="Cadangan; dukungan vendor berakhir."),
    _a("LPSE-HW-0008", "Firewall Fortinet FortiGate 100F", HW, "Perangkat jaringan", "admin", NET,
       serial="FG100FTK22012345", supplier=SEC, bought=2 * Y + 70, cost=94_600_000, term=3,
       cia=(2, 3, 3)),
    _a("LPSE-HW-0009", "Router MikroTik CCR2004-16G-2S+", HW, "Perangkat jaringan", "admin", NET,
       serial="HF30A1B2C3D", supplier=NETS, bought=Y + 300, cost=9_850_000, term=2,
       cia=(1, 2, 3)),
    _a("LPSE-HW-0010", "Access point Ubiquiti UniFi U6 Pro (ruang penawaran)", HW, "Perangkat jaringan",
       "admin", BID, serial="F4E2C6A1B201", supplier=NETS, bought=Y + 30, cost=3_250_000,
       term=2, cia=(1, 1, 2)),
    _a("LPSE-HW-0011", "Access point Ubiquiti UniFi U6 Pro (ruang pelatihan)", HW, "Perangkat jaringan",
       "admin", TRAIN, serial="F4E2C6A1B2F7", supplier=NETS, bought=Y + 30, cost=3_250_000,
       term=2, overdue=True),
    _a("LPSE-HW-0012", "UPS APC Smart-UPS SRT 3000VA (ruang server)", HW, "UPS", "aset", PWR,
       serial="AS2214123456", supplier=POWER, bought=3 * Y - 20, cost=32_400_000, term=3,
       cia=(1, 2, 3), notes="Baterai diganti tahun lalu."),
    _a("LPSE-HW-0013", "UPS APC Smart-UPS SMT1500 (ruang penawaran)", HW, "UPS", "aset", BID,
       serial="AS1931654321", supplier=POWER, bought=4 * Y, cost=11_500_000, term=5,
       cia=(1, 1, 3), overdue=True, notes="Garansi baterai diperpanjang."),
    _a("LPSE-HW-0014", "UPS APC Back-UPS BX1100 (helpdesk)", HW, "UPS", "aset", HELP,
       serial="3B2104X55871", supplier=POWER, bought=3 * Y + 60, cost=1_650_000, cia=(1, 1, 2)),
    _a("LPSE-HW-0015", "Genset Perkins 20 kVA", HW, "Catu daya", "aset", "Halaman belakang",
       serial="DS20K-22-0147", supplier=POWER, bought=4 * Y + 200, cost=146_000_000, term=5,
       cia=(1, 1, 3), notes="Servis tiap 250 jam; kontrak perawatan tahunan."),
    _a("LPSE-HW-0016", "AC presisi ruang server Daikin 2 PK", HW, "Pendingin ruang server", "aset", SRV,
       serial="FTKC50TV-8812", supplier=POWER, bought=2 * Y + 150, cost=12_300_000, term=3,
       cia=(1, 1, 3)),
    _a("LPSE-HW-0017", "NVR CCTV Hikvision DS-7616NI (16 kanal)", HW, "CCTV", "aset", SRV,
       serial="J12345678", supplier="Toko Mitra Elektronik Kupang", bought=2 * Y + 90, cost=6_800_000,
       term=3, cia=(2, 2, 2)),
    _a("LPSE-HW-0018", "Kamera CCTV Hikvision (8 unit: ruang server, verifikasi, penawaran)", HW, "CCTV",
       "aset", "Gedung LPSE", supplier="Toko Mitra Elektronik Kupang", bought=2 * Y + 90, cost=9_600_000,
       term=3, cia=(2, 2, 2), overdue=True),
    _a("LPSE-HW-0019", "PC meja verifikasi 1 Lenovo ThinkCentre M70t", HW, "PC / laptop", "admin", VERIF,
       serial="PF3KXA12", supplier=PCS, bought=3 * Y - 27, cost=13_900_000, term=3, cia=(2, 2, 2),
       holder="verifikator"),
    _a("LPSE-HW-0020", "PC meja verifikasi 2 Lenovo ThinkCentre M70t", HW, "PC / laptop", "admin", VERIF,
       serial="PF3KXA19", supplier=PCS, bought=3 * Y - 27, cost=13_900_000, term=3, cia=(2, 2, 2)),
    _a("LPSE-HW-0021", "PC meja verifikasi 3 HP ProDesk 400 G7", HW, "PC / laptop", "admin", VERIF,
       serial="SGH234ABCD", supplier=PCS, bought=Y + 110, cost=12_450_000, term=3,
       cia=(2, 2, 2)),
    _a("LPSE-HW-0022", "PC meja verifikasi 4 HP ProDesk 400 G7", HW, "PC / laptop", "admin", VERIF,
       serial="SGH234ABCJ", supplier=PCS, bought=Y + 110, cost=12_450_000, term=3,
       cia=(2, 2, 2)),
    _a("LPSE-HW-0023", "PC helpdesk HP ProDesk 400 G7", HW, "PC / laptop", "admin", HELP,
       serial="SGH234ABD2", supplier=PCS, bought=Y + 110, cost=12_450_000, term=3,
       cia=(2, 2, 2), holder="helpdesk"),
    _a("LPSE-HW-0024", "PC konsultasi SPSE Lenovo ThinkCentre M70q", HW, "PC / laptop", "admin",
       "Ruang Konsultasi", serial="MJ0GT4K1", supplier=PCS, bought=2 * Y, cost=11_200_000, term=3,
       cia=(1, 1, 2)),
    _a("LPSE-HW-0025", "PC Pengelola Aset Lenovo ThinkCentre M70t", HW, "PC / laptop", "admin", "Ruang Staf",
       serial="PF3KXA23", supplier=PCS, bought=3 * Y - 27, cost=13_900_000, term=3, cia=(2, 2, 1),
       holder="aset"),
    _a("LPSE-HW-0026", "PC Pengelola Risiko Lenovo ThinkCentre M70t", HW, "PC / laptop", "admin",
       "Ruang Staf", serial="PF3KXA31", supplier=PCS, bought=3 * Y - 27, cost=13_900_000, term=3,
       cia=(2, 2, 1), holder="risiko"),
    _a("LPSE-HW-0027", "PC Hubungan Pengguna HP ProDesk 400 G7", HW, "PC / laptop", "admin", "Ruang Staf",
       serial="SGH234ABE5", supplier=PCS, bought=Y + 110, cost=12_450_000, term=3,
       cia=(1, 2, 1), holder="survei"),
    _a("LPSE-HW-0028", "Laptop Admin Sistem Lenovo ThinkPad T14 Gen 3", HW, "PC / laptop", "admin", SRV,
       serial="PF4Q8T2M", supplier=PCS, bought=Y + 250, cost=21_500_000, term=3,
       cia=(3, 2, 2), holder="admin", notes="BitLocker aktif; akses VPN ke DC."),
    _a("LPSE-HW-0029", "Laptop Kepala LPSE Lenovo ThinkPad X1 Carbon", HW, "PC / laptop", "kepala",
       "Ruang Kepala", serial="PF4R1K9Z", supplier=PCS, bought=Y + 250, cost=28_900_000,
       term=3, cia=(3, 2, 1), holder="kepala"),
    _a("LPSE-HW-0030", "Laptop pinjaman Lenovo ThinkPad E14", HW, "PC / laptop", "aset", "Lemari aset",
       serial="PF2W6B7N", supplier=PCS, bought=2 * Y + 30, cost=14_300_000, term=3,
       cia=(2, 1, 1), notes="Dipinjamkan ke Pokja untuk rapat evaluasi di luar kantor."),
    _a("LPSE-HW-0031", "Pemindai dokumen Fujitsu fi-7160", HW, "Printer / pemindai", "aset", VERIF,
       serial="A8BDA12345", supplier=PCS, bought=2 * Y + 200, cost=17_800_000, term=3,
       cia=(2, 2, 2), holder="verifikator"),
    _a("LPSE-HW-0032", "Printer HP LaserJet Pro M404dn", HW, "Printer / pemindai", "aset", HELP,
       serial="PHBLM12345", supplier=PCS, bought=3 * Y, cost=5_400_000),
    _a("LPSE-HW-0033", "Proyektor Epson EB-X500 (ruang pelatihan)", HW, "Proyektor", "aset", TRAIN,
       serial="X4KL123456", supplier=PCS, bought=2 * Y + 300, cost=7_250_000),
    _a("LPSE-HW-0034", "Laptop pelatihan Acer TravelMate (25 unit)", HW, "PC / laptop", "aset", TRAIN,
       supplier=PCS, bought=2 * Y + 180, cost=212_500_000, term=3, cia=(1, 1, 2),
       notes="Nomor seri per unit di lampiran BAST."),
    _a("LPSE-HW-0035", "PC cadangan Lenovo ThinkCentre M70t", HW, "PC / laptop", "aset", "Gudang",
       status="in_stock", serial="PF3KXA40", supplier=PCS, bought=3 * Y - 27, cost=13_900_000, term=3),
    _a("LPSE-HW-0036", "PC lama Dell OptiPlex 3020", HW, "PC / laptop", "aset", "Gudang", status="retired",
       serial="CXTQ842", supplier=PCS, bought=9 * Y, cost=8_100_000, eol=-2 * Y,
       notes="Diusulkan penghapusan barang milik daerah."),
    _a("LPSE-HW-0037", "Server lama IBM System x3650 M4", HW, "Server", "admin", "Gudang", status="retired",
       serial="KQ7RT91", supplier=DELL, bought=10 * Y, cost=98_000_000, eol=-3 * Y,
       notes="Cakram dihancurkan, berita acara pemusnahan data terlampir."),
    # Software
    _a("LPSE-SW-0001", "Ubuntu Server 22.04 LTS (server SPSE)", SW, "Sistem operasi", "admin", DC,
       supplier="Canonical (gratis)", bought=2 * Y + 35, cost=0, eol=3 * Y - 100, cia=(1, 3, 3)),
    _a("LPSE-SW-0002", "Windows Server 2022 Standard (server cadangan)", SW, "Sistem operasi", "admin", SRV,
       supplier=PCS, bought=2 * Y, cost=0, eol=6 * Y, cia=(1, 2, 2)),
    _a("LPSE-SW-0003", "PostgreSQL 13 (basis data SPSE)", SW, "Basis data", "admin", DC,
       supplier="Komunitas PostgreSQL (gratis)", bought=2 * Y + 35, cost=0, eol=Y - 300, cia=(2, 3, 3),
       notes="Rencana naik ke PostgreSQL 15 mengikuti rilis SPSE."),
    _a("LPSE-SW-0004", "ESET PROTECT Entry (antivirus)", SW, "Antivirus", "admin", "Semua PC",
       supplier=SEC, bought=Y + 60, cost=0, cia=(1, 3, 2)),
    _a("LPSE-SW-0005", "Aplikasi SPSE 4.5", SW, "Aplikasi", "kepala", DC, supplier=LKPP, bought=4 * Y,
       cost=0, cia=(2, 3, 3), notes="Dari LKPP; pembaruan dikirim lewat kanal resmi."),
    _a("LPSE-SW-0006", "Microsoft Office 2021 Home & Business", SW, "Aplikasi", "admin", "PC staf",
       supplier=PCS, bought=Y + 110, cost=0, cia=(1, 1, 1)),
    # Licences
    _a("LPSE-LC-0001", "Lisensi Windows Server 2022 Standard 16 core", LC, "Lisensi perangkat lunak",
       "admin", SRV, supplier=PCS, bought=2 * Y, cost=31_600_000, seats=2, cia=(1, 1, 2),
       notes="Lisensi permanen (perpetual)."),
    _a("LPSE-LC-0002", "Lisensi antivirus ESET PROTECT Entry 25 perangkat", LC, "Lisensi perangkat lunak",
       "admin", "Semua PC", supplier=SEC, bought=60, cost=12_500_000, seats=25, expires=Y - 60,
       cia=(1, 2, 2)),
    _a("LPSE-LC-0003", "Sertifikat SSL lpse.nttprov.go.id", LC, "Sertifikat SSL", "admin", DC,
       supplier=f"{SEC} (Sectigo)", bought=Y - 12, cost=2_350_000, seats=1, expires=12, cia=(2, 3, 3),
       notes="Perpanjangan diajukan lewat Diskominfo."),
    _a("LPSE-LC-0004", "Nama domain lpse.nttprov.go.id", LC, "Nama domain", "kepala", "—", supplier=KOMINFO,
       bought=5 * Y, cost=0, expires=210, cia=(1, 2, 3)),
    _a("LPSE-LC-0005", "Langganan FortiGuard UTP FortiGate 100F", LC, "Lisensi perangkat lunak", "admin",
       NET, supplier=SEC, bought=Y + 9, cost=38_200_000, seats=1, expires=-9, cia=(2, 2, 2),
       notes="Usulan perpanjangan menunggu DPA perubahan."),
    _a("LPSE-LC-0006", "Lisensi Microsoft Office 2021 (8 perangkat)", LC, "Lisensi perangkat lunak", "admin",
       "PC staf", supplier=PCS, bought=Y + 110, cost=32_000_000, seats=8, cia=(1, 1, 1)),
    # Information
    _a("LPSE-IN-0001", "Basis data SPSE (paket, penyedia, penawaran)", INF, "Basis data", "kepala", DC,
       cia=(3, 3, 3), label="rahasia"),
    _a("LPSE-IN-0002", "Cadangan harian basis data SPSE", INF, "Cadangan (backup)", "admin", SRV,
       cia=(3, 3, 2), label="rahasia", notes="pg_dump tiap 01.00 WITA ke NAS; salinan mingguan luring."),
    _a("LPSE-IN-0003", "Dokumen penyedia hasil pindaian (akta, NIB, pajak)", INF, "Dokumen", "verifikator",
       VERIF, cia=(3, 2, 2), label="rahasia"),
    _a("LPSE-IN-0004", "SOP layanan LPSE (registrasi, verifikasi, helpdesk)", INF, "Dokumen", "kepala",
       "Situs LPSE", cia=(1, 2, 1), label="publik"),
    _a("LPSE-IN-0005", "Rekap paket tender dan hasil pemilihan", INF, "Dokumen", "kepala", "Ruang Staf",
       cia=(2, 2, 2), label="terbatas"),
    _a("LPSE-IN-0006", "Daftar akun dan hak akses pengguna SPSE", INF, "Basis data", "admin", DC,
       cia=(3, 3, 2), label="rahasia"),
    _a("LPSE-IN-0007", "Log akses server dan aplikasi", INF, "Arsip", "admin", SRV, cia=(2, 3, 1),
       label="terbatas"),
    _a("LPSE-IN-0008", "Arsip berita acara verifikasi penyedia", INF, "Arsip", "verifikator", "Ruang Arsip",
       cia=(2, 3, 1), label="terbatas", overdue=True),
    _a("LPSE-IN-0009", "Kebijakan keamanan informasi LPSE", INF, "Dokumen", "kepala", "Situs LPSE",
       cia=(1, 2, 1), label="publik"),
    # Services
    _a("LPSE-SV-0001", "Internet Telkom Astinet 100 Mbps", SV, "Koneksi internet", "kepala", NET,
       supplier="PT Telkom Indonesia (Persero) Tbk", bought=2 * Y, cost=96_000_000, cia=(1, 2, 3),
       notes="Kontrak tahunan; SLA 99,5 %. Helpdesk korporat 1500-250."),
    _a("LPSE-SV-0002", "Internet cadangan fiber 50 Mbps", SV, "Koneksi internet", "kepala", NET,
       supplier="PT Jaringan Timor Nusantara", bought=Y - 100, cost=18_000_000, cia=(1, 1, 2)),
    _a("LPSE-SV-0003", "Kolokasi server di Data Center Diskominfo", SV, "Hosting", "kepala", DC,
       supplier=KOMINFO, bought=4 * Y, cost=0, cia=(2, 3, 3),
       notes="Perjanjian kerja sama; UPS dan genset DC."),
    _a("LPSE-SV-0004", "Layanan SPSE (lpse.nttprov.go.id)", SV, "SPSE", "kepala", DC, supplier=LKPP,
       cia=(2, 3, 3)),
    _a("LPSE-SV-0005", "E-mail dinas (mail.nttprov.go.id)", SV, "E-mail", "kepala", DC, supplier=KOMINFO,
       cia=(2, 2, 2)),
    # Facilities
    _a("LPSE-FC-0001", "Ruang server LPSE", FC, "Ruang server", "kepala", SRV, cia=(2, 2, 3),
       notes="Akses kartu; APAR CO2; detektor asap."),
    _a("LPSE-FC-0002", "Ruang pemasukan penawaran (12 PC)", FC, "Ruang pemasukan penawaran", "kepala", BID,
       cia=(1, 2, 3)),
    _a("LPSE-FC-0003", "Ruang pelatihan (30 kursi)", FC, "Ruang pelatihan", "kepala", TRAIN, cia=(1, 1, 2)),
    _a("LPSE-FC-0004", "Ruang verifikasi", FC, "Ruang verifikasi", "kepala", VERIF, cia=(2, 2, 2)),
    _a("LPSE-FC-0005", "Ruang arsip", FC, "Ruang arsip", "kepala", "Ruang Arsip", cia=(3, 2, 1)),
    # People / roles
    _a("LPSE-SD-0001", "Admin Sistem (pengelola server dan SPSE)", PP, "Administrator", "kepala", SRV,
       cia=(3, 3, 3), notes="Satu orang; pendamping sedang disiapkan."),
    _a("LPSE-SD-0002", "Verifikator penyedia", PP, "Verifikator", "kepala", VERIF, cia=(2, 3, 2)),
    _a("LPSE-SD-0003", "Helpdesk / layanan pengguna", PP, "Helpdesk", "kepala", HELP, cia=(1, 2, 2)),
)
DEMO_TAGS = tuple(a["tag"] for a in DEMO_ASSETS)
# Lent out and given back: (days ago lent, days ago returned or None, to whom, note).
LOANS = (
    (300, 290, "pokja", "Rapat evaluasi tender jalan provinsi di Ende."),
    (150, 143, "ppk", "Klarifikasi teknis di Dinas PUPR."),
    (40, 33, "pokja", "Pembuktian kualifikasi di Labuan Bajo."),
    (6, None, "ppk", "Rapat persiapan tender di Kabupaten Kupang."),
)


def demo_assets(now: datetime, staff: dict) -> dict[str, Asset]:
    """The demo office's register ({tag: asset}), once. `staff` maps the demo keys
    (aset, admin, kepala ...) to their users."""
    found = {a.tag: a for a in db.session.scalars(select(Asset).where(Asset.tag.in_(DEMO_TAGS)))}
    if found:
        return found
    today = load_calendar().local_day(now)
    manager = staff["aset"]
    made = {}
    with acting_as(manager.email):
        for spec in sorted(DEMO_ASSETS, key=lambda s: -min(s.get("bought", REGISTER_STARTED),
                                                            REGISTER_STARTED)):
            made[spec["tag"]] = _demo_asset(spec, today, staff)
        _demo_stocktakes(made, today, staff)
        _demo_assignments(made, today, staff)
    return made


def _demo_asset(spec: dict, today: date, staff: dict) -> Asset:
    entered = min(spec.get("bought", REGISTER_STARTED), REGISTER_STARTED)
    moment = office_moment(today, entered, hour=9)
    on = lambda days: None if days is None else today + timedelta(days=days)  # noqa: E731
    with replaying(moment):
        asset = services.create_asset(
            load_calendar().local_day(moment), tag=spec["tag"], name=spec["name"],
            asset_class=spec["asset_class"], category=spec["category"], owner_id=staff[spec["owner"]].id,
            location=spec["location"], status=spec.get("status", "in_use"), serial=spec.get("serial"),
            supplier=spec.get("supplier", ""), notes=spec.get("notes", ""),
            purchased_on=on(-spec["bought"]) if "bought" in spec else None,
            purchase_cost=spec.get("cost"),
            warranty_ends=on(spec["term"] * Y - spec["bought"]) if "term" in spec else None,
            end_of_life=on(spec.get("eol")), licence_seats=spec.get("seats"),
            licence_expires=on(spec.get("expires")))
    if "cia" in spec:  # agreed with the owner a fortnight after entry
        agreed = max(entered - 14, 1)
        with replaying(office_moment(today, agreed, hour=14)):
            services.classify(asset, *spec["cia"], spec.get("label"),
                              agreed_on=load_calendar().local_day(office_moment(today, agreed)))
    return asset


def _demo_stocktakes(made: dict, today: date, staff: dict) -> None:
    """Last year's stock opname of everything then in the register, and this year's of
    everything but the few marked overdue (their next one fell due three weeks ago)."""
    by = staff["aset"].id
    for days_ago in (FIRST_STOCKTAKE, SECOND_STOCKTAKE):
        moment = office_moment(today, days_ago, hour=13)
        day = load_calendar().local_day(moment)
        with replaying(moment):
            for spec in DEMO_ASSETS:
                asset = made[spec["tag"]]
                if asset.created_at > moment or asset.status == "retired":
                    continue
                if days_ago == SECOND_STOCKTAKE and spec.get("overdue"):
                    continue
                condition, note = "good", ""
                if spec["tag"] == "LPSE-HW-0014" and days_ago == SECOND_STOCKTAKE:
                    condition, note = "broken", "Baterai tidak mengisi; dikirim ke servis."
                elif spec["tag"] == "LPSE-HW-0033" and days_ago == SECOND_STOCKTAKE:
                    condition, note = "needs_repair", "Lampu redup, jam pakai 4.800."
                services.record_stocktake(asset, day, by, condition, location=spec["location"], note=note)
                if condition == "broken":
                    services.update_asset(asset, status="in_repair")


def _demo_assignments(made: dict, today: date, staff: dict) -> None:
    by = staff["aset"].id
    for spec in DEMO_ASSETS:
        if "holder" in spec:
            with replaying(office_moment(today, min(spec.get("bought", 400), 400) - 3, hour=11)):
                services.assign(made[spec["tag"]], staff[spec["holder"]].id, by, note="Serah terima (BAST).")
    laptop = made["LPSE-HW-0030"]
    for lent, returned, who, note in LOANS:
        with replaying(office_moment(today, lent, hour=8)):
            services.assign(laptop, staff[who].id, by, note=note)
        if returned is not None:
            with replaying(office_moment(today, returned, hour=15)):
                services.give_back(laptop, by, note="Kembali lengkap dengan tas dan pengisi daya.")


def remove_demo_assets() -> int:
    """For `seed-demo --reset`: the demo's assets go before the demo accounts that own
    them (their assignments and stocktakes go with them)."""
    ids = list(db.session.scalars(select(Asset.id).where(Asset.tag.in_(DEMO_TAGS))))
    if ids:
        db.session.execute(delete(AssetAssignment).where(AssetAssignment.asset_id.in_(ids)))
        db.session.execute(delete(Stocktake).where(Stocktake.asset_id.in_(ids)))
        for asset in db.session.scalars(select(Asset).where(Asset.id.in_(ids))):
            db.session.delete(asset)
        db.session.flush()
    return len(ids)
