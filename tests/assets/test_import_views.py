"""The import pages: the upload form and its 422s, the import's page polling while the
work runs (inline in the request, and in a thread), the error table, the templates,
and who may see what."""

import io
import re
import time
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from lpse_web.assets import columns, importer, spreadsheet
from lpse_web.assets.models import Asset, AssetImport
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.assets.test_import import csv_file, row, xlsx_file

HTMX = {"HX-Request": "true"}


@pytest.fixture
def app_config():
    return {"ASSET_IMPORT_INLINE": True}


@pytest.fixture
def signed_in(client, login, manager):
    login(client, manager)
    return client


@pytest.fixture(autouse=True)
def no_workers_left():
    yield
    importer.wait_for_workers()


def upload(client, content: bytes, filename: str = "aset.csv", **kwargs):
    return client.post("/aset/impor", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", **kwargs)


def asset_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Asset))


def import_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AssetImport))


def stored_job(app, user, **fields) -> int:
    """An import as the worker leaves it part-way (state, rows), stored directly; its id."""
    with app.app_context():
        job = AssetImport(created_by_id=user.id, **fields)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_the_form_page_shows_the_format_templates_and_recent_imports(signed_in):
    page = signed_in.get("/aset/impor").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    for column in columns.COLUMNS:
        assert column.header in page
    assert "/aset/impor/templat.xlsx" in page and "/aset/impor/templat.csv" in page
    assert "Belum ada impor." in page
    upload(signed_in, csv_file([row(1)]), "pertama.csv")
    page = signed_in.get("/aset/impor").get_data(as_text=True)
    assert "pertama.csv" in page and "1 aset diimpor" in page


def test_a_valid_upload_imports_and_its_page_says_how_many(app, signed_in):
    response = upload(signed_in, csv_file([row(n) for n in range(1, 4)]))
    assert response.status_code == 303
    assert re.fullmatch(r"/aset/impor/\d+", response.headers["Location"].replace("http://lpse.test", ""))
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 aset diimpor." in page and "Lihat register aset" in page
    assert "every 1s" not in page and 'http-equiv="refresh"' not in page
    assert asset_count(app) == 3


def test_a_bad_row_shows_the_error_table_and_nothing_is_imported(app, signed_in):
    rows = [row(1), row(2), row(3, **{"Tanggal beli": "kemarin"}), row(4)]
    response = upload(signed_in, xlsx_file(rows), "aset.xlsx")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tidak ada aset yang diimpor." in page and "Ditemukan 1 kesalahan." in page
    table = page[page.index("<tbody>"):]
    assert re.search(r"<tr><td>4</td><td>Tanggal beli</td>\s*<td>kemarin</td>", table)
    assert asset_count(app) == 0


def test_the_error_table_shows_the_first_200_and_the_total(app, signed_in):
    rows = [row(n, **{"Tanggal beli": "?"}) for n in range(1, 251)]
    page = signed_in.get(upload(signed_in, csv_file(rows)).headers["Location"]).get_data(as_text=True)
    assert "Ditemukan 250 kesalahan." in page and "Ditampilkan 200 yang pertama." in page
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    assert table.count("<tr>") == 200


