"""Importing assets (lpse_web/assets/importer.py and columns.py), called directly on
committed data: every row valid or nothing stored, errors by the spreadsheet's row and
the file's column header, the audit trail naming the importer, and the export's rows
importing back unchanged."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from lpse_web.assets import columns, importer, services, spreadsheet
from lpse_web.assets.models import Asset, AssetImport
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.web.exports import as_text

TODAY = date(2026, 12, 1)
HEADER = ["Nomor aset", "Nama", "Kelas", "Kategori", "Pemilik (e-mail)", "Lokasi", "Status", "Nomor seri",
          "Tanggal beli", "Harga beli (Rp)", "Kerahasiaan (C)", "Integritas (I)", "Ketersediaan (A)", "Label"]


def row(n: int, **overrides) -> list:
    values = {"Nomor aset": f"LPSE-HW-{n:04d}", "Nama": f"PC staf {n}", "Kelas": "hardware",
              "Kategori": "PC / laptop", "Pemilik (e-mail)": "", "Lokasi": "Ruang verifikasi",
              "Status": "in_use", "Nomor seri": f"SN{n:06d}", "Tanggal beli": "2024-03-15",
              "Harga beli (Rp)": "15.000.000", "Kerahasiaan (C)": "", "Integritas (I)": "",
              "Ketersediaan (A)": "", "Label": ""}
    values.update(overrides)
    return [values[h] for h in HEADER]


def csv_file(rows, header=HEADER, delimiter=";", bom=True) -> bytes:
    """As web/exports.py's csv_download writes it (text like a formula made inert)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([as_text(v) for v in cells] for cells in rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_file(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text, not a formula (as the export writes it)
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(user, content: bytes, filename: str = "aset.csv") -> AssetImport:
    job = importer.queue_import(filename, content, user.id)
    importer.run_import(job.id, actor_id=user.id, actor_name=user.email, address="10.0.0.5", today=TODAY)
    db.session.expire_all()
    return db.session.get(AssetImport, job.id)


def errors(job):
    items, total = importer.errors_of(job)
    return items, total


def asset(tag: str) -> Asset:
    return db.session.scalar(select(Asset).where(Asset.tag == tag))


def asset_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Asset))


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_valid_csv_imports_every_row_with_its_values_and_audit_entries(ctx, manager, make_user, delimiter):
    owner = make_user(Role.HELPDESK, email="Owner@LPSE.test")
    rows = [row(1, **{"Pemilik (e-mail)": "OWNER@lpse.test", "Kerahasiaan (C)": "2", "Integritas (I)": "3",
                      "Ketersediaan (A)": "tinggi", "Label": "Terbatas", "Harga beli (Rp)": "Rp 15.000.000"}),
            row(2, **{"Nomor aset": " lpse-hw 0002 ", "Nomor seri": "", "Tanggal beli": "31/01/2024",
                      "Harga beli (Rp)": "7500000", "Status": ""}),
            row(3, **{"Tanggal beli": "05-02-2024", "Harga beli (Rp)": ""})]
    job = run(manager, csv_file(rows, delimiter=delimiter, bom=delimiter == ";"))
    assert (job.state, job.imported, job.total_rows, job.content) == ("done", 3, 3, None), errors(job)
    first = asset("LPSE-HW-0001")
    assert first.owner_id == owner.id and first.purchase_cost == 15_000_000
    assert (first.confidentiality, first.integrity, first.availability, first.label) == (2, 3, 3, "terbatas")
    assert first.classified_on == TODAY and first.value == 8
    assert first.next_audit_on == TODAY + timedelta(days=365)
    assert first.purchased_on == date(2024, 3, 15) and first.category == "PC / laptop"
    second = asset("LPSE-HW0002")
    assert second.serial is None and second.purchased_on == date(2024, 1, 31) and second.status == "in_use"
    assert second.classified_on is None and second.owner_id is None
    assert asset("LPSE-HW-0003").purchased_on == date(2024, 2, 5)
    assert asset("LPSE-HW-0003").purchase_cost is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "asset")).all()
    assert len(entries) == 3
    assert {(e.action, e.actor_id, e.actor_name, e.address) for e in entries} == {
        ("create", manager.id, manager.email, "10.0.0.5")}
    by_id = {e.record_id: e for e in entries}
    assert by_id[str(first.id)].after["tag"] == "LPSE-HW-0001"
    assert by_id[str(first.id)].after["purchased_on"] == "2024-03-15"
    assert by_id[str(first.id)].after["id"] == first.id


