"""The evaluation of a period: the index, the per-respondent table, the printable laporan
SKM, and the XLSX / CSV exports (survey manager and manager).

Figures stay exact Fractions (surveys/index.py) until they are shown: NRR with two
decimals and NRR tertimbang with three (half up), IKM cut to four (the regulation's
interval table has four: 3,0644 is the first B), IKM x 25 with two, half up but never
over a band edge (`index.shown_index`: the figure shown sits in its grade's band), in the
user's locale (Indonesian: comma decimal). Exports carry numbers as numbers, NRR and
IKM rounded to four decimals. Every page's query count is constant in the responses."""

from dataclasses import dataclass
from fractions import Fraction

from flask import Blueprint, abort, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import report as reports
from lpse_web.surveys.catalogue import service_names
from lpse_web.surveys.index import Index, shown, shown_ikm, shown_index
from lpse_web.surveys.messages import FOLLOW_UP_LABELS, KIND_LABELS, PERIOD_STATUS_LABELS
from lpse_web.surveys.models import (
    CLOSED,
    NEW,
    OPEN,
    PAGI,
    SIANG,
    UNSUR_COUNT,
    SurveyFollowUp,
    SurveyPeriod,
    SurveySuggestion,
)
from lpse_web.surveys.periods import all_periods
from lpse_web.surveys.suggestions import status_counts
from lpse_web.surveys.unsur import CODES, NAMES
from lpse_web.web.access import allow
from lpse_web.web.exports import csv_download, xlsx_stream_download
from lpse_web.web.forms import clean_arg
from lpse_web.web.render import render

bp = Blueprint("survey_report", __name__, url_prefix="/survei/laporan")
READERS = (Role.SURVEY_MANAGER, Role.MANAGER)
PAGE_SIZE = 50  # the per-respondent table
PRINT_ROWS_MAX = 500  # larger periods print without the per-respondent table (it is in the XLSX)
CHART_PERIODS = 12  # the trend chart shows the latest ones; its table shows every period

PROFILE_TITLES = {"session": _l("Sesi"), "sex": _l("Jenis kelamin"), "age_band": _l("Umur"),
                  "education": _l("Pendidikan"), "occupation": _l("Pekerjaan"),
                  "service_key": _l("Jenis layanan")}
VALUE_LABELS = {
    "session": {PAGI: _l("Pagi (08.00–12.00)"), SIANG: _l("Siang (13.00–17.00)")},
    "sex": {"L": _l("Laki-laki"), "P": _l("Perempuan")},
    "age_band": {"<20": _l("Di bawah 20 tahun"), "20-29": _l("20–29 tahun"), "30-39": _l("30–39 tahun"),
                 "40-49": _l("40–49 tahun"), "50+": _l("50 tahun ke atas")},
    "education": {"D1-D4": "D1–D4"},
    "occupation": {"Swasta": _l("Swasta"), "Wirausaha": _l("Wirausaha"), "Lainnya": _l("Lainnya")},
}
SESSION_SHORT = {PAGI: _l("Pagi"), SIANG: _l("Siang")}


# --- numbers as shown (filters, so that imported macros have them too) -------------------

@bp.app_template_filter("skm_decimal")
def decimal_text(value: Fraction | None, places: int = 2) -> str:
    """An exact value rounded half up for display, in the user's locale: 3,25."""
    if value is None:
        return "—"
    return format_decimal(shown(value, places), format="#,##0." + "0" * places)


@bp.app_template_filter("skm_ikm")
def ikm_text(index: Index) -> str:
    """IKM (1-4) cut to four decimals, so it reads in the band of its grade: 3,0644."""
    if index.empty:
        return "—"
    return format_decimal(shown_ikm(index.ikm), format="#,##0.0000")


@bp.app_template_filter("skm_index")
def index_text(index: Index) -> str:
    """IKM x 25 as published: two decimals (index.shown_index)."""
    return "—" if index.empty else format_decimal(shown_index(index.converted), format="#,##0.00")


@bp.app_template_filter("skm_percent")
def percent_text(count: int, total: int) -> str:
    if not total:
        return "—"
    return format_decimal(shown(Fraction(100 * count, total), 1), format="#,##0.0") + "%"


@bp.app_template_filter("skm_count")
def count_text(count: int) -> str:
    return format_decimal(count, format="#,##0")


def _value_label(item: str, value: str, services: dict[str, str]) -> str:
    if item == "service_key":
        return services.get(value, value)
    return str(VALUE_LABELS.get(item, {}).get(value, value))


# --- what the pages share ----------------------------------------------------------------

