"""Writes the audit log for every model that inherits `Audited`, from SQLAlchemy's
flush events: no view has to remember it, and CLI commands are logged too.

The rows are inserted in the same transaction as the change, so a change is never
stored without its log entry (and a rolled-back change leaves none)."""

from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from flask import has_request_context, request
from sqlalchemy import and_, event, inspect, select
from sqlalchemy.orm import Session

SECRET = "***"
# Who acts when it is not the signed-in user: CLI commands, workers, and the app's own
# housekeeping inside a request (marking no-shows). Set with `acting_as()`.
SYSTEM = "sistem"
_system_actor: ContextVar[str | None] = ContextVar("audit_actor", default=None)


class Audited:
    """Mixin: every create, update and delete of this model is logged.

    `__audit_secret__` names columns whose values are never written to the log.
    `__audit_collections__` maps a relationship to the attribute that names its members
    (e.g. a user's roles): changes to the collection are logged on this record, because
    rows removed from a collection (orphans, association rows) never reach session.deleted.
    Such relationships need active_history=True, so the old members are known."""

    __audit_secret__: tuple[str, ...] = ()
    __audit_collections__: dict[str, str] = {}


class acting_as:  # noqa: N801 - used as a context manager, reads like one
    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self._token = _system_actor.set(self.name)

    def __exit__(self, *exc):
        _system_actor.reset(self._token)


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _actor():
    acting = _system_actor.get()
    if acting is not None:
        return None, acting, request.remote_addr if has_request_context() else None
    if has_request_context():
        from flask_login import current_user

        user = current_user._get_current_object() if current_user else None
        address = request.remote_addr
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, user.email, address
        return None, "anonim", address
    return None, SYSTEM, None


def _values(obj, columns, secret, attr="current", old=None):
    state = inspect(obj)
    old = old or {}
    values = {}
    for column in columns:
        history = state.attrs[column].history
        if attr == "before":
            if column in old:
                value = old[column]
            else:
                value = history.deleted[0] if history.deleted else (
                    history.unchanged[0] if history.unchanged else None)
        else:
            value = history.added[0] if history.added else (
                history.unchanged[0] if history.unchanged else None)
        values[column] = SECRET if (column in secret and value is not None) else _plain(value)
    return values


def _collection_changes(obj, include_unchanged: bool):
    """{relationship: sorted member names} before and after, for changed collections."""
    state = inspect(obj)
    before, after = {}, {}
    for relation, label in obj.__audit_collections__.items():
        history = state.attrs[relation].history
        if not history.has_changes() and not include_unchanged:
            continue
        kept = [getattr(m, label) for m in history.unchanged or ()]
        before[relation] = sorted(kept + [getattr(m, label) for m in history.deleted or ()])
        after[relation] = sorted(kept + [getattr(m, label) for m in history.added or ()])
    return before, after


def _record_id(obj) -> str:
    # From the attribute values: a deleted object has lost its identity by after_flush.
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in identity)


@event.listens_for(Session, "before_flush")
def _remember_old_values(session: Session, flush_context, instances):
    """An attribute set after a commit (expired) has no old value in its history: read
    it from the row now, before the flush overwrites it."""
    remembered = session.info.setdefault("audit_old_values", {})
    for obj in session.dirty:
        if not isinstance(obj, Audited):
            continue
        state = inspect(obj)
        if state.key is None:
            continue
        mapper = state.mapper
        missing = [prop for prop in mapper.column_attrs
                   if state.attrs[prop.key].history.added and not state.attrs[prop.key].history.deleted]
        if not missing:
            continue
        condition = and_(*(col == value for col, value in zip(mapper.primary_key, state.identity,
                                                               strict=True)))
        row = session.connection().execute(
            select(*(prop.columns[0] for prop in missing)).where(condition)).first()
        if row is not None:
            remembered[id(obj)] = {prop.key: value for prop, value in zip(missing, row, strict=True)}


def _entries(session: Session):
    remembered = session.info.get("audit_old_values", {})
    for action, objects in (("create", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            mapper = inspect(obj).mapper
            columns = [c.key for c in mapper.column_attrs]
            secret = set(obj.__audit_secret__)
            if action == "update":
                state = inspect(obj)
                changed = [c for c in columns if state.attrs[c].history.has_changes()]
                members_before, members_after = _collection_changes(obj, include_unchanged=False)
                if not changed and not members_after:
                    continue
                before = {**_values(obj, changed, secret, "before", remembered.get(id(obj))),
                          **members_before}
                after = {**_values(obj, changed, secret), **members_after}
            elif action == "create":
                before = None
                after = {**_values(obj, columns, secret), **_collection_changes(obj, True)[1]}
            else:
                before, after = _values(obj, columns, secret, "before"), None
            yield action, mapper.persist_selectable.name, _record_id(obj), before, after


@event.listens_for(Session, "after_flush")
def _write_audit_log(session: Session, flush_context):
    # after_flush still sees the pre-flush history, and new rows have their keys.
    from lpse_web.audit.models import AuditEntry
    from lpse_web.database import utcnow

    rows = list(_entries(session))
    session.info.pop("audit_old_values", None)
    if not rows:
        return
    actor_id, actor_name, address = _actor()
    now = utcnow()
    session.connection().execute(
        AuditEntry.__table__.insert(),
        [
            {"at": now, "actor_id": actor_id, "actor_name": actor_name, "address": address,
             "action": action, "table_name": table, "record_id": record_id,
             "before": before, "after": after}
            for action, table, record_id, before, after in rows
        ],
    )