def test_a_valid_xlsx_imports_with_real_date_and_number_cells(ctx, manager):
    rows = [row(1, **{"Tanggal beli": datetime(2024, 3, 15), "Harga beli (Rp)": 15000000}),
            row(2, **{"Tanggal beli": date(2023, 12, 31), "Harga beli (Rp)": 2500000.0, "Nomor aset": 1002,
                      "Nomor seri": None}),
            [None] * len(HEADER),  # an empty row is skipped
            row(4)]
    job = run(manager, xlsx_file(rows), "aset.xlsx")
    assert (job.state, job.imported, job.total_rows) == ("done", 3, 3), errors(job)
    assert asset("LPSE-HW-0001").purchased_on == date(2024, 3, 15)
    numbered = asset("1002")
    assert numbered.purchase_cost == 2_500_000 and numbered.purchased_on == date(2023, 12, 31)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "asset", AuditEntry.actor_id == manager.id)) == 3


def test_one_bad_date_in_row_4_imports_nothing_and_names_the_row_and_column(ctx, manager):
    rows = [row(1), row(2), row(3, **{"Tanggal beli": "31/02/2024"}), row(4)]
    job = run(manager, csv_file(rows))
    assert job.state == "failed" and job.imported == 0 and job.content is None
    items, total = errors(job)
    assert total == 1
    assert items[0]["row"] == 4 and items[0]["column"] == "Tanggal beli" and items[0]["value"] == "31/02/2024"
    assert "tanggal" in items[0]["message"].lower()
    assert asset_count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "asset")) == 0


def test_errors_name_the_header_as_written_and_each_bad_cell(ctx, manager):
    header = ["TAG", "nama", "Kelas", "Tanggal Beli", "harga beli (rp)", "Kerahasiaan (C)", "Integritas (I)",
              "Ketersediaan (A)"]
    rows = [["A-1", "", "mobil", "kemarin", "-5", "2", "", ""],
            ["A-2", "Router", "hardware", "2024-01-01", "1.000", "4", "1", "1"]]
    job = run(manager, csv_file(rows, header=header))
    items, total = errors(job)
    found = {(e["row"], e["column"]) for e in items}
    assert found == {(2, "nama"), (2, "Kelas"), (2, "Tanggal Beli"), (2, "harga beli (rp)"),
                     (2, "Integritas (I)"), (2, "Ketersediaan (A)"), (3, "Kerahasiaan (C)")}
    assert total == len(items) == 7
    assert [e["row"] for e in items] == sorted(e["row"] for e in items)
    assert asset_count() == 0


def test_a_tag_twice_in_the_file_names_both_rows(ctx, manager):
    rows = [row(1), row(2, **{"Nomor aset": "lpse-hw-0001"}), row(3)]
    job = run(manager, csv_file(rows))
    items, _ = errors(job)
    assert {(e["row"], e["column"]) for e in items} == {(2, "Nomor aset"), (3, "Nomor aset")}
    assert "baris 3" in next(e for e in items if e["row"] == 2)["message"]
    assert "baris 2" in next(e for e in items if e["row"] == 3)["message"]
    assert asset_count() == 0


def test_a_serial_twice_in_the_file_names_both_rows(ctx, manager):
    job = run(manager, csv_file([row(1, **{"Nomor seri": "ABC 1"}), row(2, **{"Nomor seri": "abc1"})]))
    assert {(e["row"], e["column"]) for e in errors(job)[0]} == {(2, "Nomor seri"), (3, "Nomor seri")}