def _period_arg(periods: list[SurveyPeriod]) -> SurveyPeriod | None:
    """?periode=<id>; unknown or bad: the open period, else the latest closed, else the latest."""
    by_id = {p.id: p for p in periods}
    try:
        wanted = by_id.get(int(request.args.get("periode", "")[:12]))
    except ValueError:
        wanted = None
    if wanted is not None:
        return wanted
    for status in (OPEN, CLOSED):
        found = next((p for p in periods if p.status == status), None)  # newest first
        if found is not None:
            return found
    return periods[0] if periods else None


def _period_or_404(period_id: int) -> SurveyPeriod:
    period = db.session.get(SurveyPeriod, period_id) if 0 < period_id < 2**31 else None
    if period is None:
        abort(404)
    return period


def _service_arg() -> str | None:
    return clean_arg(request.args.get("layanan"), 20) or None


@dataclass(frozen=True)
class UnsurLine:
    number: int  # 0..8
    code: str
    name: str
    total: int  # the sum of the scores
    nrr: Fraction
    weighted: Fraction


def unsur_lines(index: Index) -> list[UnsurLine]:
    return [UnsurLine(n, CODES[n], str(NAMES[CODES[n]]), index.sums[n], index.nrr[n], index.weighted[n])
            for n in range(UNSUR_COUNT)]


def _extremes(lines: list[UnsurLine], index: Index):
    """The weakest and the strongest unsur (all of those tied), or None when all are equal."""
    if index.empty:
        return None
    low, high = min(line.nrr for line in lines), max(line.nrr for line in lines)
    if low == high:
        return None
    return ([line for line in lines if line.nrr == low], [line for line in lines if line.nrr == high])


def _profile(report: reports.PeriodReport, services: dict[str, str]):
    """[(title, [(label, count)])] in the report's order; services by name."""
    items = []
    for item, rows in report.profile.items():
        labelled = [(_value_label(item, value, services), n) for value, n in rows]
        if item == "service_key":
            labelled.sort(key=lambda pair: pair[0].lower())
        items.append((str(PROFILE_TITLES[item]), labelled))
    return items


def _suggestions_url(period: SurveyPeriod) -> str | None:
    try:
        return url_for("survey_suggestions.index", periode=period.id)
    except BuildError:  # the follow-up page is not there (yet)
        return None


def period_suggestions(period_id: int, service_key: str | None = None) -> list[SurveySuggestion]:
    """Every suggestion of a period with its follow-up (one query), in date order."""
    query = select(SurveySuggestion).where(SurveySuggestion.period_id == period_id)
    if service_key:
        query = query.where(SurveySuggestion.service_key == service_key)
    return list(db.session.scalars(query.order_by(SurveySuggestion.answered_on, SurveySuggestion.id)))


def _report_context(report: reports.PeriodReport) -> dict:
    services = {line.service.key: line.service.name for line in report.lines}
    lines = unsur_lines(report.index)
    ranked = [lines[n] for n in report.index.ranked()]
    return {
        "period": report.period, "report": report, "index": report.index, "unsur": lines,
        "ranked": ranked, "extremes": _extremes(lines, report.index), "services": services,
        "profile": _profile(report, services), "follow_up_counts": status_counts(report.period.id),
        "chart": trend_chart(report.trend, report.period.id),
        "args": {"period_id": report.period.id, "layanan": report.service_key},
        # The statuses named as the survey manager's and the follow-up pages name them.
        "PERIOD_STATUS": PERIOD_STATUS_LABELS, "FOLLOW_UP": FOLLOW_UP_LABELS, "KINDS": KIND_LABELS,
        "SESSION_SHORT": SESSION_SHORT, "VALUE_LABELS": VALUE_LABELS,
    }


# --- the trend chart: server-drawn SVG (no script; CSS classes only) ---------------------

@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str  # IKM x 25 as shown
    name: str
    grade: str
    current: bool


