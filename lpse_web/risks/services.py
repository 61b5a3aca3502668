"""The risk register's rules: identify, assess, treat, review and rescore risks, and
save new methodology versions. No request, no session, no flash: callers commit.

Every change of a risk's scores writes a `RiskScore` row (its history chart); every
change of any record is in the audit log (the `Audited` mixin). Reviews are recorded
with what they changed, and set the next review from the residual level's interval."""

import re
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defaultload, lazyload

from lpse_web.assets.models import Asset
from lpse_web.auth.models import User
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks.methodology import Scheme, problems, stored_current
from lpse_web.risks.models import (
    ACCEPT,
    ACCEPTED,
    CATEGORIES,
    CLOSED,
    CREATED,
    EDITED,
    RESCORED,
    REVIEWED,
    STATUSES,
    TREATMENTS,
    Methodology,
    Risk,
    RiskAction,
    RiskReview,
    RiskScore,
)

DESCRIPTIVE = ("title", "description", "category", "threat", "vulnerability", "owner_id",
               "existing_controls", "treatment", "treatment_plan")
ASSESSMENT = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
# Text columns (NOT NULL): a value left out of a form is empty text.
TEXT = ("title", "description", "threat", "vulnerability", "existing_controls", "treatment_plan")


def _text(key: str, value):
    if key in TEXT:
        return (value or "").strip()
    return value.strip() if isinstance(value, str) else value
# What a review records as changed.
REVIEWED_FIELDS = (*ASSESSMENT, "inherent_score", "residual_score", "status", "treatment", "next_review_on")


class DuplicateCodeError(Exception):
    def __init__(self, code: str):
        super().__init__(f"risk code {code!r} is taken")
        self.code = code


class RiskRuleError(Exception):
    """A change the rules refuse; `reason` says which rule (the views word it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normal_risk_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def suggest_code() -> str:
    """R-001, R-002 ...: one past the highest number used in a code of that form."""
    codes = db.session.scalars(select(Risk.code).where(Risk.code.like("R-%")))
    numbers = [int(m.group(1)) for c in codes if (m := re.fullmatch(r"R-(\d+)", c))]
    return f"R-{(max(numbers) + 1) if numbers else 1:03d}"


def code_taken(code: str, except_id: int | None = None) -> bool:
    query = select(Risk.id).where(Risk.code == normal_risk_code(code))
    if except_id:
        query = query.where(Risk.id != except_id)
    return db.session.scalar(query) is not None


def _check_status(status: str, treatment: str | None) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status}")
    if treatment is not None and treatment not in TREATMENTS:
        raise ValueError(f"unknown treatment {treatment}")
    if status == ACCEPTED and treatment != ACCEPT:
        raise RiskRuleError("accepted_needs_accept")


def _assess(risk: Risk, scheme: Scheme) -> None:
    """Score and level both assessments; controls and treatment only lower a risk, so the
    residual score never exceeds the inherent one."""
    for prefix in ("inherent", "residual"):
        likelihood, impact = getattr(risk, f"{prefix}_likelihood"), getattr(risk, f"{prefix}_impact")
        if not scheme.fits(likelihood, impact):
            raise RiskRuleError("outside_scale")
        score, rank = scheme.assess(likelihood, impact)
        setattr(risk, f"{prefix}_score", score)
        setattr(risk, f"{prefix}_level", rank)
    if risk.residual_score > risk.inherent_score:
        raise RiskRuleError("residual_above_inherent")
    risk.methodology_version = scheme.version


def _snapshot(risk: Risk, reason: str, at: datetime | None = None) -> RiskScore:
    row = RiskScore(risk_id=risk.id, reason=reason, at=at or utcnow(),
                    methodology_version=risk.methodology_version,
                    **{f"{p}_{k}": getattr(risk, f"{p}_{k}")
                       for p in ("inherent", "residual") for k in ("likelihood", "impact", "score", "level")})
    db.session.add(row)
    return row


def _assets(asset_ids) -> list[Asset]:
    ids = sorted({int(i) for i in asset_ids or ()})
    return list(db.session.scalars(select(Asset).where(Asset.id.in_(ids)))) if ids else []


def _flush_code(risk: Risk, change=None) -> None:
    """Flush (after making `change`) inside a savepoint: a taken code becomes
    DuplicateCodeError. begin_nested() flushes what is pending first, so the new or
    changed code must be set inside."""
    attempted = []
    try:
        with db.session.begin_nested():
            if change:
                change()
            attempted.append(risk.code)  # the rollback expires a changed risk's code
            db.session.flush()
    except IntegrityError as error:
        # Only a unique refusal: a check such as code_given names "code" too.
        if "unique" in str(error.orig).splitlines()[0].lower():
            raise DuplicateCodeError(attempted[0] if attempted else risk.code) from error
        raise


def create_risk(today: date, *, code: str, title: str, category: str, inherent_likelihood: int,
                inherent_impact: int, residual_likelihood: int | None = None,
                residual_impact: int | None = None, asset_ids=(), status: str = "open",
                **fields) -> Risk:
    """A new risk, scored under the methodology in force. Until treated, the residual
    assessment is the inherent one."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category}")
    unknown = set(fields) - set(DESCRIPTIVE)
    if unknown:
        raise TypeError(f"not settable: {sorted(unknown)}")
    scheme = stored_current()
    risk = Risk(code=normal_risk_code(code), title=title.strip(), category=category,
                inherent_likelihood=inherent_likelihood, inherent_impact=inherent_impact,
                residual_likelihood=residual_likelihood or inherent_likelihood,
                residual_impact=residual_impact or inherent_impact, status=status,
                description="", threat="", vulnerability="", existing_controls="", treatment_plan="")
    for key, value in fields.items():
        setattr(risk, key, _text(key, value))
    _check_status(status, risk.treatment)
    _assess(risk, scheme)
    risk.next_review_on = scheme.next_review(today, risk.residual_level)
    if status == CLOSED:
        risk.closed_on = today
    assets = _assets(asset_ids)

    def add():
        db.session.add(risk)
        risk.assets = assets

    _flush_code(risk, add)
    _snapshot(risk, CREATED)
    db.session.flush()
    return risk


