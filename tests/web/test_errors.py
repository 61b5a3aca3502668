"""No request ends in a stack trace: unexpected errors give the 500 page, in Indonesian,
with the transaction rolled back; even a failing database still gets a page."""

from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.web.access import PUBLIC, allow


def _add_route(app, rule, view, methods=("GET",)):
    app.add_url_rule(rule, view.__name__, allow(PUBLIC)(view), methods=list(methods))


def test_unexpected_error_is_a_500_page_and_nothing_is_kept(app, client):
    def explode():
        db.session.add(Room(name="Setengah jadi", kind="meeting", seats=1, computers=0, equipment=""))
        db.session.flush()
        raise RuntimeError("boom")

    _add_route(app, "/_explode", explode, methods=("POST",))
    response = client.post("/_explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Terjadi kesalahan" in page and "Traceback" not in page and "boom" not in page
    with app.app_context():
        assert db.session.scalar(select(Room.id)) is None


def test_error_page_renders_while_the_database_fails(app, client):
    def database_down():
        db.session.execute(text("SELECT * FROM no_such_table"))

    _add_route(app, "/_db_down", database_down)
    response = client.get("/_db_down")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)


def test_htmx_error_is_a_fragment(app, client):
    def fail():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    _add_route(app, "/_fail", fail)
    response = client.get("/_fail", headers={"HX-Request": "true"})
    assert response.status_code == 503  # the database is unreachable: try again later
    page = response.get_data(as_text=True)
    assert "<html" not in page and "Layanan tidak tersedia" in page


def test_a_missing_static_file_is_a_404_page_not_a_500(client):
    response = client.get("/static/css/tidak-ada.css")
    assert response.status_code == 404
    assert "LPSE" in response.get_data(as_text=True)  # the site's own page, with its layout
