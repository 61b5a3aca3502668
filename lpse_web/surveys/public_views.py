"""The public results page: the latest published period's index (no login).

Figures are shown as the published SKM reports show them, in the visitor's locale
(Indonesian: comma decimal): IKM x 25 with two decimals and IKM with four, neither ever
reading as the next band (`index.shown_index`, `index.shown_ikm`), NRR per unsur with two."""

from decimal import Decimal

from flask import Blueprint
from flask_babel import format_decimal

from lpse_web.surveys import index, report, unsur
from lpse_web.surveys.periods import latest_published
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("survey_public", __name__)


def decimal_text(value: Decimal, places: int) -> str:
    return format_decimal(value, format="#,##0." + "0" * places)


@bp.route("/hasil-survei")
@allow(PUBLIC)
def results():
    period = latest_published()
    figures = None
    if period is not None:
        result = report.period_index(period.id)
        figures = {
            "respondents": result.respondents,
            "empty": result.empty,
            "ikm": decimal_text(index.shown_ikm(result.ikm), 4),
            "converted": decimal_text(index.shown_index(result.converted), 2),
            "grade": result.grade,
            "kinerja": result.kinerja,
            # (code, name, NRR shown, NRR for <meter value>, which wants a dot decimal)
            "unsur": [(code, str(name), decimal_text(index.shown(nrr, 2), 2), str(index.shown(nrr, 2)))
                      for (code, name, *_rest), nrr in zip(unsur.DEFAULTS, result.nrr, strict=True)],
        }
    return render("surveys/public_results.html", period=period, figures=figures, bands=bands())


def bands() -> list[tuple[str, str, str]]:
    """The grade table as the regulation prints it: (values, grade, kinerja), A first."""
    rows, upper = [], Decimal(100)
    for lower, grade, label in index.BANDS:
        low = Decimal(lower.numerator) / Decimal(lower.denominator)
        rows.append((f"{decimal_text(low, 2)} – {decimal_text(upper, 2)}", grade, str(label)))
        upper = low - Decimal("0.01")
    return rows
