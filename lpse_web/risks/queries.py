"""The risk register's reads for its pages: the list's filters, search and sorting as they
stand in the URL (every value whitelisted or cleaned: a bad query string is ignored, never
a 500), the export rows, the printable register and the asset picker (a risk's change
history is risks/history.py's).

The list is one COUNT and one page query however long the register: the owner is joined
(without their roles), the assets and actions are not loaded for the rows, and the level
of a row is read from the methodology versions loaded once per page (`methodology.schemes`).
The export adds two grouped queries (asset tags, open actions), not one per row."""

from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import aliased, defaultload, lazyload, selectinload

from lpse_web import clock
from lpse_web.assets.classification import normal_code
from lpse_web.assets.models import RETIRED, Asset
from lpse_web.auth.models import User, UserRole
from lpse_web.auth.roles import STAFF_ROLES, Role
from lpse_web.extensions import db
from lpse_web.office.services import get_office
from lpse_web.risks.alerts import above_appetite_condition, action_overdue_condition, review_overdue_condition
from lpse_web.risks.labels import CATEGORY_LABELS, STATUS_LABELS, TREATMENT_LABELS
from lpse_web.risks.methodology import Level, Scheme
from lpse_web.risks.models import CATEGORIES, CLOSED, STATUSES, Risk, RiskAction, RiskScore, risk_asset
from lpse_web.web.forms import clean_arg

PAGE_SIZE = 25
ASC, DESC = "naik", "turun"

# `urut` -> the column sorted on; anything else in the URL falls back to the code.
SORTS = {
    "kode": Risk.code,
    "judul": func.lower(Risk.title),
    "inheren": Risk.inherent_score,
    "residual": Risk.residual_score,
    "tinjauan": Risk.next_review_on,
}


def office_today() -> date:
    """Today in the office's zone (the office row is held for the request: no query)."""
    return clock.now().astimezone(ZoneInfo(get_office().timezone)).date()


def _flag(args, name: str) -> bool:
    return clean_arg(args.get(name), 5) in ("1", "ya", "on")


def _id_arg(args, name: str) -> int | None:
    value = clean_arg(args.get(name), 12)
    return int(value) if value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True)
class Filters:
    """The list's state as it stands in the URL (the argument names are Indonesian):
    `tinjauan` review overdue, `selera` above the risk appetite, `tindakan` an action
    overdue, `aset` the risks of one asset (linked from the asset's page)."""

    q: str = ""
    status: str = ""
    kategori: str = ""
    tingkat: str = ""  # a residual level's name (the same name across methodology versions)
    pemilik: int | None = None
    tinjauan: bool = False
    selera: bool = False
    tindakan: bool = False
    aset: int | None = None
    urut: str = "kode"
    arah: str = ASC

    @classmethod
    def from_args(cls, args, level_names=()) -> "Filters":
        def pick(name, allowed):
            value = clean_arg(args.get(name), 40)
            return value if value in allowed else ""

        sort = clean_arg(args.get("urut"), 10)
        return cls(
            q=clean_arg(args.get("q"), 100),
            status=pick("status", STATUSES),
            kategori=pick("kategori", CATEGORIES),
            tingkat=pick("tingkat", level_names),
            pemilik=_id_arg(args, "pemilik"),
            tinjauan=_flag(args, "tinjauan"),
            selera=_flag(args, "selera"),
            tindakan=_flag(args, "tindakan"),
            aset=_id_arg(args, "aset"),
            urut=sort if sort in SORTS else "kode",
            arah=DESC if clean_arg(args.get("arah"), 5) == DESC else ASC,
        )

    def args(self, **changes) -> dict:
        """The non-default values, for url_for: pager, sort and export links keep the state."""
        state = replace(self, **changes)
        default = Filters()
        found = {}
        for f in fields(self):
            value = getattr(state, f.name)
            if value != getattr(default, f.name):
                found[f.name] = 1 if value is True else value
        return found

    def sorted_by(self, key: str) -> dict:
        """A column header's link: sort by it, or reverse it if it is already the key."""
        direction = DESC if self.urut == key and self.arah == ASC else ASC
        return self.args(urut=key, arah=direction)

    @property
    def narrowed(self) -> bool:
        return any((self.q, self.status, self.kategori, self.tingkat, self.pemilik, self.tinjauan,
                    self.selera, self.tindakan, self.aset))


