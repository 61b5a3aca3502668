"""URLs no page makes: ids past a database integer, a file name typed by hand."""

from lpse_web.auth.roles import Role


def test_an_id_too_large_for_the_database_is_not_found(client, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    for url in ("/antrian/99999999999/selesai", "/antrian/2147483648/selesai"):
        assert client.get(url).status_code == 404, url
    assert client.post("/antrian/99999999999/tidak-hadir").status_code == 404
    assert client.get("/antrian/2147483647/selesai").status_code == 404  # the largest id: no such visit


def test_csv_export_names_its_file_from_known_tables_only(client, make_user, login, office):
    login(client, make_user(Role.MANAGER))
    response = client.get("/antrian/laporan/unduh.csv?tabel=x%0d%0aSet-Cookie:%20a=b")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers.get("Content-Disposition", "")
    assert response.headers["Content-Disposition"].endswith('.layanan.csv"')