def trend_chart(trend, current_id: int, width: int = 640, height: int = 260) -> dict | None:
    """The geometry of the IKM x 25 chart over the latest periods with answers, with the
    grade band lines at 65, 76.61 and 88.31. None when no period has answers."""
    points = [(period, index) for period, index in trend if not index.empty][-CHART_PERIODS:]
    if not points:
        return None
    rotate = len(points) > 5
    left, right, top, bottom = (70, 64, 14, 78) if rotate else (44, 64, 14, 34)
    values = [shown_index(index.converted) for _period, index in points]
    low = 50 if min(values) >= 55 else 25
    plot_h, plot_w = height - top - bottom, width - left - right

    def y_of(value) -> float:
        return round(top + (100 - float(value)) / (100 - low) * plot_h, 1)

    step = plot_w / len(points)
    marks = [ChartPoint(round(left + step * (n + 0.5), 1), y_of(value),
                        format_decimal(value, format="#,##0.00"), period.name, index.grade or "",
                        period.id == current_id)
             for n, ((period, index), value) in enumerate(zip(points, values, strict=True))]
    bands = []
    for grade, lower, upper in (("A", 88.31, 100), ("B", 76.61, 88.31), ("C", 65, 76.61), ("D", 25, 65)):
        lower = max(lower, low)
        if upper > lower:
            bands.append({"grade": grade, "y": y_of(upper), "height": round(y_of(lower) - y_of(upper), 1),
                          "label_y": round((y_of(upper) + y_of(lower)) / 2 + 4, 1)})
    lines = [{"y": y_of(v), "label": format_decimal(v, format="#,##0.00")}
             for v in (88.31, 76.61, 65) if v > low]
    ticks = [{"y": y_of(v), "label": str(v)} for v in range(low, 101, 25 if low == 25 else 10)]
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "bottom": height - bottom, "points": marks, "bands": bands, "lines": lines, "ticks": ticks,
            "rotate": rotate, "polyline": " ".join(f"{p.x},{p.y}" for p in marks),
            "partial": len(points) < sum(1 for _p, index in trend if not index.empty)}


# --- pages -------------------------------------------------------------------------------

@bp.route("/")
@allow(*READERS)
def index():
    periods = all_periods()
    period = _period_arg(periods)
    if period is None:
        return render("surveys/report.html", periods=periods, period=None)
    report = reports.period_report(period, _service_arg())
    return render("surveys/report.html", periods=periods, suggestions_url=_suggestions_url(period),
                  **_report_context(report))


@bp.route("/<int:period_id>/responden")
@allow(*READERS)
def respondents(period_id: int):
    period = _period_or_404(period_id)
    names = service_names()
    service_key = _service_arg()
    service_key = service_key if service_key in names else None
    page = reports.respondents(period.id, service_key, request.args.get("hal"), PAGE_SIZE)
    index = reports.period_index(period.id, service_key)
    return render("surveys/respondents.html", period=period, page=page, index=index, services=names,
                  service_key=service_key, unsur=unsur_lines(index),
                  first_number=(page.number - 1) * page.size,
                  SESSION_SHORT=SESSION_SHORT, VALUE_LABELS=VALUE_LABELS,
                  args={"period_id": period.id, "layanan": service_key})


@bp.route("/<int:period_id>/cetak")
@allow(*READERS)
def print_report(period_id: int):
    period = _period_or_404(period_id)
    report = reports.period_report(period, _service_arg())
    context = _report_context(report)
    rows = None
    if report.index.respondents <= PRINT_ROWS_MAX:
        rows = list(reports.all_respondents(period.id, report.service_key))
    suggestions = period_suggestions(period.id, report.service_key)
    if report.service_key:  # the counts of the suggestions listed, those of this service
        context["follow_up_counts"] = {status: 0 for status in context["follow_up_counts"]}
        for suggestion in suggestions:
            context["follow_up_counts"][suggestion.follow_up.status if suggestion.follow_up else NEW] += 1
    return render("surveys/print.html", rows=rows, rows_max=PRINT_ROWS_MAX, suggestions=suggestions,
                  **context)


# --- exports -------------------------------------------------------------------------------

def _number(value: Fraction, places: int = 4) -> float:
    return float(shown(value, places))


def _summary_rows(index: Index):
    rows = [[line.code, line.name, line.total, _number(line.nrr), _number(line.weighted)]
            for line in unsur_lines(index)]
    converted = None if index.empty else float(shown_index(index.converted))
    rows += [[None, _("Jumlah responden"), index.respondents, None, None],
             [None, _("IKM"), None, None, None if index.empty else _number(index.ikm)],
             [None, _("IKM × 25 (IKM unit pelayanan)"), None, None, converted],
             [None, _("Mutu pelayanan"), None, None, index.grade],
             [None, _("Kinerja unit pelayanan"), None, None, index.kinerja],
             [None, _("Bobot tiap unsur tepat 1/9; NRR dan IKM dibulatkan 4 desimal, IKM × 25 2 desimal "
                      "(dipotong bila pembulatan melewati batas mutu)."), None, None, None]]
    return rows


