"""The English catalogue is complete: every message of messages.pot (`make messages`) has
an English translation, and each translation keeps its message's placeholders. Reads
the files only: no app, no database."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parent.parent.parent / "lpse_web" / "translations"
# A %-format conversion: %(name)d, %s, %05.1f, ... and the literal %%.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


def _read(path):
    with open(path, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def template():
    return _read(TRANSLATIONS / "messages.pot")


@pytest.fixture(scope="module")
def english():
    return _read(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")


def _messages(catalog):
    """Every message but the header (the entry with the empty msgid)."""
    return [m for m in catalog if m.id]


def _singular(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str) -> tuple[frozenset, tuple]:
    """What a %-format string takes: its named conversions as a set of "%(name)d" (one
    may be used twice), its positional ones in order ("%s", "%d"); %% is not one."""
    found = [m for m in PLACEHOLDER.finditer(text or "") if m["type"] != "%"]
    return (frozenset(f"%({m['name']})" + m["type"] for m in found if m["name"] is not None),
            tuple("%" + m["type"] for m in found if m["name"] is None))


def _show(placeholders: tuple[frozenset, tuple]) -> str:
    named, positional = placeholders
    return ", ".join([*sorted(named), *positional]) or "none"


def test_every_message_has_an_english_translation(template, english):
    missing = []
    for message in _messages(template):
        translated = english.get(message.id, message.context)
        if translated is None:
            missing.append(f"{_singular(message)!r} (not in the .po: run `make messages`)")
        elif not all(_strings(translated)):
            missing.append(repr(_singular(message)))
        elif translated.fuzzy:
            missing.append(f"{_singular(message)!r} (fuzzy)")
    assert not missing, (f"{len(missing)} message(s) of messages.pot have no English translation in "
                         "lpse_web/translations/en/LC_MESSAGES/messages.po:\n" + "\n".join(missing))


def _fits(found, expected, allowed, last_form: bool) -> bool:
    """The last (or only) form takes exactly the message's placeholders. An earlier plural
    form may leave a name out ("one place"), never bring one the message does not pass."""
    if last_form:
        return found == expected
    return found[0] <= allowed and found[1] == expected[1]


def test_translations_keep_the_placeholders_of_their_message(english):
    wrong = []
    for message in _messages(english):
        if "python-format" not in message.flags:
            continue  # not %-formatted: a "%" there is only a character
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = _placeholders(ids[-1])  # msgid_plural for a plural entry
        allowed = frozenset().union(*(_placeholders(i)[0] for i in ids))
        forms = _strings(message)
        for index, string in enumerate(forms):
            if string and not _fits(_placeholders(string), expected, allowed, index == len(forms) - 1):
                wrong.append(f"{_singular(message)!r}: expects {_show(expected)}, "
                             f"translation {string!r} has {_show(_placeholders(string))}")
    assert not wrong, "translations whose python-format placeholders differ from their msgid:\n" + \
        "\n".join(wrong)