def update_risk(risk: Risk, today: date, asset_ids=None, status: str | None = None, code: str | None = None,
                **fields) -> Risk:
    """Change a risk's description, treatment or assessment. A changed assessment is
    scored under the methodology in force (and moves the risk to it), and its next review
    follows the new residual level's interval."""
    unknown = set(fields) - set(DESCRIPTIVE) - set(ASSESSMENT)
    if unknown:
        raise TypeError(f"not settable: {sorted(unknown)}")
    scheme = stored_current()  # before any change: its query would autoflush a half-scored risk
    calendar = load_calendar()
    assets = _assets(asset_ids) if asset_ids is not None else None
    before = tuple(getattr(risk, k) for k in ASSESSMENT)
    for key, value in fields.items():
        setattr(risk, key, _text(key, value))
    if risk.treatment is None and not {"residual_likelihood", "residual_impact"} & fields.keys():
        # Untreated, the residual assessment is the inherent one: it follows an edit.
        risk.residual_likelihood, risk.residual_impact = risk.inherent_likelihood, risk.inherent_impact
    if status is not None:
        _set_status(risk, status, today)
    _check_status(risk.status, risk.treatment)
    if tuple(getattr(risk, k) for k in ASSESSMENT) != before:
        _assess(risk, scheme)
        # The review interval is the new level's, counted from the last review (or the
        # recording): treated down to Rendah, it is looked at again in 360 days, not 30.
        since = risk.last_reviewed_on or calendar.local_day(risk.created_at)
        risk.next_review_on = scheme.next_review(since, risk.residual_level)
        _snapshot(risk, EDITED)
    if assets is not None:
        risk.assets = assets
    db.session.flush()
    if code is not None and normal_risk_code(code) != risk.code:
        _flush_code(risk, lambda: setattr(risk, "code", normal_risk_code(code)))
    return risk


def _set_status(risk: Risk, status: str, today: date) -> None:
    if status == CLOSED and risk.status != CLOSED:
        risk.closed_on = today
    elif status != CLOSED:
        risk.closed_on = None
    risk.status = status


def review(risk: Risk, today: date, reviewer_id: int | None, note: str = "",
           residual_likelihood: int | None = None, residual_impact: int | None = None,
           inherent_likelihood: int | None = None, inherent_impact: int | None = None,
           status: str | None = None, treatment: str | None = None) -> RiskReview:
    """A periodic review (Pasal 14 d): the risk manager looks again, records what they
    found, may change the assessment or status; the next review follows from the
    residual level's interval, counted from today."""
    scheme = stored_current()  # before any change: its query would autoflush a half-scored risk
    before = {k: getattr(risk, k) for k in REVIEWED_FIELDS}
    for key, value in (("residual_likelihood", residual_likelihood), ("residual_impact", residual_impact),
                       ("inherent_likelihood", inherent_likelihood), ("inherent_impact", inherent_impact),
                       ("treatment", treatment)):
        if value is not None:
            setattr(risk, key, value)
    if status is not None:
        _set_status(risk, status, today)
    _check_status(risk.status, risk.treatment)
    _assess(risk, scheme)
    risk.last_reviewed_on = today
    risk.next_review_on = scheme.next_review(today, risk.residual_level)
    after = {k: getattr(risk, k) for k in REVIEWED_FIELDS}
    changes = {k: [_plain(before[k]), _plain(after[k])] for k in REVIEWED_FIELDS if before[k] != after[k]}
    entry = RiskReview(risk_id=risk.id, reviewed_on=today, reviewer_id=reviewer_id, note=note.strip(),
                       changes=changes, next_review_on=risk.next_review_on)
    db.session.add(entry)
    _snapshot(risk, REVIEWED)
    db.session.flush()
    return entry


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def reviews(risk: Risk) -> list[RiskReview]:
    return list(db.session.scalars(select(RiskReview).where(RiskReview.risk_id == risk.id)
                                   .order_by(RiskReview.reviewed_on.desc(), RiskReview.id.desc())))