@pytest.mark.parametrize("filename, content, message", [
    ("aset.pdf", b"%PDF-1.4 ...", "Hanya berkas CSV atau XLSX"),
    ("aset.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "Format .xls lama"),
    ("aset.xlsx", b"PK\x03\x04 broken zip", "XLSX tidak dapat dibaca"),
    ("aset.csv", b"", "Berkas kosong."),
    ("aset.csv", b"\x00\x01binary", "bukan teks CSV"),
])
def test_files_that_are_not_readable_csv_or_xlsx_are_refused_with_422(app, signed_in, filename, content,
                                                                       message):
    response = upload(signed_in, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert import_count(app) == 0


def test_no_file_is_a_422(app, signed_in):
    response = signed_in.post("/aset/impor", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Pilih berkas CSV atau XLSX." in response.get_data(as_text=True)


def test_the_page_polls_while_running_and_stops_when_done(app, signed_in, manager):
    job_id = stored_job(app, manager, filename="besar.xlsx", state="checking", total_rows=20000,
                        done_rows=5000)
    page = signed_in.get(f"/aset/impor/{job_id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and f'hx-get="/aset/impor/{job_id}"' in page
    assert "Memeriksa baris 5.000 dari 20.000" in page
    assert '<progress value="5000" max="20000">' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    fragment = signed_in.get(f"/aset/impor/{job_id}", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="import-progress"') and "<html" not in fragment
    with app.app_context():
        job = db.session.get(AssetImport, job_id)
        job.state, job.imported, job.done_rows = "done", 20000, 20000
        db.session.commit()
    fragment = signed_in.get(f"/aset/impor/{job_id}", headers=HTMX).get_data(as_text=True)
    assert "every 1s" not in fragment and "20.000 aset diimpor." in fragment
    assert 'http-equiv="refresh"' not in signed_in.get(f"/aset/impor/{job_id}").get_data(as_text=True)


def test_the_saving_step_shows_an_open_progress_bar_without_a_counter(app, signed_in, manager):
    job_id = stored_job(app, manager, filename="a.csv", state="importing", total_rows=1200, done_rows=0)
    page = signed_in.get(f"/aset/impor/{job_id}").get_data(as_text=True)
    assert "Menyimpan 1.200 aset" in page and "<progress></progress>" in page and "every 1s" in page


def test_an_import_with_no_progress_for_ten_minutes_is_shown_failed(app, signed_in, manager):
    job_id = stored_job(app, manager, filename="mati.csv", state="checking", total_rows=10, done_rows=5)
    with app.app_context():
        job = db.session.get(AssetImport, job_id)
        job.created_at -= timedelta(minutes=20)
        job.finished_at = job.created_at + timedelta(minutes=1)
        db.session.commit()
    page = signed_in.get(f"/aset/impor/{job_id}").get_data(as_text=True)
    assert "Tidak ada aset yang diimpor." in page and "Impor terhenti" in page and "every 1s" not in page


def test_in_a_thread_the_page_is_polled_until_the_import_is_done(app, signed_in):
    app.config["ASSET_IMPORT_INLINE"] = False
    response = upload(signed_in, csv_file([row(n) for n in range(1, 1201)]))
    assert response.status_code == 303
    location = response.headers["Location"]
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fragment = signed_in.get(location, headers=HTMX).get_data(as_text=True)
        seen.append("every 1s" in fragment)
        if "aset diimpor" in fragment or "Tidak ada aset" in fragment:
            break
        time.sleep(0.05)
    assert "1.200 aset diimpor." in fragment, fragment
    assert "every 1s" not in fragment
    importer.wait_for_workers()
    assert asset_count(app) == 1200
    with app.app_context():
        job = db.session.scalar(select(AssetImport))
        assert job.state == "done" and job.content is None and job.finished_at is not None


def test_a_failure_in_a_thread_is_recorded_too(app, signed_in):
    app.config["ASSET_IMPORT_INLINE"] = False
    location = upload(signed_in, csv_file([row(1), row(1)])).headers["Location"]
    importer.wait_for_workers()
    page = signed_in.get(location).get_data(as_text=True)
    assert "Tidak ada aset yang diimpor." in page and "juga ada di baris" in page


def test_the_templates_hold_the_headers_and_an_example_that_reads_back(app, signed_in):
    response = signed_in.get("/aset/impor/templat.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffNomor aset;Nama;Kelas;")
    response = signed_in.get("/aset/impor/templat.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    first = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first[0]) == columns.HEADERS and len(first) == 2
    with app.app_context():
        for name, content in (("t.csv", text.encode()), ("t.xlsx", response.data)):
            sheet = spreadsheet.read_file(name, content)
            _, problems = columns.match_headers(sheet.header)
            assert problems == [] and len(sheet.rows) == 1


def test_who_may_upload_and_see_an_import(app, client, login, make_user, manager):
    risk = make_user(Role.RISK_MANAGER)
    admin = make_user(Role.ADMIN)
    vendor = make_user(Role.VENDOR)
    login(client, manager)
    location = upload(client, csv_file([row(1)])).headers["Location"]
    client.post("/keluar")
    assert client.get("/aset/impor").status_code == 302  # signed out: to the login page
    for user in (risk, vendor):
        login(client, user)
        assert client.get("/aset/impor").status_code == 403
        assert upload(client, csv_file([row(2)])).status_code == 403
        assert client.get(location).status_code == 403
        assert client.get("/aset/impor/templat.csv").status_code == 403
        client.post("/keluar")
    login(client, admin)
    assert client.get(location).status_code == 200
    assert client.get("/aset/impor/999999").status_code == 404
    assert asset_count(app) == 1


def test_an_import_page_is_its_creators_or_the_asset_managers(client, login, make_user, manager, monkeypatch):
    """Should WRITERS ever include a role that does not see every import, such a user
    sees only their own imports: another's is a 404."""
    from lpse_web.assets import import_views

    other = make_user(Role.ASSET_MANAGER)
    login(client, manager)
    location = upload(client, csv_file([row(1)])).headers["Location"]
    client.post("/keluar")
    login(client, other)
    assert client.get(location).status_code == 200
    monkeypatch.setattr(import_views, "SEES_ALL", (Role.ADMIN,))
    assert client.get(location).status_code == 404
    assert "aset.csv" not in client.get("/aset/impor").get_data(as_text=True)
