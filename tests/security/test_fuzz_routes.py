"""Generated input to every route, for every role (issue 8, part 6): hypothesis draws
query parameters and form fields (the names the app reads and names it does not know)
with hostile values, and now and then garbage for the path's own arguments. The bar:
never a 5xx, and a refused submission (4xx, or a redirect carrying an error message)
changes no row of any table. test_bad_input.py holds the hand-written cases per form;
this covers the combinations nobody thought to write down."""

import hashlib
import re
from pathlib import Path

import pytest
import wtforms
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms.fields.core import UnboundField

import lpse_web
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.security.conftest import HOSTILE, post, routes, token_of, url_of

SOURCE = Path(lpse_web.__file__).parent
# Signing out ends the session the rest of the run needs; its form takes no input.
SKIP = {"auth.logout"}
WHO = ["anonymous", "owner", *sorted(Role)]
ERROR_FLASHES = {"error"}  # "warning" says a change was made in part
EXAMPLES = 2  # requests per route and role (some 190 routes: 4,000 requests a database)


def names_the_app_reads() -> list[str]:
    """Every request.args / request.form name in the source and every field of every
    WTForms form (the app is created first: every module with a form is imported)."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        names |= set(re.findall(r'request\.(?:args|form|values)\.get(?:list)?\(\s*"(\w+)"', path.read_text()))
    todo = [wtforms.Form]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names |= {n for n in dir(cls) if isinstance(getattr(cls, n, None), UnboundField)}
    return sorted(names - {"csrf_token"})


# Values people and scripts really send: numbers at and past every bound, dates that
# are not, hostile markup, NUL and control characters, long text, any Unicode text.
EDGES = ["", " ", "0", "-1", "1", "2147483648", "9" * 40, "1e309", "nan", "-0", "1.5", "0x10",
         "2026-02-30", "9999-12-31", "0001-01-01", "2026-01-01junk", "24:00", "08.00", "y", "on",
         "null", "[]", "{}", "' OR '1'='1", "../../etc/passwd", "\x00", "a\x00b", "\r\n", "%00",
         *HOSTILE, "x" * 10_000]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUE = st.one_of(st.sampled_from(EDGES), TEXT, st.integers().map(str))


def params(names: list[str]):
    """A dict of 0..5 fields: known names mostly, an unknown one now and then; a field may
    repeat (a list, as a multi-select sends)."""
    name = st.one_of(st.sampled_from(names), st.sampled_from(names), TEXT.filter(bool))
    return st.dictionaries(name, st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)), max_size=5)


def path_args(sample_args: dict):
    """The sample's real path arguments, or, one time in five, garbage in one of them."""
    garbage = st.sampled_from(["0", "-1", "999999999", "9" * 30, "abc", "%00", "..", "1.5", "x" * 300])
    return st.one_of(st.just(sample_args), st.tuples(st.sampled_from(sorted(sample_args)), garbage).map(
        lambda kv: {**sample_args, kv[0]: kv[1]}))


def fingerprint(app) -> str:
    """A digest of every row of every table (an update changes no row count)."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(table.name.encode() + repr([tuple(r) for r in rows]).encode())
    return digest.hexdigest()


def refused(client, response) -> bool:
    """A 4xx, or a redirect whose flash message is an error."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        with client.session_transaction() as session:
            return any(category in ERROR_FLASHES for category, _ in session.get("_flashes", []))
    return False


@pytest.fixture
def client_of(app, sample, signed_in, login):
    def client_for(who: str):
        if who == "anonymous":
            return app.test_client()
        if who == "owner":
            client = app.test_client()
            login(client, sample.owner)
            return client
        return signed_in(Role(who))[0]

    return client_for


def _request(client, method, url, fields, token):
    if method == "GET":
        return client.get(url, query_string=fields)
    with client.session_transaction() as session:  # redirects are not followed: drop the
        session.pop("_flashes", None)  # messages earlier requests left, to read this one's
    return post(client, url, token, data=fields)


@pytest.mark.parametrize("who", WHO)
def test_generated_input_to_every_route_is_never_a_server_error(app, sample, client_of, who):
    client = client_of(who)
    token = token_of(client)
    names = names_the_app_reads()
    targets = [(method, rule) for method in ("GET", "POST") for rule in routes(app, method)
               if rule.endpoint not in SKIP]
    args = sample.args()
    for method, rule in targets:
        check_route(app, client, token, who, method, rule, args, names)


def check_route(app, client, token, who, method, rule, args, names):
    """EXAMPLES generated requests to one route (its own small hypothesis run: one draw
    per request keeps each example far inside hypothesis's buffer). No shrinking: the
    failure message already names the route and the values."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(path=path_args(args) if rule.arguments else st.just({}), fields=params(names))
    def one_route(path, fields):
        url = url_of(rule, path) if rule.arguments else rule.rule
        before = fingerprint(app) if method == "POST" else None
        response = _request(client, method, url, fields, token)
        assert response.status_code < 500, f"{who}: {method} {url} {fields!r} -> {response.status_code}"
        if before is not None and refused(client, response):
            assert fingerprint(app) == before, f"{who}: refused {method} {url} {fields!r} wrote rows"

    one_route()
