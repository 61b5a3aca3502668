"""The heat map: likelihood x impact counts, inherent beside residual; a cell lists its risks.

`/risiko/peta?sisi=inherent&k=4&d=5` is the whole page with that cell's list under the
grids (no JavaScript needed); `/risiko/peta/sel?...` answers an htmx request with the
list alone (and a plain request with the whole page). Bad query args are ignored (no
cell chosen: no list), never a 500."""

from flask import Blueprint, current_app, request

from lpse_web.risks import heatmap
from lpse_web.risks.labels import CATEGORY_LABELS, STATUS_LABELS
from lpse_web.risks.methodology import current, schemes
from lpse_web.risks.models import CATEGORIES
from lpse_web.risks.roles import READERS
from lpse_web.risks.services import cell_query
from lpse_web.web.access import allow
from lpse_web.web.forms import clean_arg
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render, wants_fragment

bp = Blueprint("risk_heatmap", __name__, url_prefix="/risiko/peta")
PAGE_SIZE = 25


def _filters() -> tuple[str | None, bool, dict]:
    """(category or None, include closed, the query args that keep them)."""
    category = clean_arg(request.args.get("kategori"), 20)
    category = category if category in CATEGORIES else None
    include_closed = request.args.get("tutup") == "1"
    args = {}
    if category:
        args["kategori"] = category
    if include_closed:
        args["tutup"] = "1"
    return category, include_closed, args


def _small_int(name: str) -> int | None:
    value = clean_arg(request.args.get(name), 3)
    return int(value) if value.isdigit() else None


def _chosen_cell(scheme) -> tuple[str, int, int] | None:
    """The cell named by sisi, k (kemungkinan) and d (dampak), if it is one of the grid's."""
    which = clean_arg(request.args.get("sisi"), 10)
    likelihood, impact = _small_int("k"), _small_int("d")
    if which not in heatmap.SIDES or likelihood is None or impact is None:
        return None
    if not scheme.fits(likelihood, impact):
        return None
    return which, likelihood, impact


def _page(chosen, scheme, category, include_closed, args, block=None):
    context = {"scheme": scheme, "category": category, "include_closed": include_closed,
               "filter_args": args, "CATEGORY_LABELS": CATEGORY_LABELS, "STATUS_LABELS": STATUS_LABELS,
               "chosen": chosen, "cell_page": None}
    if not (block and wants_fragment()):  # the list alone needs no grid
        grids = heatmap.heat_map(scheme, include_closed=include_closed, category=category, filters=args)
        context.update(grids=grids, totals=heatmap.level_totals(grids))
    if chosen is not None:
        which, likelihood, impact = chosen
        context.update(
            cell_page=paginate(cell_query(which, likelihood, impact, include_closed=include_closed,
                                          category=category), request.args.get("hal"), PAGE_SIZE),
            chosen_level=scheme.level_of(likelihood * impact), schemes=schemes(),
            has_detail="risks.detail" in current_app.view_functions)
    return render("risks/heatmap.html", block=block, **context)


@bp.route("/")
@allow(*READERS)
def index():
    scheme = current()
    category, include_closed, args = _filters()
    return _page(_chosen_cell(scheme), scheme, category, include_closed, args)


@bp.route("/sel")
@allow(*READERS)
def cell():
    scheme = current()
    category, include_closed, args = _filters()
    return _page(_chosen_cell(scheme), scheme, category, include_closed, args, block="cell_list")