def level_names(schemes: dict[int, Scheme]) -> list[str]:
    """The level names to filter on: those of the version in force (lowest first), then
    any other name an older version used."""
    names = [level.name for level in schemes[max(schemes)].levels]
    for version in sorted(schemes, reverse=True):
        names += [level.name for level in schemes[version].levels if level.name not in names]
    return names


def _level_condition(name: str, schemes: dict[int, Scheme]):
    """Risks whose residual level is called `name` under the version they were scored with."""
    pairs = [and_(Risk.methodology_version == version, Risk.residual_level == level.rank)
             for version, scheme in schemes.items() for level in scheme.levels if level.name == name]
    return or_(*pairs) if pairs else false()


def _contains(column, needle: str):
    return func.lower(column).contains(needle, autoescape=True)


def filtered(filters: Filters, today: date, schemes: dict[int, Scheme]):
    """select(Risk) narrowed by the filters, not yet sorted. "Above the appetite" is read
    against the appetite in force, as on the home page's flags (risks/alerts.py)."""
    query = select(Risk)
    if filters.q:
        needle = filters.q.lower()
        query = query.where(or_(_contains(Risk.code, needle), _contains(Risk.title, needle),
                                _contains(Risk.threat, needle), _contains(Risk.vulnerability, needle)))
    if filters.status:
        query = query.where(Risk.status == filters.status)
    if filters.kategori:
        query = query.where(Risk.category == filters.kategori)
    if filters.tingkat:
        query = query.where(_level_condition(filters.tingkat, schemes))
    if filters.pemilik:
        query = query.where(Risk.owner_id == filters.pemilik)
    if filters.tinjauan:
        query = query.where(review_overdue_condition(today))
    if filters.selera:
        query = query.where(above_appetite_condition(schemes[max(schemes)].appetite))
    if filters.tindakan:
        query = query.where(action_overdue_condition(today))
    if filters.aset:
        linked = select(risk_asset.c.risk_id).where(risk_asset.c.asset_id == filters.aset)
        query = query.where(Risk.id.in_(linked))
    return query


def _lean(query):
    """The rows without what a list does not show: assets, and the owner's roles."""
    return query.options(lazyload(Risk.assets), defaultload(Risk.owner).lazyload(User.role_rows))


def register_query(filters: Filters, today: date, schemes: dict[int, Scheme]):
    column = SORTS[filters.urut]
    order = column.desc() if filters.arah == DESC else column.asc()
    return _lean(filtered(filters, today, schemes).order_by(order, Risk.code))


class Levels:
    """The level of a risk's inherent or residual assessment, read from the scheme of
    the version it was scored under (all versions loaded once)."""

    def __init__(self, schemes: dict[int, Scheme]):
        self.schemes = schemes
        self.current = schemes[max(schemes)]

    def scheme_of(self, risk) -> Scheme:
        return self.schemes.get(risk.methodology_version, self.current)

    def __call__(self, risk, which: str = "residual") -> Level:
        return self.scheme_of(risk).level(getattr(risk, f"{which}_level"))