def _respondent_rows(period_id: int, service_key: str | None, index: Index, services: dict[str, str]):
    """Every response (streamed), then the period's sums from SQL, not from these rows."""
    for number, response in enumerate(reports.all_respondents(period_id, service_key), start=1):
        scores = response.scores
        yield [number, response.answered_on, str(SESSION_SHORT[response.session]),
               services.get(response.service_key, response.service_key), response.sex,
               _value_label("age_band", response.age_band, services), response.education,
               _value_label("occupation", response.occupation, services), *scores, sum(scores)]
    blank = [None] * 8
    yield [*blank[:-1], _("Σ nilai per unsur"), *index.sums, sum(index.sums)]
    yield [*blank[:-1], _("NRR per unsur"), *(_number(v) for v in index.nrr), None]
    yield [*blank[:-1], _("NRR tertimbang"), *(_number(v) for v in index.weighted),
           None if index.empty else _number(index.ikm)]
    yield [*blank[:-1], _("IKM × 25"), *([None] * UNSUR_COUNT),
           None if index.empty else float(shown_index(index.converted))]


def _suggestion_rows(period_id: int, service_key: str | None, services: dict[str, str]):
    for suggestion in period_suggestions(period_id, service_key):
        follow: SurveyFollowUp | None = suggestion.follow_up
        yield [suggestion.answered_on, services.get(suggestion.service_key, suggestion.service_key),
               str(KIND_LABELS.get(suggestion.kind, suggestion.kind)), suggestion.text,
               str(FOLLOW_UP_LABELS[follow.status if follow else NEW]), follow.reply if follow else ""]


def export_tables(report: reports.PeriodReport) -> dict:
    """key -> (title, columns, rows); rows of big tables are generators (queried when read)."""
    period, key, index = report.period, report.service_key, report.index
    services = {line.service.key: line.service.name for line in report.lines}
    profile = [[title, label, n, float(shown(Fraction(100 * n, index.respondents), 2)) if index.respondents
                else None] for title, rows in _profile(report, services) for label, n in rows]
    lines = [[line.service.name, line.served, line.sample, line.index.respondents,
              _("Ya") if line.enough else _("Tidak"),
              None if line.index.empty else _number(line.index.ikm),
              None if line.index.empty else float(shown_index(line.index.converted)), line.index.grade]
             for line in report.lines]
    lines.append([_("Jumlah"), report.served, report.sample, index.respondents,
                  _("Ya") if index.respondents >= report.sample else _("Tidak"),
                  None if index.empty else _number(index.ikm),
                  None if index.empty else float(shown_index(index.converted)), index.grade])
    return {
        "ringkasan": (_("Ringkasan"), [_("Kode"), _("Unsur"), _("Σ nilai"), _("NRR"), _("NRR tertimbang")],
                      _summary_rows(index)),
        "responden": (_("Responden"),
                      [_("No."), _("Tanggal"), _("Sesi"), _("Layanan"), _("Jenis kelamin"), _("Umur"),
                       _("Pendidikan"), _("Pekerjaan"), *CODES, _("Jumlah")],
                      _respondent_rows(period.id, key, index, services)),
        "profil": (_("Profil"), [_("Profil"), _("Nilai"), _("Jumlah"), _("Persen")], profile),
        "layanan": (_("Layanan"), [_("Layanan"), _("N (dilayani)"), _("S (sampel minimum)"), _("Responden"),
                                   _("Cukup"), _("IKM"), _("IKM × 25"), _("Mutu")], lines),
        "saran": (_("Saran"), [_("Tanggal"), _("Layanan"), _("Jenis"), _("Saran / pengaduan"),
                               _("Tindak lanjut"), _("Tanggapan")],
                  _suggestion_rows(period.id, key, services)),
    }


def _export(period_id: int, ext: str):
    period = _period_or_404(period_id)
    report = reports.period_report(period, _service_arg())
    tables = export_tables(report)
    stem = f"laporan-skm-{period.starts_on.isoformat()}-{period.ends_on.isoformat()}"
    if report.service_key:
        stem += f"-{report.service_key}"
    if ext == "xlsx":
        title = f"{period.name} ({period.starts_on.isoformat()} – {period.ends_on.isoformat()})"
        if report.service_name:
            title += f", {report.service_name}"
        return xlsx_stream_download(tables.values(), title, f"{stem}.xlsx")
    name = request.args.get("tabel", "")
    name = name if name in tables else next(iter(tables))
    _title, columns, rows = tables[name]
    return csv_download(columns, rows, f"{stem}.{name}.csv")


@bp.route("/<int:period_id>/unduh.xlsx")
@allow(*READERS)
def export_xlsx(period_id: int):
    return _export(period_id, "xlsx")


@bp.route("/<int:period_id>/unduh.csv")
@allow(*READERS)
def export_csv(period_id: int):
    return _export(period_id, "csv")
