"""Password policy: the regulation's rules (002_4c8a922e36bb6a70.txt III.3.6) reconciled
with NIST SP 800-63B / ASVS as RELIABILITY.md describes.

At least 12 characters (the regulation's 10 is a floor), at most 128, any Unicode;
upper and lower case, a digit and punctuation; not on the shipped blocklist nor built
from the user's own name, e-mail or the office's name, compared after normalising case,
leetspeak and trailing digits. Hashes are scrypt (Werkzeug)."""

import re
import unicodedata
from functools import cache
from importlib import resources

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
ALWAYS_REFUSED_WORDS = ("lpse", "spse", "lkpp", "pengadaan", "password", "katasandi")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"})


@cache
def blocklist() -> frozenset[str]:
    text = resources.files("lpse_web.auth").joinpath("data/password_blocklist.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _core(password: str) -> str:
    """Lower-case, undo leetspeak, drop the digits and punctuation people add at the ends."""
    text = unicodedata.normalize("NFKC", password).lower()
    text = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)  # "2024Pengadaan!!1" -> "pengadaan"
    return text.translate(_LEET)


def _personal_words(context: dict) -> set[str]:
    words = set(ALWAYS_REFUSED_WORDS)
    for key in ("name", "company", "office_name"):
        words.update(w for w in re.split(r"\W+", (context.get(key) or "").lower()) if len(w) >= 4)
    email = (context.get("email") or "").lower()
    if "@" in email:
        words.update(w for w in re.split(r"[\W_]+", email.split("@")[0]) if len(w) >= 4)
    return words


def password_problems(password: str, **context) -> list[str]:
    """Every rule the password breaks, as messages for the user (empty list: acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Kata sandi maksimal %(n)d karakter.", n=MAX_LENGTH))
    if not any(c.isupper() for c in password) or not any(c.islower() for c in password):
        problems.append(_("Kata sandi harus memuat huruf besar dan huruf kecil."))
    if not any(c.isdigit() for c in password):
        problems.append(_("Kata sandi harus memuat angka."))
    if not any(unicodedata.category(c).startswith(("P", "S")) or c == " " for c in password):
        problems.append(_("Kata sandi harus memuat tanda baca atau simbol."))
    if problems:
        return problems

    core = _core(password)
    squashed = re.sub(r"[\W\d_]+", "", core)
    if core in blocklist() or squashed in blocklist():
        problems.append(_("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."))
        return problems
    for word in _personal_words(context):
        if word.translate(_LEET) in squashed and len(squashed.replace(word, "")) < 6:
            problems.append(
                _("Kata sandi tidak boleh dibentuk dari nama, e-mail, nama kantor atau kata 'LPSE'.")
            )
            break
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
