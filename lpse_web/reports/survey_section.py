"""Section 3 of the quarterly report: the satisfaction survey (SKM, ../shared/SKM.md).

The answers counted are those about services received in the report's days
(`SurveyResponse.answered_on`), whatever survey period they were taken in: a quarter's
report stays a quarter's even when the office runs the survey per semester. The index
is the survey's own (`surveys/index.py`, exact Fractions) and every figure is rounded by
its `shown_*` helpers, so it reads as on the survey's report page. N, the people served,
comes from the counter's and the rooms' records; S is Krejcie & Morgan's sample for N.

Queries: the services, the sums per service, N (two), the suggestions by kind and
status, the trend by month; none grows with the answers."""

from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.reports.periods import ReportPeriod, quarter_of
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table
from lpse_web.surveys.index import Index, krejcie_morgan, shown, shown_ikm, shown_index
from lpse_web.surveys.messages import KIND_LABELS
from lpse_web.surveys.models import (
    ANSWERED,
    IN_PROGRESS,
    NEW,
    PENGADUAN,
    SARAN,
    SUGGESTION_KINDS,
    UNSUR_COUNT,
    SurveyFollowUp,
    SurveySuggestion,
)
from lpse_web.surveys.report import (
    combined,
    index_by_month,
    index_by_service_on_days,
    served_on_days,
    service_lines,
)
from lpse_web.surveys.unsur import CODES, NAMES

TREND_QUARTERS = 8


def _nrr(index: Index, n: int):
    return None if index.empty else shown(index.nrr[n], 2)


def _converted(index: Index):
    return None if index.empty else shown_index(index.converted)


def _number(value: int) -> str:
    return format_decimal(value, format="#,##0")


def suggestion_counts(period: ReportPeriod) -> dict[str, dict[str, int]]:
    """{kind: {status: count}} of the suggestions and complaints received in the period
    (the day of the service), by their current follow-up status (no row yet: new)."""
    status = func.coalesce(SurveyFollowUp.status, NEW)
    rows = db.session.execute(
        select(SurveySuggestion.kind, status, func.count()).select_from(SurveySuggestion)
        .outerjoin(SurveyFollowUp)
        .where(SurveySuggestion.answered_on >= period.first, SurveySuggestion.answered_on <= period.last)
        .group_by(SurveySuggestion.kind, status))
    counts = {kind: {s: 0 for s in (NEW, IN_PROGRESS, ANSWERED)} for kind in SUGGESTION_KINDS}
    for kind, state, n in rows:
        counts.setdefault(kind, {s: 0 for s in (NEW, IN_PROGRESS, ANSWERED)})[state] = int(n)
    return counts


def trend_quarters(period: ReportPeriod) -> list[tuple[ReportPeriod, Index]]:
    """IKM per calendar quarter for the TREND_QUARTERS quarters ending with the quarter
    that holds the period's last day, oldest first (one grouped query, by month)."""
    quarters = [quarter_of(period.last)]
    while len(quarters) < TREND_QUARTERS:
        quarters.insert(0, quarters[0].previous())
    by_month = index_by_month(quarters[0].first, quarters[-1].last)
    return [(q, combined(by_month[(m.first.year, m.first.month)] for m in q.months()
                         if (m.first.year, m.first.month) in by_month)) for q in quarters]


def _weakest(index: Index) -> tuple[str | None, str]:
    """The weakest unsur (all those tied) and its NRR; none when every unsur is equal."""
    if index.empty:
        return None, ""
    low = min(index.nrr)
    if low == max(index.nrr):
        return None, _("semua unsur bernilai sama (NRR %(nrr)s)", nrr=format_decimal(shown(low, 2)))
    codes = [CODES[n] for n in index.ranked() if index.nrr[n] == low]
    return ", ".join(f"{code} {NAMES[code]}" for code in codes), _("NRR %(nrr)s",
                                                                    nrr=format_decimal(shown(low, 2)))


def _figures(index: Index, served: int, counts) -> list[Figure]:
    sample = krejcie_morgan(served)
    enough = index.respondents >= sample
    grade_note = "" if index.empty else _("mutu %(grade)s, kinerja %(kinerja)s", grade=index.grade,
                                          kinerja=index.kinerja)
    weakest, weakest_note = _weakest(index)
    complaints, suggestions = counts[PENGADUAN], counts[SARAN]
    return [
        Figure(_("Responden"), index.respondents, "int",
               _("sampel minimal %(sample)s: cukup", sample=_number(sample)) if enough
               else _("sampel minimal %(sample)s: belum cukup", sample=_number(sample))),
        Figure(_("Sampel minimal (Krejcie & Morgan)"), sample, "int",
               _("dari %(served)s orang dilayani", served=_number(served))),
        Figure(_("IKM"), None if index.empty else shown_ikm(index.ikm), "dec4", _("nilai interval 1–4")),
        Figure(_("IKM unit pelayanan (IKM × 25)"), _converted(index), "dec2", grade_note),
        Figure(_("Mutu pelayanan"), index.grade, "text", index.kinerja or ""),
        Figure(_("Unsur terlemah"), weakest, "text", weakest_note),
        Figure(_("Pengaduan diterima"), sum(complaints.values()), "int",
               _("%(n)s dijawab", n=_number(complaints[ANSWERED]))),
        Figure(_("Saran diterima"), sum(suggestions.values()), "int",
               _("%(n)s dijawab", n=_number(suggestions[ANSWERED]))),
    ]


