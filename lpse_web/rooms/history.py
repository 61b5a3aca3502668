"""Believable room history for the demo office and for benchmarks: reservations on the
days the rooms open, never overlapping, with the mix of outcomes an office sees (mostly
used, some no-shows released, some cancelled or rejected; pending and approved ahead).

Rows are bulk-inserted, like an import: they bypass the audit log, not the database's
overlap guard (the exclusion constraint or trigger checks every row)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.rooms import rules
from lpse_web.rooms.models import (
    APPROVED,
    BID_SUBMISSION,
    CANCELLED,
    COMPLETED,
    MEETING,
    REJECTED,
    RELEASED,
    REQUESTED,
    TRAINING,
    VERIFICATION,
    Reservation,
)

PURPOSE_OF_KIND = {"bidding": BID_SUBMISSION, "training": TRAINING, "verification": VERIFICATION,
                   "meeting": MEETING}
TITLES = {
    BID_SUBMISSION: ("Pemasukan penawaran: Pembangunan Jalan Ruas {n}",
                     "Pemasukan penawaran: Rehabilitasi Puskesmas {n}",
                     "Pembukaan penawaran: Pengadaan Alat Kesehatan Paket {n}",
                     "Evaluasi penawaran: Jasa Konsultansi Pengawasan {n}"),
    TRAINING: ("Pelatihan SPSE untuk Pokja Pemilihan angkatan {n}",
               "Pelatihan e-Katalog bagi PPK angkatan {n}",
               "Sosialisasi SPSE 4.5 bagi penyedia gelombang {n}"),
    VERIFICATION: ("Verifikasi dokumen penyedia kelompok {n}", "Verifikasi berkas pendaftaran {n}"),
    MEETING: ("Rapat koordinasi Pokja {n}", "Rapat evaluasi layanan LPSE {n}", "Reviu dokumen pemilihan {n}"),
}
REJECTIONS = ("Ruang dipakai untuk kegiatan pimpinan", "Jumlah peserta melebihi kapasitas ruang",
              "Surat permohonan belum dilampirkan")


@dataclass(frozen=True)
class RoomInfo:
    id: int
    kind: str
    seats: int
    rules: rules.RoomRules


def _status(rng: random.Random, start: datetime, end: datetime, now: datetime) -> str:
    if end <= now:
        return rng.choices((COMPLETED, RELEASED, CANCELLED, REJECTED), (80, 8, 7, 5))[0]
    if start <= now:
        return COMPLETED if rng.random() < 0.5 else APPROVED  # under way (checked in) or about to start
    return rng.choices((APPROVED, REQUESTED, CANCELLED, REJECTED), (65, 25, 6, 4))[0]


def _row(rng, room: RoomInfo, start, end, requester_id, approver_id, now, n) -> dict:
    purpose = PURPOSE_OF_KIND.get(room.kind, MEETING)
    status = _status(rng, start, end, now)
    decided = status not in (REQUESTED,) and not (status == CANCELLED and rng.random() < 0.5)
    approved = decided and status != REJECTED
    created = start - timedelta(days=rng.randrange(1, 15), hours=rng.randrange(0, 8))
    checked_in = start + timedelta(minutes=rng.randrange(0, 12)) if status == COMPLETED else None
    if status == COMPLETED and end > now:  # checked in and still going
        status = "checked_in"
    return {
        "room_id": room.id, "requester_id": requester_id, "series_id": None, "starts_at": start,
        "ends_at": end, "release_after": start + room.rules.grace, "purpose": purpose,
        "title": rng.choice(TITLES[purpose]).format(n=n),
        "attendees": rng.randrange(1, max(room.seats, 1) + 1),
        "note": "", "status": status, "created_at": min(created, now),
        "decided_at": created + timedelta(hours=2) if decided else None,
        "decided_by_id": approver_id if decided else None,
        "approved_at": created + timedelta(hours=2) if approved else None,
        "rejection_reason": rng.choice(REJECTIONS) if status == REJECTED else "",
        "checked_in_at": checked_in, "checked_in_by_id": requester_id if checked_in else None,
        "finished_at": (end if status == COMPLETED
                        else start + room.rules.grace if status == RELEASED else None),
        "cancelled_at": created + timedelta(days=1) if status == CANCELLED else None,
    }


def generate(calendar: ServiceCalendar, rooms: list[RoomInfo], *, first: date, last: date, now: datetime,
             requester_ids: list[int], approver_id: int | None, fill: float = 0.5, seed: int = 2026,
             batch: int = 5000) -> int:
    """Reservations from `first` to `last` filling about `fill` of each room's open hours.
    Returns the number of rows written."""
    rng, rows, written, n = random.Random(seed), [], 0, 0
    day = first
    while day <= last:
        for room in rooms:
            hours = rules.open_hours(calendar, room.rules, day)
            if hours is None:
                continue
            at = hours[0]
            while at < hours[1]:
                length = rules.GRID * rng.choice((4, 6, 8, 12, 16))  # 1 to 4 hours
                gap = rules.GRID * rng.choice((0, 2, 4, 8))
                at += gap
                end = at + length
                if end > hours[1]:
                    break
                if rng.random() < fill:
                    n += 1
                    rows.append(_row(rng, room, at, end, rng.choice(requester_ids), approver_id, now, n))
                at = end
        if len(rows) >= batch:
            written += _flush(rows)
        day += timedelta(days=1)
    return written + _flush(rows)


def _flush(rows: list[dict]) -> int:
    if not rows:
        return 0
    db.session.execute(insert(Reservation), rows)
    count = len(rows)
    rows.clear()
    return count
