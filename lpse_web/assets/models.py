"""The asset register (DOMAIN.md "Asset register"; 001_6ab587347c85cf9e.txt Pasal 13):
every asset of the office in one structure by class, its owner and custodian, its
security classification (confidentiality, integrity, availability agreed with the
owner), who holds it (assignment history) and when it was last seen (stocktakes).

Tags and serials are unique in the database, compared without case and spaces: they are
stored normalised (`classification.normal_code`), and an empty serial is NULL, which a
unique constraint lets repeat."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime, utcnow
from lpse_web.extensions import db

# Classes of DOMAIN.md / the issue, each with the categories a small office uses.
HARDWARE, SOFTWARE, LICENCE, INFORMATION, SERVICE, FACILITY, PEOPLE = (
    "hardware", "software", "licence", "information", "service", "facility", "people")
CLASSES = (HARDWARE, SOFTWARE, LICENCE, INFORMATION, SERVICE, FACILITY, PEOPLE)
IN_USE, IN_STOCK, IN_REPAIR, RETIRED = "in_use", "in_stock", "in_repair", "retired"
STATUSES = (IN_USE, IN_STOCK, IN_REPAIR, RETIRED)
# Information-security labels for information assets (Rahasia / Terbatas / Publik).
RAHASIA, TERBATAS, PUBLIK = "rahasia", "terbatas", "publik"
LABELS = (RAHASIA, TERBATAS, PUBLIK)
# What a stocktake found.
GOOD, NEEDS_REPAIR, BROKEN, NOT_FOUND = "good", "needs_repair", "broken", "not_found"
CONDITIONS = (GOOD, NEEDS_REPAIR, BROKEN, NOT_FOUND)
CIA_MIN, CIA_MAX = 1, 3  # each of C, I, A: 1 rendah, 2 sedang, 3 tinggi


def sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class AssetSettings(Audited, db.Model):
    """The register's settings: one row (id 1), read with defaults when absent."""

    __tablename__ = "asset_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),
                      CheckConstraint("alert_window_days BETWEEN 1 AND 365", name="window_range"),
                      CheckConstraint("audit_interval_days BETWEEN 7 AND 1095", name="interval_range"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    # Licences, warranties and end-of-life dates within this many days are alerts.
    alert_window_days: Mapped[int] = mapped_column(default=30)
    # A stocktake proposes the next one this many days later.
    audit_interval_days: Mapped[int] = mapped_column(default=365)


class Asset(Audited, db.Model):
    __tablename__ = "asset"
    __table_args__ = (
        CheckConstraint(f"asset_class IN ({sql_list(CLASSES)})", name="known_class"),
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="known_status"),
        CheckConstraint(f"label IS NULL OR label IN ({sql_list(LABELS)})", name="known_label"),
        CheckConstraint("tag <> ''", name="tag_given"),
        CheckConstraint("serial IS NULL OR serial <> ''", name="serial_null_when_empty"),
        # All three rated or none: the value is their sum (classification.asset_value).
        CheckConstraint(
            "(confidentiality IS NULL AND integrity IS NULL AND availability IS NULL) OR "
            # NULL BETWEEN .. is unknown, which a CHECK lets pass: say NOT NULL as well.
            "(confidentiality IS NOT NULL AND integrity IS NOT NULL AND availability IS NOT NULL AND "
            f"confidentiality BETWEEN {CIA_MIN} AND {CIA_MAX} AND integrity BETWEEN {CIA_MIN} "
            f"AND {CIA_MAX} AND availability BETWEEN {CIA_MIN} AND {CIA_MAX})", name="cia_range"),
        CheckConstraint("purchase_cost IS NULL OR purchase_cost >= 0", name="cost_not_negative"),
        CheckConstraint("licence_seats IS NULL OR licence_seats >= 0", name="seats_not_negative"),
        Index("ix_asset_class_status", "asset_class", "status"),
        Index("ix_asset_name", "name"),
        Index("ix_asset_next_audit", "next_audit_on"),
        Index("ix_asset_owner", "owner_id"),
        Index("ix_asset_custodian", "custodian_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), unique=True)  # nomor inventaris
    name: Mapped[str] = mapped_column(String(200))
    asset_class: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(80), default="")  # e.g. server, UPS, database
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    # The current holder; set and cleared by assignments (history in AssetAssignment).
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    location: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default=IN_USE)
    serial: Mapped[str | None] = mapped_column(String(80), unique=True)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    purchased_on: Mapped[date | None] = mapped_column(Date)
    purchase_cost: Mapped[int | None] = mapped_column(Numeric(15, 0))  # Rupiah, whole
    warranty_ends: Mapped[date | None] = mapped_column(Date)
    end_of_life: Mapped[date | None] = mapped_column(Date)
    licence_seats: Mapped[int | None]
    licence_expires: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Security classification, agreed with the owner (Pasal 13 c).
    confidentiality: Mapped[int | None] = mapped_column(SmallInteger)
    integrity: Mapped[int | None] = mapped_column(SmallInteger)
    availability: Mapped[int | None] = mapped_column(SmallInteger)
    label: Mapped[str | None] = mapped_column(String(20))
    classified_on: Mapped[date | None] = mapped_column(Date)  # agreed with the owner on
    # Stocktake: the last one's date and the next one due.
    last_audited_on: Mapped[date | None] = mapped_column(Date)
    next_audit_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    custodian = relationship("User", foreign_keys=[custodian_id], lazy="joined")

    @property
    def value(self) -> int | None:
        from lpse_web.assets.classification import asset_value

        return asset_value(self.confidentiality, self.integrity, self.availability)


class AssetAssignment(Audited, db.Model):
    """An asset handed to a staff member, and (once back) returned. An asset has at most
    one open assignment: a partial unique index, in both databases."""

    __tablename__ = "asset_assignment"
    __table_args__ = (
        Index("uq_asset_assignment_open", "asset_id", unique=True,
              sqlite_where=text("returned_at IS NULL"), postgresql_where=text("returned_at IS NULL")),
        CheckConstraint("returned_at IS NULL OR returned_at >= assigned_at", name="returned_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

    user = relationship("User", foreign_keys=[user_id], lazy="joined", innerjoin=True)


class Stocktake(Audited, db.Model):
    """One sighting of an asset in a stocktake (inventarisasi): where, in what state."""

    __tablename__ = "asset_stocktake"
    __table_args__ = (CheckConstraint(f"condition IN ({sql_list(CONDITIONS)})", name="known_condition"),
                      Index("ix_asset_stocktake_asset", "asset_id", "seen_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"))
    seen_on: Mapped[date] = mapped_column(Date)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(String(120), default="")
    condition: Mapped[str] = mapped_column(String(20), default=GOOD)
    note: Mapped[str] = mapped_column(String(300), default="")
    next_audit_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by = relationship("User", foreign_keys=[by_id], lazy="joined")


class AssetImport(db.Model):
    """An uploaded CSV/XLSX file being checked and imported in the background, so a page
    can show its progress. Not audited itself: the assets it creates are."""

    __tablename__ = "asset_import"
    __table_args__ = (CheckConstraint("state IN ('queued', 'checking', 'importing', 'done', 'failed')",
                                      name="known_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None]  # the file, dropped once the import has ended
    state: Mapped[str] = mapped_column(String(10), default="queued")
    total_rows: Mapped[int] = mapped_column(default=0)
    done_rows: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    # {"total": n, "items": [{"row": 3, "column": "Nomor aset", "value": ..., "message": ...}, ...]}
    errors: Mapped[dict | None] = mapped_column(db.JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # heartbeat while running
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
