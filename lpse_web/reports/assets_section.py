"""Section 4 of the quarterly report: the asset register.

- the assets that existed at the period's end (created before it), by class and by
  status. The status is the current one: the register keeps no status history apart
  from the audit log, so a past quarter shows today's statuses (the table says so);
- the changes in the period: assets added, handed out, returned, retired (audit log
  entries of an asset whose status became "retired"), classified, stocktakes recorded;
- items expiring (licence, warranty, end of life) in the period and in the 90 days
  after it, of the assets not retired;
- stocktake coverage: of the assets not retired at the end, how many were seen in a
  stocktake of the period, and how many never were.

Every part is one aggregate query (conditional sums, grouped counts, EXISTS), so the
query count does not grow with the register."""

from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select

from lpse_web.assets.labels import ALERT_LABELS, CLASS_LABELS, STATUS_LABELS
from lpse_web.assets.models import CLASSES, RETIRED, STATUSES, Asset, AssetAssignment, Stocktake
from lpse_web.audit.models import AuditEntry
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.reports.periods import ReportPeriod
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table

AHEAD_DAYS = 90  # expiring items: also those in the 90 days after the period
EXPIRING = (("licence", Asset.licence_expires), ("warranty", Asset.warranty_ends),
            ("end_of_life", Asset.end_of_life))


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def by_class_and_status(end: datetime) -> dict[tuple[str, str], int]:
    """{(class, status): n} of the assets created before `end` (one grouped query)."""
    rows = db.session.execute(select(Asset.asset_class, Asset.status, func.count())
                              .where(Asset.created_at < end).group_by(Asset.asset_class, Asset.status))
    return {(cls, status): int(n) for cls, status, n in rows}


def changes(period: ReportPeriod, start: datetime, end: datetime) -> dict[str, int]:
    """What happened in the period, each a count (one query of scalar subqueries)."""
    def between(column):
        return and_(column >= start, column < end)

    def count(*where):
        return select(func.count()).where(*where).scalar_subquery()

    after, before = AuditEntry.after["status"].as_string(), AuditEntry.before["status"].as_string()
    retired = (select(func.count(func.distinct(AuditEntry.record_id)))
               .where(AuditEntry.table_name == Asset.__tablename__, AuditEntry.action == "update",
                      between(AuditEntry.at), after == RETIRED, before.is_not(None), before != RETIRED)
               .scalar_subquery())
    found = {
        "added": count(between(Asset.created_at)),
        "assigned": count(between(AssetAssignment.assigned_at)),
        "returned": count(between(AssetAssignment.returned_at)),
        "retired": retired,
        "classified": count(Asset.classified_on >= period.first, Asset.classified_on <= period.last),
        "stocktakes": count(Stocktake.seen_on >= period.first, Stocktake.seen_on <= period.last),
    }
    row = db.session.execute(select(*found.values())).one()
    return {key: int(n or 0) for key, n in zip(found, row, strict=True)}


def expiring(period: ReportPeriod, end: datetime) -> dict[str, tuple[int, int]]:
    """{kind: (in the period, in the AHEAD_DAYS after it)} of the assets not retired that
    existed at the end (one scan with conditional sums)."""
    ahead = period.last + timedelta(days=AHEAD_DAYS)
    sums = []
    for _kind, column in EXPIRING:
        sums += [_count(column.between(period.first, period.last)),
                 _count(and_(column > period.last, column <= ahead))]
    row = db.session.execute(select(*sums).where(Asset.status != RETIRED, Asset.created_at < end)).one()
    return {kind: (int(row[2 * n]), int(row[2 * n + 1])) for n, (kind, _column) in enumerate(EXPIRING)}


def coverage(period: ReportPeriod, end: datetime) -> dict[str, tuple[int, int, int]]:
    """{class: (assets not retired at the end, seen in a stocktake of the period, never
    seen in one up to its last day)} (one grouped query with EXISTS)."""
    seen = exists().where(Stocktake.asset_id == Asset.id, Stocktake.seen_on >= period.first,
                          Stocktake.seen_on <= period.last)
    ever = exists().where(Stocktake.asset_id == Asset.id, Stocktake.seen_on <= period.last)
    rows = db.session.execute(select(Asset.asset_class, func.count(), _count(seen), _count(~ever))
                              .where(Asset.status != RETIRED, Asset.created_at < end)
                              .group_by(Asset.asset_class))
    return {cls: (int(n), int(s), int(never)) for cls, n, s, never in rows}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _class_table(counts) -> Table:
    rows = [[str(CLASS_LABELS[cls]), *(counts.get((cls, s), 0) for s in STATUSES),
             sum(counts.get((cls, s), 0) for s in STATUSES)] for cls in CLASSES]
    rows.append([_("Jumlah"), *(sum(row[i] for row in rows) for i in range(1, len(STATUSES) + 2))])
    return Table("aset-kelas", _("Aset per kelas dan status pada akhir periode"),
                 [Column(_("Kelas"), "text"), *(Column(str(STATUS_LABELS[s])) for s in STATUSES),
                  Column(_("Jumlah"))], rows,
                 _("Aset yang tercatat sebelum akhir periode, dengan statusnya saat laporan dibuat: register "
                   "tidak menyimpan riwayat status selain log audit."))


