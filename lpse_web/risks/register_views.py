"""The risk register's pages: the list (filters, active search, sorting, paging), a
risk's page, the export and the printable register. The forms that change a risk
(create, edit, treat, review, actions) are in risks/treatment_views.py, on the same
blueprint. READERS read, WRITERS change (risks/roles.py); no risk is deleted (it is
closed), no review is deleted."""

from flask import Blueprint, abort, current_app, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from lpse_web import clock
from lpse_web.assets.models import Asset
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.risks import charts, history, methodology, queries, services
from lpse_web.risks import models as _models  # noqa: F401 - the register tables
from lpse_web.risks.forms import ActionForm, owner_choices
from lpse_web.risks.labels import CATEGORY_LABELS, SCORE_REASON_LABELS, STATUS_LABELS, TREATMENT_LABELS
from lpse_web.risks.models import CLOSED, Risk
from lpse_web.risks.roles import READERS, WRITERS
from lpse_web.web.access import allow
from lpse_web.web.exports import csv_download, xlsx_stream_download
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render

bp = Blueprint("risks", __name__, url_prefix="/risiko")
AUDIT_READERS = (Role.ADMIN, Role.MANAGER)  # who may open the audit log (audit/views.py)


def has_view(endpoint: str) -> bool:
    """Whether a page of another module exists (links to pages built alongside this one)."""
    return endpoint in current_app.view_functions


def labels_context(**context) -> dict:
    return {"CATEGORY_LABELS": CATEGORY_LABELS, "STATUS_LABELS": STATUS_LABELS,
            "TREATMENT_LABELS": TREATMENT_LABELS, "has_view": has_view,
            "can_write": current_user.has_role(*WRITERS), **context}


def get_risk(risk_id: int) -> Risk:
    return db.get_or_404(Risk, risk_id)


@bp.route("/")
@allow(*READERS)
def index():
    today = queries.office_today()
    schemes = methodology.schemes()
    names = queries.level_names(schemes)
    filters = queries.Filters.from_args(request.args, names)
    page = paginate(queries.register_query(filters, today, schemes), request.args.get("hal"),
                    queries.PAGE_SIZE)
    asset = db.session.get(Asset, filters.aset) if filters.aset else None
    return render("risks/index.html", block="results", page=page, filters=filters, today=today,
                  levels=queries.Levels(schemes), level_names=names, owners=queries.staff_users(),
                  asset=asset, appetite=schemes[max(schemes)].appetite,
                  **labels_context())


def scale_label(labels: list[str], n: int) -> str:
    """"4 — Sering terjadi" (or the bare number when the scale no longer has it)."""
    return f"{n} — {labels[n - 1]}" if 1 <= n <= len(labels) else str(n)


def detail_context(risk: Risk, action_form: ActionForm | None = None) -> dict:
    """Everything a risk's page shows (also for its actions block after a change)."""
    today = queries.office_today()
    schemes = methodology.schemes()
    levels = queries.Levels(schemes)
    scheme, current = levels.scheme_of(risk), levels.current
    if action_form is None:
        action_form = ActionForm(formdata=None)
    action_form.owner.choices = owner_choices(queries.staff_users())
    scores = services.score_history(risk)
    reviews = services.reviews(risk)
    chart = charts.score_chart(scores, current.appetite,
                               max((s.max_score for s in schemes.values()), default=current.max_score),
                               clock.now())
    return labels_context(
        risk=risk, today=today, scheme=scheme, current=current, levels=levels,
        inherent_level=levels(risk, "inherent"), residual_level=levels(risk, "residual"),
        scale_label=scale_label, assets=risk.assets, actions=risk.actions, action_form=action_form,
        reviews=reviews, review_changes=history.review_changes(reviews), history=scores,
        history_levels={row.id: schemes.get(row.methodology_version, current) for row in scores},
        chart=chart, changes=history.change_history(risk), history_limit=history.HISTORY_LIMIT,
        reasons=SCORE_REASON_LABELS, review_overdue=services.is_review_overdue(risk, today),
        action_overdue=lambda a: services.is_action_overdue(a, today),
        can_read_audit=current_user.has_role(*AUDIT_READERS),
        above_appetite=risk.status != CLOSED and current.above_appetite(risk.residual_score),
    )


@bp.route("/<int:risk_id>")
@allow(*READERS)
def detail(risk_id):
    return render("risks/detail.html", block=None, **detail_context(get_risk(risk_id)))


@bp.route("/ekspor.<ext>")
@allow(*READERS)
def export(ext):
    if ext not in ("xlsx", "csv"):
        abort(404)
    today = queries.office_today()
    schemes = methodology.schemes()
    filters = queries.Filters.from_args(request.args, queries.level_names(schemes))
    rows = queries.export_rows(filters, today, queries.Levels(schemes))
    columns = [str(c) for c in queries.EXPORT_COLUMNS]
    filename = f"register-risiko-{today.isoformat()}.{ext}"
    if ext == "csv":
        return csv_download(columns, rows, filename)
    return xlsx_stream_download([(_("Register risiko"), columns, rows)],
                                _("per %(day)s", day=format_date(today, "d MMMM y")), filename)


@bp.route("/cetak")
@allow(*READERS)
def print_register():
    today = queries.office_today()
    levels = queries.Levels(methodology.schemes())
    return render("risks/print.html", groups=queries.print_groups(levels), today=today, levels=levels,
                  action_overdue=lambda a: services.is_action_overdue(a, today),
                  review_overdue=lambda r: services.is_review_overdue(r, today),
                  **labels_context())


from lpse_web.risks import treatment_views as _treatment_views  # noqa: E402, F401 - its routes, on bp
