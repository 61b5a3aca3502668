"""No N+1: a page's query count does not grow with the rows it shows."""

from contextlib import contextmanager

from sqlalchemy import event

from lpse_web.auth.roles import Role
from lpse_web.extensions import db


@contextmanager
def counted_queries(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries_for(app, client, url):
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_user_list_query_count_does_not_grow(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    for _ in range(3):
        make_user(Role.VENDOR)
    few = _queries_for(app, client, "/admin/pengguna")
    for _ in range(20):
        make_user(Role.VERIFIKATOR, Role.HELPDESK)
    assert _queries_for(app, client, "/admin/pengguna") == few


def test_audit_list_query_count_does_not_grow(app, client, make_user, login):
    login(client, make_user(Role.MANAGER))
    few = _queries_for(app, client, "/audit")
    for _ in range(20):
        make_user(Role.VENDOR)
    assert _queries_for(app, client, "/audit") == few


def test_home_page_reads_the_office_once(app, client, make_user, login):
    login(client, make_user(Role.VENDOR))
    with counted_queries(app) as statements:
        client.get("/")
    assert sum(1 for s in statements if "FROM office" in s) == 1
