"""Section 5 of the quarterly report: the risk register (issue 7). The heat maps and the
levels show the register as it stood at the period's end, not as it stands today: the
risks recorded before the end and not closed by then, each with its latest score history
row before the end, all read with the methodology in force (so two periods compare on
one scale). Then what happened in the period (new, closed, reviews, by category) and
what was overdue on its "as-of" day (its last day, or today for the current period).

A fixed number of queries however large the register: the methodology, one grouped
query for the standing at the end, two for the period's activity, one for the actions."""

from collections import Counter
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.reports.periods import ReportPeriod, day_name
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table
from lpse_web.risks import heatmap, queries
from lpse_web.risks.labels import CATEGORY_LABELS
from lpse_web.risks.methodology import Scheme, current
from lpse_web.risks.models import CATEGORIES, Risk, RiskReview

SIDES = ("inherent", "residual")


class Standing:
    """The register at the period's end, summed from the grouped rows."""

    def __init__(self, rows, scheme: Scheme):
        self.cells = {side: Counter() for side in SIDES}  # {(likelihood, impact): risks}
        self.levels = {side: Counter() for side in SIDES}  # {level rank: risks}
        self.by_category = Counter()
        self.above_appetite = self.reviews_overdue = 0
        for row in rows:
            for side in SIDES:
                likelihood, impact = getattr(row, side)
                self.cells[side][(likelihood, impact)] += row.risks
                # By score, so a risk outside the scales in force still has a level.
                self.levels[side][scheme.level_of(likelihood * impact).rank] += row.risks
            self.by_category[row.category] += row.risks
            self.reviews_overdue += row.reviews_overdue
            if scheme.above_appetite(row.residual[0] * row.residual[1]):
                self.above_appetite += row.risks

    @property
    def total(self) -> int:
        return sum(self.by_category.values())


def _activity(period: ReportPeriod, start: datetime, end: datetime) -> dict[str, Counter]:
    """{"new" | "closed" | "reviews": {category: count}} in the period. Two queries."""
    new = and_(Risk.created_at >= start, Risk.created_at < end)
    closed = Risk.closed_on.between(period.first, period.last)
    found = {"new": Counter(), "closed": Counter(), "reviews": Counter()}
    rows = db.session.execute(
        select(Risk.category, func.sum(case((new, 1), else_=0)), func.sum(case((closed, 1), else_=0)))
        .where(or_(new, closed)).group_by(Risk.category))
    for category, n_new, n_closed in rows:
        found["new"][category], found["closed"][category] = int(n_new or 0), int(n_closed or 0)
    rows = db.session.execute(
        select(Risk.category, func.count()).select_from(RiskReview).join(Risk, Risk.id == RiskReview.risk_id)
        .where(RiskReview.reviewed_on.between(period.first, period.last)).group_by(Risk.category))
    for category, n in rows:
        found["reviews"][category] = int(n)
    return found


def _side_title(side: str) -> str:
    return _("Peta risiko inheren") if side == "inherent" else _("Peta risiko residual")


def _grid_table(side: str, grid: heatmap.Grid) -> Table:
    scheme = grid.scheme
    columns = [Column(_("Kemungkinan \\ Dampak"), "text")]
    columns += [Column(f"{n} {label}") for n, label in enumerate(scheme.impact_labels, start=1)]
    rows = [[f"{row[0].likelihood} {scheme.likelihood_labels[row[0].likelihood - 1]}",
             *(cell.count for cell in row)] for row in grid.rows]
    note = _("Jumlah risiko per sel kemungkinan × dampak pada akhir periode: %(n)d.", n=grid.total)
    if grid.outside:
        note += " " + _("%(n)d risiko dinilai di luar skala metodologi yang berlaku dan tidak tampil "
                        "di peta.", n=grid.outside)
    key = "risiko-peta-inheren" if side == "inherent" else "risiko-peta-residual"
    return Table(key, _side_title(side), columns, rows, note)


def _level_table(standing: Standing, scheme: Scheme) -> Table:
    levels = list(reversed(scheme.levels))  # the highest first
    rows = [[level.name, f"{level.min_score}–{level.max_score}", standing.levels["inherent"][level.rank],
             standing.levels["residual"][level.rank]] for level in levels]
    return Table("risiko-tingkat", _("Risiko per tingkat pada akhir periode"),
                 [Column(_("Tingkat"), "text"), Column(_("Skor"), "text"), Column(_("Inheren")),
                  Column(_("Residual"))], rows,
                 _("Risiko yang terbuka pada akhir periode, menurut skor terakhirnya sebelum akhir periode "
                   "dan tingkat metodologi yang berlaku."))