def staff_users(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active LPSE staff who may own a risk or an action (not officials of
    other units, not vendors); an inactive owner already set (`include_id`) stays choosable
    so that editing does not silently drop them."""
    roles = [r.value for r in STAFF_ROLES - {Role.ROOM_USER}]
    condition = User.active & User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles)))
    if include_id:
        condition = condition | (User.id == include_id)
    rows = db.session.execute(select(User.id, User.name).where(condition).order_by(User.name, User.id))
    return [(row.id, row.name) for row in rows]


# --- the asset picker of the risk form ---------------------------------------------------

PICKER_LIMIT = 20
MAX_CHOSEN = 200


def chosen_ids(values) -> list[int]:
    """Asset ids from the form or query string: digits only, at most MAX_CHOSEN, no repeats."""
    found = []
    for value in values:
        value = (value or "").strip()
        if value.isdigit() and len(value) < 10 and int(value) not in found:
            found.append(int(value))
    return found[:MAX_CHOSEN]


def assets_by_id(ids) -> list[Asset]:
    if not ids:
        return []
    query = select(Asset).where(Asset.id.in_(list(ids))).order_by(Asset.tag)
    return list(db.session.scalars(query.options(lazyload(Asset.owner), lazyload(Asset.custodian))))


def search_assets(q: str, exclude=()) -> list[Asset]:
    """Assets in use or in store whose tag or name holds `q` (tags are stored normalised),
    the first PICKER_LIMIT by tag; the chosen ones (`exclude`) are listed apart."""
    q = clean_arg(q, 100)
    if not q:
        return []
    code = normal_code(q) or ""
    query = select(Asset).where(Asset.status != RETIRED,
                                or_(Asset.tag.contains(code, autoescape=True),
                                    _contains(Asset.name, q.lower())))
    if exclude:
        query = query.where(Asset.id.notin_(list(exclude)))
    query = query.order_by(Asset.tag).limit(PICKER_LIMIT)
    return list(db.session.scalars(query.options(lazyload(Asset.owner), lazyload(Asset.custodian))))


# --- export and print ----------------------------------------------------------------------

def asset_tags(risks_query) -> dict[int, list[str]]:
    """{risk id: its assets' tags} for the risks a select(Risk) picks, in one query."""
    ids = risks_query.with_only_columns(Risk.id).order_by(None)
    rows = db.session.execute(select(risk_asset.c.risk_id, Asset.tag)
                              .join(Asset, Asset.id == risk_asset.c.asset_id)
                              .where(risk_asset.c.risk_id.in_(ids)).order_by(Asset.tag))
    tags = defaultdict(list)
    for risk_id, tag in rows:
        tags[risk_id].append(tag)
    return tags


def open_action_counts(risks_query) -> dict[int, int]:
    ids = risks_query.with_only_columns(Risk.id).order_by(None)
    rows = db.session.execute(select(RiskAction.risk_id, func.count()).where(
        RiskAction.risk_id.in_(ids), RiskAction.done_on.is_(None)).group_by(RiskAction.risk_id))
    return {risk_id: int(n) for risk_id, n in rows}


EXPORT_COLUMNS = (
    _l("Kode"), _l("Judul"), _l("Kategori"), _l("Pemilik"), _l("Aset terdampak"), _l("Ancaman"),
    _l("Kerentanan"), _l("Kontrol yang ada"),
    _l("Kemungkinan inheren"), _l("Dampak inheren"), _l("Skor inheren"), _l("Tingkat inheren"),
    _l("Penanganan"), _l("Rencana penanganan"),
    _l("Kemungkinan residual"), _l("Dampak residual"), _l("Skor residual"), _l("Tingkat residual"),
    _l("Status"), _l("Tinjauan berikutnya"), _l("Tinjauan terlambat"), _l("Tindakan terbuka"),
)


def export_rows(filters: Filters, today: date, levels: Levels):
    """The export's rows: every risk the filters select, in the list's order, in three
    queries whatever their number."""
    ids = filtered(filters, today, levels.schemes)
    tags, open_actions = asset_tags(ids), open_action_counts(ids)
    for risk in db.session.scalars(register_query(filters, today, levels.schemes)):
        inherent, residual = levels(risk, "inherent"), levels(risk, "residual")
        yield (
            risk.code, risk.title, str(CATEGORY_LABELS[risk.category]), risk.owner.name if risk.owner else "",
            ", ".join(tags.get(risk.id, ())), risk.threat, risk.vulnerability, risk.existing_controls,
            risk.inherent_likelihood, risk.inherent_impact, risk.inherent_score, inherent.name,
            str(TREATMENT_LABELS[risk.treatment]) if risk.treatment else "", risk.treatment_plan,
            risk.residual_likelihood, risk.residual_impact, risk.residual_score, residual.name,
            str(STATUS_LABELS[risk.status]), risk.next_review_on.isoformat(),
            _("ya") if risk.status != CLOSED and risk.next_review_on < today else _("tidak"),
            open_actions.get(risk.id, 0),
        )


@dataclass
class PrintGroup:
    level: Level
    risks: list


def print_groups(levels: Levels) -> list[PrintGroup]:
    """Every risk not closed, grouped by its residual level's name, the highest level
    first and the highest score first within it; each with its actions (one query)."""
    query = (select(Risk).where(Risk.status != CLOSED)
             .order_by(Risk.residual_score.desc(), Risk.code)
             .options(selectinload(Risk.actions).defaultload(RiskAction.owner).lazyload(User.role_rows),
                      defaultload(Risk.owner).lazyload(User.role_rows)))
    groups: dict[str, PrintGroup] = {}
    for risk in db.session.scalars(query):
        level = levels(risk, "residual")
        group = groups.setdefault(level.name, PrintGroup(level, []))
        if level.rank > group.level.rank:
            group.level = level
        group.risks.append(risk)
    return sorted(groups.values(), key=lambda g: (-g.level.rank, -g.level.min_score))


# --- the register as it stood at an instant (the quarterly report) ------------------------

def open_at_condition(end: datetime, last_day: date):
    """Risks that existed at `end` and were not closed by then: recorded before it, and
    never closed or closed after `last_day` (the office's day before `end`)."""
    return and_(Risk.created_at < end, or_(Risk.closed_on.is_(None), Risk.closed_on > last_day))


@dataclass(frozen=True)
class Standing:
    """Risks open at an instant, of one category and with the same assessments then."""

    category: str
    inherent: tuple[int, int]  # (likelihood, impact)
    residual: tuple[int, int]
    risks: int
    reviews_overdue: int  # of them, whose next review (the current value) is before the day asked


def standing_at(end: datetime, last_day: date, review_day: date) -> list[Standing]:
    """The risks open at `end`, grouped by category and by both assessments as they stood
    then: each risk's latest score history row before `end` (its current assessment if it
    has none). One grouped query; the latest row is found per risk through the
    (risk_id, at) index, not by ranking the whole history."""
    earlier = aliased(RiskScore)
    latest_id = (select(earlier.id).where(earlier.risk_id == Risk.id, earlier.at < end)
                 .order_by(earlier.at.desc(), earlier.id.desc()).limit(1).correlate(Risk).scalar_subquery())
    picked = (select(Risk.id.label("risk_id"), latest_id.label("score_id"))
              .where(open_at_condition(end, last_day)).subquery())
    assessment = [func.coalesce(getattr(RiskScore, f"{side}_{axis}"), getattr(Risk, f"{side}_{axis}"))
                  for side in ("inherent", "residual") for axis in ("likelihood", "impact")]
    overdue = func.coalesce(func.sum(case((Risk.next_review_on < review_day, 1), else_=0)), 0)
    query = (select(Risk.category, *assessment, func.count(), overdue)
             .select_from(picked).join(Risk, Risk.id == picked.c.risk_id)
             .outerjoin(RiskScore, RiskScore.id == picked.c.score_id)
             .group_by(Risk.category, *assessment))
    return [Standing(category, (int(il), int(ii)), (int(rl), int(ri)), int(n), int(late))
            for category, il, ii, rl, ri, n, late in db.session.execute(query)]


def overdue_actions_at(end: datetime, last_day: date, day: date) -> int:
    """Treatment actions overdue on `day` of the risks open at `end`: due before it and
    not done by it (exact for a past day: an action keeps its due and done dates)."""
    return db.session.scalar(
        select(func.count()).select_from(RiskAction).join(Risk, Risk.id == RiskAction.risk_id)
        .where(open_at_condition(end, last_day), RiskAction.due_on < day,
               or_(RiskAction.done_on.is_(None), RiskAction.done_on > day)))