def _unsur_table(index: Index) -> Table:
    rows = [[CODES[n], str(NAMES[CODES[n]]), _nrr(index, n),
             None if index.empty else shown(index.weighted[n], 3)] for n in range(UNSUR_COUNT)]
    return Table("survei-unsur", _("Nilai rata-rata (NRR) per unsur"),
                 [Column(_("Kode"), "text"), Column(_("Unsur"), "text"), Column(_("NRR"), "dec2"),
                  Column(_("NRR tertimbang"), "dec3")], rows,
                 _("NRR = jumlah nilai unsur / jumlah responden; NRR tertimbang = NRR × 1/9; "
                   "IKM = jumlah NRR tertimbang."))


def _service_table(lines, index: Index, served: int) -> Table:
    rows = [[line.service.name, line.served, line.sample, line.index.respondents,
             _converted(line.index), line.index.grade] for line in lines]
    rows.append([_("Semua layanan"), served, krejcie_morgan(served), index.respondents,
                 _converted(index), index.grade])
    return Table("survei-layanan", _("Indeks per layanan"),
                 [Column(_("Layanan"), "text"), Column(_("Orang dilayani (N)"), "int"),
                  Column(_("Sampel minimal (S)"), "int"), Column(_("Responden"), "int"),
                  Column(_("IKM × 25"), "dec2"), Column(_("Mutu"), "text")], rows,
                 _("N: kunjungan loket yang selesai dan peminjaman ruang yang dipakai dalam periode; "
                   "S menurut tabel Krejcie & Morgan."))


def _suggestion_table(counts) -> Table:
    rows = [[str(KIND_LABELS[kind]), sum(c.values()), c[ANSWERED], c[IN_PROGRESS], c[NEW]]
            for kind, c in counts.items()]
    rows.append([_("Jumlah"), *(sum(row[i] for row in rows) for i in range(1, 5))])
    return Table("survei-saran", _("Pengaduan dan saran"),
                 [Column(_("Jenis"), "text"), Column(_("Diterima"), "int"), Column(_("Dijawab"), "int"),
                  Column(_("Diproses"), "int"), Column(_("Baru"), "int")], rows,
                 _("Diterima: disampaikan bersama kuesioner tentang layanan dalam periode; "
                   "status tindak lanjut saat laporan dibuat."))


def _trend_table(trend) -> Table:
    rows = [[q.name, index.respondents, _converted(index), index.grade] for q, index in trend]
    return Table("survei-tren", _("Tren IKM × 25 per triwulan"),
                 [Column(_("Triwulan"), "text"), Column(_("Responden"), "int"),
                  Column(_("IKM × 25"), "dec2"), Column(_("Mutu"), "text")], rows,
                 _("Jawaban menurut tanggal layanan yang diterima."))


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    by_service = index_by_service_on_days(period.first, period.last)
    served_by = served_on_days(period.first, period.last, calendar.zone)
    lines = service_lines(by_service, served_by)
    index = combined(by_service.values())
    served = sum(line.served for line in lines)
    counts = suggestion_counts(period)
    trend = trend_quarters(period)
    unsur = _unsur_table(index)
    trend_table = _trend_table(trend)
    charts = [
        Chart("bars", _("NRR per unsur"), unsur.key, list(CODES),
              [Series(_("NRR"), [row[2] for row in unsur.rows])]),
        Chart("lines", _("IKM × 25 per triwulan"), trend_table.key, [row[0] for row in trend_table.rows],
              [Series(_("IKM × 25"), [row[2] for row in trend_table.rows])]),
    ]
    tables = [unsur, _service_table(lines, index, served), _suggestion_table(counts), trend_table]
    notes = [_("Jawaban survei tentang layanan yang diterima dalam periode ini, dari periode survei "
               "mana pun; indeks dihitung menurut PermenPANRB 14/2017.")]
    return Section("survey", _("3. Kepuasan pengguna layanan (SKM)"), _figures(index, served, counts),
                   charts, tables, notes)