def test_tags_and_serials_already_in_the_register_are_refused(ctx, manager):
    services.create_asset(TODAY, tag="LPSE-HW-0002", name="Ada", asset_class="hardware", serial="LAMA-1")
    db.session.commit()
    job = run(manager, csv_file([row(1), row(2), row(3, **{"Nomor seri": " lama-1"})]))
    items, _ = errors(job)
    assert {(e["row"], e["column"]) for e in items} == {(3, "Nomor aset"), (4, "Nomor seri")}
    assert asset_count() == 1


def test_the_owner_must_be_an_active_staff_member(ctx, manager, make_user):
    make_user(Role.VENDOR, email="vendor@pt.test")
    make_user(Role.HELPDESK, email="gone@lpse.test", active=False)
    owners = ["vendor@pt.test", "gone@lpse.test", "nobody@lpse.test", manager.email]
    rows = [row(n, **{"Pemilik (e-mail)": email}) for n, email in enumerate(owners, start=1)]
    items, _ = errors(run(manager, csv_file(rows)))
    assert {(e["row"], e["column"]) for e in items} == {(2, "Pemilik (e-mail)"), (3, "Pemilik (e-mail)"),
                                                        (4, "Pemilik (e-mail)")}


def test_unknown_or_missing_headers_are_refused(ctx, manager):
    header = ["Nomor aset", "Nama", "Kelas", "Warna"]
    job = run(manager, csv_file([["X-1", "Server", "hardware", "merah"]], header=header))
    items, _ = errors(job)
    assert [(e["row"], e["column"]) for e in items] == [(1, "Warna")]
    job = run(manager, csv_file([["X-1", "hardware"]], header=["tag", "asset_class"]))
    items, _ = errors(job)
    assert [(e["row"], e["column"]) for e in items] == [(1, "Nama")]
    assert "wajib" in items[0]["message"].lower()
    assert asset_count() == 0


def test_c_i_a_are_all_three_or_none_and_a_classified_information_asset_has_a_label(ctx, manager):
    rated = {"Kerahasiaan (C)": "2", "Integritas (I)": "2", "Ketersediaan (A)": "1"}
    rows = [row(1, **{"Kerahasiaan (C)": "2"}), row(2, Kelas="information", **rated),
            row(3, Kelas="information", Label="publik", **rated), row(4, Kelas="information")]
    items, _ = errors(run(manager, csv_file(rows)))
    assert {(e["row"], e["column"]) for e in items} == {
        (2, "Integritas (I)"), (2, "Ketersediaan (A)"), (3, "Label")}


def test_indonesian_words_for_class_status_and_label_are_accepted(ctx, manager):
    rows = [row(1, Kelas="Perangkat Lunak", Status="di gudang", Label="RAHASIA"),
            row(2, Kelas="informasi / DATA", Status="Diperbaiki"),
            row(3, Kelas="Informasi", Status="Dipakai", Label="publik")]
    job = run(manager, csv_file(rows))
    assert job.state == "done", errors(job)
    assert (asset("LPSE-HW-0001").asset_class, asset("LPSE-HW-0001").status) == ("software", "in_stock")
    # A label without C, I and A is kept, but the asset is not classified (it has no value).
    assert asset("LPSE-HW-0001").label == "rahasia" and asset("LPSE-HW-0001").classified_on is None
    assert (asset("LPSE-HW-0002").asset_class, asset("LPSE-HW-0002").status) == ("information", "in_repair")
    assert asset("LPSE-HW-0003").asset_class == "information"