def score_history(risk: Risk) -> list[RiskScore]:
    return list(db.session.scalars(select(RiskScore).where(RiskScore.risk_id == risk.id)
                                   .order_by(RiskScore.at, RiskScore.id)))


def add_action(risk: Risk, title: str, owner_id: int | None, due_on: date, note: str = "") -> RiskAction:
    action = RiskAction(risk_id=risk.id, title=title.strip(), owner_id=owner_id, due_on=due_on,
                        note=note.strip())
    db.session.add(action)
    db.session.flush()
    return action


def complete_action(action: RiskAction, done_on: date | None) -> RiskAction:
    """Mark an action done on a day, or (None) open again."""
    action.done_on = done_on
    db.session.flush()
    return action


def is_review_overdue(risk: Risk, today: date) -> bool:
    return risk.status != CLOSED and risk.next_review_on < today


def is_action_overdue(action: RiskAction, today: date) -> bool:
    return action.done_on is None and action.due_on < today


def save_methodology(likelihood_labels, impact_labels, levels, appetite: int, note: str,
                     by_id: int | None) -> Methodology:
    """A new version (the old ones stay: risks scored under them still read them). Risks
    are not rescored here: that is `rescore`, a separate step the risk manager takes."""
    found = problems(likelihood_labels, impact_labels, levels, appetite)
    if found:
        raise RiskRuleError("; ".join(found))
    stored_current()
    version = db.session.scalar(select(func.max(Methodology.version))) + 1
    row = Methodology(version=version, likelihood_labels=[s.strip() for s in likelihood_labels],
                      impact_labels=[s.strip() for s in impact_labels],
                      levels=[{"name": b["name"].strip(), "min_score": int(b["min_score"]),
                               "colour": b["colour"], "review_days": int(b["review_days"])} for b in levels],
                      appetite=int(appetite), note=note.strip(), created_by_id=by_id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as error:  # another version was saved at the same instant
        raise RiskRuleError("concurrent_version") from error
    return row


def rescore(today: date, by_id: int | None) -> tuple[list[Risk], list[Risk]]:
    """Move every risk not closed and scored under an older version to the version in
    force: score and level recomputed, the next review re-derived from the last review
    (or creation), a history row each, and the version marked as rescored by whom.
    Risks whose likelihood or impact lie outside the new scales are not moved: they are
    returned to be assessed again by hand. Returns (moved, not moved)."""
    scheme = stored_current()
    calendar = load_calendar()  # read before any change: a query would autoflush half a rescoring
    moved, unfit = [], []
    candidates = list(db.session.scalars(select(Risk).where(Risk.status != CLOSED,
                                                            Risk.methodology_version != scheme.version)
                                         .order_by(Risk.code)))
    for risk in candidates:
        if not (scheme.fits(risk.inherent_likelihood, risk.inherent_impact)
                and scheme.fits(risk.residual_likelihood, risk.residual_impact)):
            unfit.append(risk)
            continue
        _assess(risk, scheme)
        # The office's day of the recording (07.30 WITA on the 2nd is still the 1st in UTC).
        since = risk.last_reviewed_on or calendar.local_day(risk.created_at)
        risk.next_review_on = scheme.next_review(since, risk.residual_level)
        _snapshot(risk, RESCORED)
        moved.append(risk)
    row = db.session.get(Methodology, scheme.version)
    row.rescored_at, row.rescored_by_id = utcnow(), by_id
    db.session.flush()
    return moved, unfit


def heat_map_counts(which: str, include_closed: bool = False,
                    category: str | None = None) -> dict[tuple[int, int], int]:
    """{(likelihood, impact): number of risks} for the inherent or residual assessment,
    one grouped query (of one category when given)."""
    likelihood = getattr(Risk, f"{which}_likelihood")
    impact = getattr(Risk, f"{which}_impact")
    query = select(likelihood, impact, func.count()).group_by(likelihood, impact)
    if not include_closed:
        query = query.where(Risk.status != CLOSED)
    if category:
        query = query.where(Risk.category == category)
    return {(int(lk), int(im)): int(n) for lk, im, n in db.session.execute(query)}


def cell_query(which: str, likelihood: int, impact: int, include_closed: bool = False,
               category: str | None = None):
    query = select(Risk).where(getattr(Risk, f"{which}_likelihood") == likelihood,
                               getattr(Risk, f"{which}_impact") == impact).order_by(Risk.code)
    if not include_closed:
        query = query.where(Risk.status != CLOSED)
    if category:
        query = query.where(Risk.category == category)
    # A cell lists its risks, not their assets: loading those would load their owners
    # and the owners' roles, a number of queries that depends on the data.
    return query.options(lazyload(Risk.assets), defaultload(Risk.owner).lazyload(User.role_rows))
