import time

from lpse_web.auth.roles import Role


def test_explore(app, client, make_user, login):
    t=time.time()
    admin = make_user(Role.ADMIN)
    login(client, admin)
    print("login", time.time()-t)
    for url in ["/audit?sampai=9999-12-31", "/audit?dari=0001-01-01", "/admin/pengguna?q=%00", "/audit?oleh=%00", "/audit?id=%00", "/audit?tabel=%00",
                "/admin/pengguna?hal=abc&peran=<x>", "/audit?dari=notadate", "/audit?hal=99999999999999999999999999"]:
        r = client.get(url)
        print(url, r.status_code)
    for data in [{"kind":"info","title":"t","body":"","starts":"0001-01-01T00:00","ends":"0001-01-02T00:00"},
                 {"kind":"info","title":"t2","body":"","starts":"9999-12-31T00:00","ends":"9999-12-31T23:59"},
                 {"kind":"info","title":"t\x00","body":"","starts":"2026-01-01T00:00","ends":"2026-01-02T00:00"}]:
        r = client.post("/pengumuman", data=data)
        print(data, r.status_code)
    r = client.post("/admin/pengguna/baru", data={"name":"A","email":"a@b.test","roles":"superuser"})
    import re
    print(r.status_code, re.findall(r'field-error[^>]*>([^<]*)<', r.get_data(as_text=True)))
    r = client.post("/admin/loket", data={"name":"L","services":"abc"})
    print(r.status_code, re.findall(r'field-error[^>]*>([^<]*)<', r.get_data(as_text=True)))
    r = client.post("/admin/loket", data={"name":"L","services":"99999"})
    print(r.status_code, re.findall(r'field-error[^>]*>([^<]*)<', r.get_data(as_text=True)))
    r = client.post("/admin/kantor/libur", data={"day":"9999-12-31","reason":"x"})
    print("closure 9999", r.status_code)
    r = client.get("/kalender-layanan"); print("cal", r.status_code)
    r = client.get("/"); print("home", r.status_code)
    print(r.headers)