def test_export_rows_import_back_into_an_empty_register_unchanged(ctx, manager, make_user):
    owner = make_user(Role.HELPDESK, email="pemilik@lpse.test")
    full = services.create_asset(
        TODAY, tag="SRV-01", name="Server SPSE", asset_class="hardware", category="Server",
        owner_id=owner.id, location="Ruang server", status="in_repair", serial="DELL-99", supplier="PT Maju",
        notes="Rak 2\nU 14", purchased_on=date(2023, 5, 2), purchase_cost=245_000_000,
        warranty_ends=date(2026, 5, 2), end_of_life=date(2030, 1, 1), next_audit_on=date(2027, 2, 1))
    services.classify(full, 3, 3, 2, "rahasia", TODAY)
    licence = services.create_asset(TODAY, tag="LIC-7", name="=Antivirus", asset_class="licence",
                                    licence_seats=25, licence_expires=date(2027, 6, 30), status="in_stock")
    db.session.commit()
    keys = [c.key for c in columns.COLUMNS if c.key != "owner_email"] + ["owner_id", "classified_on"]
    before = {a.tag: {k: getattr(a, k) for k in keys} for a in (full, licence)}
    exported = [columns.export_row(a) for a in db.session.scalars(select(Asset).order_by(Asset.tag))]
    for table in (AuditEntry.__table__, Asset.__table__):
        db.session.execute(table.delete())
    db.session.commit()
    for content, name in ((csv_file(exported, header=columns.HEADERS), "ekspor.csv"),
                          (xlsx_file(exported, header=columns.HEADERS), "ekspor.xlsx")):
        job = run(manager, content, name)
        assert job.state == "done" and job.imported == 2, errors(job)
        after = {a.tag: {k: getattr(a, k) for k in keys} for a in db.session.scalars(select(Asset))}
        assert after == before
        db.session.execute(Asset.__table__.delete())
        db.session.commit()


def test_export_row_writes_codes_iso_dates_and_plain_numbers(ctx, make_user):
    owner = make_user(Role.HELPDESK, email="pemilik@lpse.test")
    item = services.create_asset(TODAY, tag="ups 1", name="UPS", asset_class="hardware", owner_id=owner.id,
                                 purchased_on=date(2024, 1, 9), purchase_cost=3_500_000)
    db.session.commit()
    exported = dict(zip(columns.HEADERS, columns.export_row(db.session.get(Asset, item.id)), strict=True))
    assert exported["Nomor aset"] == "UPS1" and exported["Kelas"] == "hardware"
    assert exported["Status"] == "in_use" and exported["Pemilik (e-mail)"] == "pemilik@lpse.test"
    assert exported["Tanggal beli"] == "2024-01-09" and exported["Harga beli (Rp)"] == 3_500_000
    assert exported["Nomor seri"] is None and exported["Kerahasiaan (C)"] is None


def test_two_thousand_rows_import_in_one_go(ctx, manager):
    rows = [row(n, **{"Pemilik (e-mail)": manager.email if n % 2 else ""}) for n in range(1, 2001)]
    job = run(manager, csv_file(rows))
    assert (job.state, job.imported, job.done_rows) == ("done", 2000, 2000), errors(job)[0][:3]
    assert asset_count() == 2000
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "asset", AuditEntry.actor_id == manager.id)) == 2000


def test_register_lookups_are_one_query_per_chunk_not_per_row(app, ctx, manager):
    from tests.factories import counted_queries

    content = csv_file([row(n, **{"Pemilik (e-mail)": manager.email}) for n in range(1, 1201)])
    job = importer.queue_import("aset.csv", content, manager.id)
    with counted_queries(app) as statements:
        importer.run_import(job.id, actor_id=manager.id, actor_name=manager.email, today=TODAY)
    lookups = [s for s in statements if re.match(r"\s*SELECT\s.*?\sFROM (asset|user_account)\b", s, re.S)]
    assert asset_count() == 1200
    # 3 chunks: their tags and serials (6 queries), the owner once (known after chunk 1).
    assert len(lookups) == 7, lookups