CHANGE_LABELS = (("added", _l("Ditambahkan ke register")), ("assigned", _l("Diserahkan ke pemegang")),
                 ("returned", _l("Dikembalikan pemegang")), ("retired", _l("Dihapus / pensiun")),
                 ("classified", _l("Diklasifikasi")), ("stocktakes", _l("Stock opname dicatat")))


def _changes_table(found) -> Table:
    return Table("aset-perubahan", _("Perubahan dalam periode"),
                 [Column(_("Perubahan"), "text"), Column(_("Jumlah"))],
                 [[str(label), found[key]] for key, label in CHANGE_LABELS],
                 _("Dihapus / pensiun: aset yang statusnya diubah menjadi pensiun dalam periode (log audit); "
                   "diklasifikasi: tanggal klasifikasi terakhir yang disepakati dalam periode."))


def _expiring_table(found, period: ReportPeriod) -> Table:
    return Table("aset-berakhir", _("Lisensi, garansi, dan masa pakai yang berakhir"),
                 [Column(_("Jenis"), "text"), Column(_("Dalam periode")),
                  Column(_("%(days)s hari setelahnya", days=AHEAD_DAYS))],
                 [[str(ALERT_LABELS[kind]), *found[kind]] for kind, _column in EXPIRING],
                 _("Aset yang tidak dihapus / pensiun dan tercatat sebelum akhir periode; "
                   "%(days)s hari setelahnya: sampai %(day)s.", days=AHEAD_DAYS,
                   day=format_date(period.last + timedelta(days=AHEAD_DAYS), "d MMMM y")))


def _coverage_table(found) -> Table:
    rows = []
    for cls in CLASSES:
        n, seen, never = found.get(cls, (0, 0, 0))
        rows.append([str(CLASS_LABELS[cls]), n, seen, _share(seen, n), never])
    total = [sum(row[i] for row in rows) for i in (1, 2, 4)]
    rows.append([_("Jumlah"), total[0], total[1], _share(total[1], total[0]), total[2]])
    return Table("aset-stock-opname", _("Cakupan stock opname"),
                 [Column(_("Kelas"), "text"), Column(_("Aset aktif")),
                  Column(_("Di-stock opname dalam periode")), Column(_("Cakupan"), "pct"),
                  Column(_("Belum pernah di-stock opname"))], rows,
                 _("Aset aktif: tercatat sebelum akhir periode dan tidak dihapus / pensiun. Belum pernah: "
                   "tanpa stock opname sampai hari terakhir periode."))


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    start, end = period.bounds(calendar.zone)
    counts = by_class_and_status(end)
    found = changes(period, start, end)
    ending = expiring(period, end)
    covered = coverage(period, end)
    classes, coverage_table = _class_table(counts), _coverage_table(covered)
    expiring_table = _expiring_table(ending, period)
    active, seen = coverage_table.rows[-1][1], coverage_table.rows[-1][2]  # the totals row
    figures = [
        Figure(_("Aset pada akhir periode"), classes.rows[-1][-1], "int",
               _("%(n)s aktif (tidak dihapus / pensiun)", n=active)),
        Figure(_("Ditambahkan"), found["added"]),
        Figure(_("Dihapus / pensiun"), found["retired"]),
        Figure(_("Berakhir dalam periode"), sum(in_period for in_period, _ahead in ending.values()), "int",
               _("lisensi, garansi, akhir masa pakai")),
        Figure(_("Cakupan stock opname"), _share(seen, active), "pct",
               _("%(seen)s dari %(n)s aset aktif", seen=seen, n=active)),
    ]
    charts = [
        Chart("bars", _("Aset per kelas"), classes.key, [row[0] for row in classes.rows[:-1]],
              [Series(str(STATUS_LABELS[s]), [row[1 + i] for row in classes.rows[:-1]])
               for i, s in enumerate(STATUSES)]),
        Chart("bars", _("Lisensi, garansi, dan masa pakai yang berakhir"), expiring_table.key,
              [row[0] for row in expiring_table.rows],
              [Series(_("Dalam periode"), [row[1] for row in expiring_table.rows]),
               Series(_("%(days)s hari setelahnya", days=AHEAD_DAYS),
                      [row[2] for row in expiring_table.rows])]),
    ]
    tables = [classes, _changes_table(found), expiring_table, coverage_table]
    return Section("assets", _("4. Aset"), figures, charts, tables)
