"""Account rules: creating and changing accounts, checking passwords, enrolling
two-factor. Plain functions: no request, no session, no flash."""

import re
import secrets

from sqlalchemy import func, select

from lpse_web.auth import totp
from lpse_web.auth.models import User, UserRole
from lpse_web.auth.passwords import hash_password, password_problems, verify_password
from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db

# A fixed hash to compare against when the e-mail is unknown, so that a login for an
# unknown account takes as long as one for a known account (no account enumeration).
_DUMMY_HASH = hash_password("dummy-Password-1!")


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the user."""


class EmailTakenError(AccountError):
    pass


class SamePasswordError(AccountError):
    pass


class LastAdministratorError(AccountError):
    pass


def normalise_npwp(value: str) -> str:
    return re.sub(r"[^0-9]", "", value or "")


def email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email.strip().lower())
    if except_id:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


def create_user(*, email: str, name: str, password: str, roles, office_name: str = "",
                must_change_password: bool = False, **fields) -> User:
    problems = password_problems(password, name=name, email=email, office_name=office_name,
                                 company=fields.get("company"))
    if problems:
        raise AccountError(" ".join(problems))
    password_hash = hash_password(password)  # before any query: see authenticate()
    if email_taken(email):
        raise EmailTakenError(email)
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=password_hash,
                must_change_password=must_change_password, password_changed_at=utcnow(), **fields)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def register_vendor(*, email, name, company, npwp, phone, password, office_name="") -> User:
    return create_user(email=email, name=name, password=password, roles=[Role.VENDOR],
                       office_name=office_name, company=company.strip(),
                       npwp=normalise_npwp(npwp), phone=phone.strip())


def authenticate(email: str, password: str) -> User | None:
    user = User.by_email(email or "")
    # End the read before the deliberately slow hash check: on SQLite a POST's transaction
    # holds the write lock, and ~0.1 s of scrypt under it would stall every other writer.
    stored_hash = user.password_hash if user is not None else _DUMMY_HASH
    active = user is not None and user.active
    db.session.rollback()
    if not verify_password(stored_hash, password or "") or not active:
        return None
    return user


def change_password(user: User, new_password: str, office_name: str = "") -> None:
    problems = password_problems(new_password, name=user.name, email=user.email,
                                 office_name=office_name, company=user.company)
    if problems:
        raise AccountError(" ".join(problems))
    if verify_password(user.password_hash, new_password):
        raise SamePasswordError()
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    user.rotate_session_token()  # every other session of this user ends here


def _active_admins_other_than(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).join(UserRole)
        .where(UserRole.role == Role.ADMIN.value, User.active, User.id != user.id))


def update_account(user: User, *, name: str, email: str, nip: str | None, phone: str | None,
                   active: bool, staff_roles) -> None:
    """An administrator's edit of an account. A vendor keeps its vendor role.

    Any change of roles or deactivation ends the account's sessions: a vendor given a
    staff role must sign in again, and so meets the two-factor enrolment staff need."""
    roles = {Role(r) for r in staff_roles} | ({Role.VENDOR} & user.roles)
    if not roles:
        raise AccountError("no roles")
    losing_admin = Role.ADMIN in user.roles and (Role.ADMIN not in roles or not active)
    if losing_admin and _active_admins_other_than(user) == 0:
        raise LastAdministratorError()
    sessions_end = roles != user.roles or (user.active and not active)
    user.name, user.email = name.strip(), email.strip().lower()
    user.nip, user.phone, user.active = nip, phone, active
    user.set_roles(roles)
    if sessions_end:
        user.rotate_session_token()


def temporary_password() -> str:
    """A random password that passes the policy, for an administrator's reset."""
    while True:
        candidate = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}Aa"
        if not password_problems(candidate):
            return candidate


def reset_password(user: User) -> str:
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = True
    user.rotate_session_token()
    return password


def reset_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = []
    user.rotate_session_token()


def pending_totp_secret(user: User) -> str:
    """The secret being enrolled: the same one until enrolment succeeds, so a QR code
    scanned before a time-out still works afterwards."""
    if not user.totp_pending_secret:
        user.totp_pending_secret = totp.new_secret()
        db.session.commit()
    return user.totp_pending_secret


def enable_two_factor(user: User, code: str) -> list[str] | None:
    """Finish enrolment if `code` matches the pending secret; returns the recovery codes."""
    secret = user.totp_pending_secret
    if not secret or totp.matching_step(secret, code) is None:
        return None
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, None
    if not totp.accept_code(user, code):
        return None
    user.totp_enabled_at = utcnow()
    return totp.new_recovery_codes(user)