def _category_table(standing: Standing, activity: dict[str, Counter]) -> Table:
    rows = [[str(CATEGORY_LABELS[c]), activity["new"][c], activity["closed"][c], standing.by_category[c],
             activity["reviews"][c]] for c in CATEGORIES]
    rows.append([_("Jumlah"), *(sum(row[i] for row in rows) for i in range(1, 5))])
    return Table("risiko-kategori", _("Risiko per kategori"),
                 [Column(_("Kategori"), "text"), Column(_("Baru")), Column(_("Ditutup")),
                  Column(_("Terbuka di akhir periode")), Column(_("Tinjauan dicatat"))], rows,
                 _("Baru: dicatat dalam periode. Ditutup: ditutup dalam periode. Tinjauan: tinjauan yang "
                   "dicatat dalam periode."))


def _overdue_table(standing: Standing, actions: int, as_of: date, today: date) -> Table:
    note = _("Risiko dan tindakan dari risiko yang terbuka pada akhir periode. Tindakan terlambat: jatuh "
             "tempo sebelum tanggal itu dan belum selesai pada tanggal itu.")
    if as_of < today:
        note += " " + _("Tinjauan terlambat dibaca dari jadwal tinjauan berikutnya yang tercatat sekarang, "
                        "jadi untuk periode yang telah lewat angkanya perkiraan.")
    return Table("risiko-terlambat", _("Keterlambatan per %(day)s", day=day_name(as_of)),
                 [Column(_("Keterlambatan"), "text"), Column(_("Jumlah")), Column(_("Per tanggal"), "date")],
                 [[_("Tinjauan risiko terlambat (risiko)"), standing.reviews_overdue, as_of],
                  [_("Tindakan penanganan terlambat (tindakan)"), actions, as_of]], note)


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    start, end = period.bounds(calendar.zone)
    today = calendar.local_day(now)
    as_of = min(period.last, today)
    scheme = current()
    standing = Standing(queries.standing_at(end, period.last, as_of), scheme)
    activity = _activity(period, start, end)
    actions = queries.overdue_actions_at(end, period.last, as_of)

    grids = {side: heatmap.build(side, scheme, counts=dict(standing.cells[side])) for side in SIDES}
    grid_tables = {side: _grid_table(side, grids[side]) for side in SIDES}
    levels = _level_table(standing, scheme)
    charts = [Chart("heatmap", _side_title(side), grid_tables[side].key, grid=grids[side]) for side in SIDES]
    charts.append(Chart("bars", _("Risiko per tingkat, inheren dan residual"), levels.key,
                        labels=[row[0] for row in levels.rows],
                        series=[Series(_("Inheren"), [row[2] for row in levels.rows]),
                                Series(_("Residual"), [row[3] for row in levels.rows])], unit=_("risiko")))
    figures = [
        Figure(_("Risiko terbuka di akhir periode"), standing.total),
        Figure(_("Di atas selera risiko"), standing.above_appetite,
               note=_("skor residual di atas %(n)d", n=scheme.appetite)),
        Figure(_("Risiko baru"), sum(activity["new"].values())),
        Figure(_("Risiko ditutup"), sum(activity["closed"].values())),
        Figure(_("Tinjauan terlambat"), standing.reviews_overdue, note=_("per %(day)s", day=day_name(as_of))),
        Figure(_("Tindakan terlambat"), actions, note=_("per %(day)s", day=day_name(as_of))),
    ]
    notes = [_("Peta risiko dan tingkat risiko menggambarkan register pada akhir periode: risiko yang "
               "dicatat sampai dengan %(last)s dan belum ditutup pada hari itu, dengan penilaian terakhirnya "
               "saat itu, dibaca dengan metodologi versi %(version)d yang berlaku (selera risiko: skor "
               "residual paling tinggi %(appetite)d).",
               last=day_name(period.last), version=scheme.version, appetite=scheme.appetite)]
    tables = [grid_tables["inherent"], grid_tables["residual"], levels, _category_table(standing, activity),
              _overdue_table(standing, actions, as_of, today)]
    return Section("risks", _("5. Risiko"), figures, charts, tables, notes)