def test_files_that_are_not_csv_or_xlsx_are_refused(ctx):
    for name, content in (("aset.pdf", b"%PDF-1.4"), ("aset.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
                          ("aset.xlsx", b"not a zip"), ("aset.xlsx", b"PK\x03\x04broken"), ("aset.csv", b""),
                          ("aset.csv", b"\x00\x01\x02"), ("aset.csv", b"\n\n;;\n")):
        with pytest.raises(spreadsheet.FileError):
            spreadsheet.inspect_file(name, content)
    spreadsheet.inspect_file("aset.csv", csv_file([row(1)]))
    spreadsheet.inspect_file("aset.xlsx", xlsx_file([row(1)]))


def test_more_than_the_row_cap_is_refused_with_a_message(ctx, manager, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 5)
    job = run(manager, csv_file([row(n) for n in range(1, 7)]))
    items, _ = errors(job)
    assert job.state == "failed" and "5" in items[0]["message"] and items[0]["row"] is None
    assert run(manager, csv_file([row(n) for n in range(1, 6)])).state == "done"


def test_a_windows_1252_csv_reads_too(ctx, manager):
    content = ("Nomor aset;Nama;Kelas\nA-1;Caf\u00e9 server;hardware\n").encode("cp1252")
    job = run(manager, content)
    assert job.state == "done" and asset("A-1").name == "Caf\u00e9 server"


def test_a_tag_created_meanwhile_fails_the_whole_import_at_insert(ctx, manager, monkeypatch):
    original = importer.check

    def check_then_someone_creates(job, sheet):
        result = original(job, sheet)
        services.create_asset(TODAY, tag="LPSE-HW-0002", name="Dibuat bersamaan", asset_class="hardware")
        db.session.commit()
        return result

    monkeypatch.setattr(importer, "check", check_then_someone_creates)
    job = run(manager, csv_file([row(n) for n in range(1, 4)]))
    items, _ = errors(job)
    assert job.state == "failed" and "orang lain" in items[0]["message"]
    assert [a.tag for a in db.session.scalars(select(Asset))] == ["LPSE-HW-0002"]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.table_name == "asset", AuditEntry.actor_id == manager.id)) == 0


def test_an_import_with_no_progress_for_ten_minutes_shows_as_failed(ctx, manager):
    job = importer.queue_import("aset.csv", csv_file([row(1)]), manager.id)
    assert importer.shown_state(job) == "queued"
    later = job.created_at + timedelta(minutes=11)
    assert importer.shown_state(job, now=later) == "failed"
    job.progress_at = later - timedelta(minutes=1)  # the heartbeat of a live worker
    assert importer.shown_state(job, now=later) == "queued"


def test_the_next_upload_marks_dead_imports_failed(ctx, manager):
    dead = importer.queue_import("aset.csv", csv_file([row(1)]), manager.id)
    dead.created_at -= timedelta(minutes=30)
    db.session.commit()
    importer.queue_import("lagi.csv", csv_file([row(1)]), manager.id)
    db.session.expire_all()
    dead = db.session.get(AssetImport, dead.id)
    assert dead.state == "failed" and dead.content is None and errors(dead)[1] == 1


def test_cells_read_forgivingly(ctx):
    parse = {c.key: c.parse for c in columns.COLUMNS}
    assert parse["purchase_cost"]("Rp 15.000.000,-") == 15_000_000
    assert parse["purchase_cost"]("15,000,000") == 15_000_000
    assert parse["purchase_cost"](15000000.0) == 15_000_000
    assert parse["purchased_on"]("2024-01-31 00:00:00") == date(2024, 1, 31)
    assert parse["confidentiality"]("Sedang") == 2
    assert parse["name"]("'=HYPERLINK()") == "=HYPERLINK()"  # the export's formula guard taken off
    for key, value in (("purchase_cost", "15.5"), ("purchase_cost", "-1"), ("purchased_on", 45000),
                       ("confidentiality", "0"), ("licence_seats", "banyak"), ("name", "a\x00b"),
                       ("tag", "x" * 41), ("owner_email", "bukan-email")):
        with pytest.raises(columns.CellError):
            parse[key](value)
