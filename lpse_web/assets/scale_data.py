"""The scale data set's asset register (`flask seed-scale`, step "assets"), with no
request: bulk-inserted, like an import, not in the audit log, deterministic for a seed,
and a second run adds only the assets whose tags are missing."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select

from lpse_web.assets.models import Asset, AssetAssignment, Stocktake
from lpse_web.assets.sample_data import (
    BATCH,
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
    SCALE_TAG,
    SEC,
    SV,
    SW,
    Y,
)
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar

CLASS_CODES = {HW: "HW", SW: "SW", LC: "LC", INF: "IN", SV: "SV", FC: "FC", PP: "SD"}
CLASS_WEIGHTS = ((HW, 55), (SW, 10), (LC, 8), (INF, 12), (SV, 5), (FC, 5), (PP, 5))
KINDS = {  # category: (names, lowest and highest cost in millions of Rupiah)
    HW: (("Server", ("Dell PowerEdge R750", "Dell PowerEdge R540", "HPE ProLiant DL380"), (90, 240)),
         ("PC / laptop", ("Lenovo ThinkCentre M70t", "HP ProDesk 400 G7", "Lenovo ThinkPad T14",
                          "Acer TravelMate P2"), (9, 25)),
         ("Perangkat jaringan", ("Cisco Catalyst 9200L", "HPE Aruba 2530", "MikroTik CCR2004",
                                 "Ubiquiti UniFi U6 Pro"), (3, 60)),
         ("UPS", ("APC Smart-UPS SRT 3000VA", "APC Smart-UPS SMT1500", "APC Back-UPS BX1100"), (1, 35)),
         ("Printer / pemindai", ("HP LaserJet Pro M404dn", "Fujitsu fi-7160", "Epson L6270"), (3, 18)),
         ("CCTV", ("Kamera Hikvision DS-2CD", "NVR Hikvision DS-7616NI"), (1, 8))),
    SW: (("Sistem operasi", ("Ubuntu Server 22.04 LTS", "Windows Server 2022"), (0, 0)),
         ("Aplikasi", ("Aplikasi SPSE 4.5", "Microsoft Office 2021", "Aplikasi SIRUP"), (0, 0)),
         ("Antivirus", ("ESET PROTECT Entry",), (0, 0))),
    LC: (("Lisensi perangkat lunak", ("Lisensi Windows Server", "Lisensi antivirus", "Lisensi Office"),
          (2, 35)),
         ("Sertifikat SSL", ("Sertifikat SSL",), (1, 4)), ("Nama domain", ("Nama domain",), (0, 1))),
    INF: (("Basis data", ("Basis data SPSE", "Basis data kepegawaian"), (0, 0)),
          ("Cadangan (backup)", ("Cadangan harian", "Cadangan mingguan luring"), (0, 0)),
          ("Dokumen", ("Dokumen penyedia hasil pindaian", "SOP layanan", "Rekap paket tender"), (0, 0))),
    SV: (("Koneksi internet", ("Internet Astinet", "Internet cadangan"), (12, 120)),
         ("Hosting", ("Kolokasi data center",), (0, 60))),
    FC: (("Ruang server", ("Ruang server",), (0, 0)), ("Ruang pelatihan", ("Ruang pelatihan",), (0, 0))),
    PP: (("Verifikator", ("Verifikator",), (0, 0)), ("Administrator", ("Admin Sistem",), (0, 0))),
}
SCALE_LOCATIONS = ("Ruang Server", "Ruang Verifikasi", "Ruang Pemasukan Penawaran", "Ruang Pelatihan",
                   "Ruang Helpdesk", "Ruang Staf", "Gudang", "Data Center Diskominfo")
SCALE_SUPPLIERS = (DELL, PCS, NETS, POWER, SEC, KOMINFO, "PT Telkom Indonesia (Persero) Tbk")


def scale_tag(asset_class: str, number: int) -> str:
    return f"{SCALE_TAG}-{CLASS_CODES[asset_class]}-{number:05d}"


def scale_assets(*, count: int, seed: int, now: datetime, owner_ids: list[int],
                 custodian_ids: list[int], by_id: int | None, years: float = 1) -> dict[str, int]:
    """`count` assets SKL-<class>-00001 ..., their assignments (most PCs and laptops held
    by someone, some lent before) and stock opnames (one or two each, and with `years`
    over one a yearly one as far back as that history and the asset's entry go). Each
    asset is drawn from its own generator (seed and number), so it is the same whatever
    an earlier run wrote and whatever the count: only the numbers missing are drawn and
    inserted."""
    today = load_calendar().local_day(now)
    existing = {int(t.rsplit("-", 1)[1]) for t in db.session.scalars(
        select(Asset.tag).where(Asset.tag.like(f"{SCALE_TAG}-%")))}
    new = [_scale_asset(random.Random(f"asset-{seed}-{n}"), n, today, now, owner_ids, custodian_ids, by_id)
           for n in range(1, count + 1) if n not in existing]
    if years > 1:
        for row in new:
            _earlier_stocktakes(random.Random(f"asset-{seed}-{row['number']}-years"), row, today, years,
                                by_id)
    assets = [row["asset"] for row in new]
    for at in range(0, len(assets), BATCH):
        db.session.execute(insert(Asset.__table__), assets[at:at + BATCH])
    ids = dict(db.session.execute(select(Asset.tag, Asset.id).where(Asset.tag.like(f"{SCALE_TAG}-%"))).all())
    assignments = [dict(a, asset_id=ids[row["asset"]["tag"]]) for row in new for a in row["assignments"]]
    stocktakes = [dict(s, asset_id=ids[row["asset"]["tag"]]) for row in new for s in row["stocktakes"]]
    for table, rows in ((AssetAssignment, assignments), (Stocktake, stocktakes)):
        for at in range(0, len(rows), BATCH):
            db.session.execute(insert(table.__table__), rows[at:at + BATCH])
    return {"assets": len(assets), "assignments": len(assignments), "stocktakes": len(stocktakes)}


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _scale_asset(rng, number, today, now, owner_ids, custodian_ids, by_id) -> dict:
    cls = _weighted(rng, CLASS_WEIGHTS)
    category, names, (low, high) = rng.choice(KINDS[cls])
    name = f"{rng.choice(names)} #{number}"
    age = rng.randrange(20, 8 * Y)  # days since purchase (or since it entered the register)
    bought = today - timedelta(days=age)
    entered = max(bought, today - timedelta(days=3 * Y))
    created = datetime.combine(entered, time(rng.randrange(1, 9)), UTC)
    status, serial, warranty, end_of_life, seats, expires = "in_use", None, None, None, None, None
    physical = cls == HW
    if physical:
        serial = f"S{number:06d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(10)}"
        warranty = bought + timedelta(days=Y * rng.choice((1, 2, 3, 3, 3, 5)))
        if warranty < today - timedelta(days=60):
            warranty = None  # ended long ago, dealt with: cleared from the register
        end_of_life = bought + timedelta(days=Y * rng.choice((5, 6, 7)))
        if end_of_life < today and rng.random() < 0.9:
            status = "retired"
        else:
            status = _weighted(rng, (("in_use", 84), ("in_stock", 9), ("in_repair", 5), ("retired", 2)))
    elif rng.random() < 0.08:
        status = "retired"
    if cls == LC:
        seats = rng.choice((1, 1, 2, 5, 10, 25, 50))
        expires = today + timedelta(days=rng.randrange(-60, 2 * Y))
    classified = rng.random() < 0.85
    cia = [rng.choices((1, 2, 3), weights=(3, 4, 3))[0] for _ in range(3)] if classified else [None] * 3
    label = _weighted(rng, (("rahasia", 30), ("terbatas", 45), ("publik", 25))) if (
        classified and cls == INF) else None
    location = rng.choice(SCALE_LOCATIONS)
    stocktakes = []
    if rng.random() < 0.92:  # the others were never looked for: due a year after entry
        last = today - timedelta(days=rng.randrange(1, 430))
        for day in ([last - timedelta(days=Y)] if rng.random() < 0.4 else []) + [last]:
            condition = _weighted(rng, (("good", 90), ("needs_repair", 6), ("broken", 2), ("not_found", 2)))
            if day >= entered:
                stocktakes.append({"seen_on": day, "by_id": by_id, "location": location,
                                   "condition": condition, "note": "",
                                   "next_audit_on": day + timedelta(days=Y),
                                   "created_at": datetime.combine(day, time(6), UTC)})
    last = stocktakes[-1]["seen_on"] if stocktakes else None
    assignments, custodian = [], None
    if physical and category == "PC / laptop" and custodian_ids and status != "retired":
        start = created
        if rng.random() < 0.3:  # lent once before
            lent = start + timedelta(days=rng.randrange(1, 60))
            back = lent + timedelta(days=rng.randrange(1, 30))
            if back < now:
                assignments.append(_assignment(rng.choice(custodian_ids), lent, by_id, back))
                start = back
        holder = rng.choice(custodian_ids)
        if rng.random() < 0.7 and start + timedelta(hours=2) < now:
            custodian = holder
            assignments.append(_assignment(holder, start + timedelta(hours=2), by_id, None))
    cost = None
    if high:
        cost = rng.randrange(low * 1000, high * 1000 + 1) * 1000  # whole thousands of Rupiah
    asset = {
        "tag": scale_tag(cls, number), "name": name, "asset_class": cls, "category": category,
        "owner_id": rng.choice(owner_ids) if owner_ids else None, "custodian_id": custodian,
        "location": location, "status": status, "serial": serial,
        "supplier": rng.choice(SCALE_SUPPLIERS) if cls in (HW, LC, SV) else "",
        "purchased_on": bought if cls in (HW, LC, SV) else None, "purchase_cost": cost,
        "warranty_ends": warranty, "end_of_life": end_of_life, "licence_seats": seats,
        "licence_expires": expires, "notes": "", "confidentiality": cia[0], "integrity": cia[1],
        "availability": cia[2], "label": label,
        "classified_on": entered + timedelta(days=14) if classified else None,
        "last_audited_on": last,
        "next_audit_on": (last or entered) + timedelta(days=Y), "created_at": created,
    }
    return {"number": number, "asset": asset, "assignments": assignments, "stocktakes": stocktakes,
            "entered": entered}


def _earlier_stocktakes(rng, row, today, years, by_id) -> None:
    """A stock opname a year before the earliest one, and so on, back to `years` before
    today (not before the asset entered the register): the yearly count a longer
    history holds. Drawn from a generator of their own, so one year's data set is
    unchanged; the latest opname, which sets the asset's due date, stays the latest."""
    kept = row["stocktakes"]
    if not kept:
        return
    oldest = today - timedelta(days=round(Y * years))
    day = kept[0]["seen_on"] - timedelta(days=Y)
    earlier = []
    while day >= max(oldest, row["entered"]):
        condition = _weighted(rng, (("good", 93), ("needs_repair", 5), ("broken", 1), ("not_found", 1)))
        earlier.append({**kept[0], "seen_on": day, "condition": condition,
                        "next_audit_on": day + timedelta(days=Y),
                        "created_at": datetime.combine(day, time(6), UTC)})
        day -= timedelta(days=Y)
    row["stocktakes"] = earlier[::-1] + kept


def _assignment(user_id, at, by_id, returned) -> dict:
    return {"user_id": user_id, "assigned_at": at, "assigned_by_id": by_id, "returned_at": returned,
            "returned_by_id": by_id if returned else None, "note": ""}
