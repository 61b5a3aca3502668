"""Defects a review of the registers found, kept fixed: a broken XLSX is a 422 (not a
500), a form posted without its optional text fields saves, look-alike tags are one tag,
a label alone does not classify an asset, control characters stay out of list fields."""

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from lpse_web.assets import services
from lpse_web.assets.classification import normal_code
from lpse_web.assets.models import Asset, AssetImport
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.assets.test_import import row, xlsx_file


@pytest.fixture
def app_config():
    return {"ASSET_IMPORT_INLINE": True}


@pytest.fixture
def manager_client(client, login, make_user):
    login(client, make_user(Role.ASSET_MANAGER, name="Maria Pengelola Aset"))
    return client


def _truncated(content: bytes, member: str) -> bytes:
    """The XLSX with one of its XML parts cut in half (a file broken in transit)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if item.filename == member else data)
    return out.getvalue()


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_a_broken_xlsx_is_refused_with_a_message(app, manager_client, member):
    broken = _truncated(xlsx_file([row(1)]), member)
    response = manager_client.post("/aset/impor", data={"file": (io.BytesIO(broken), "aset.xlsx")})
    assert response.status_code == 422
    assert "tidak dapat dibaca" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Asset.id)) is None
        assert db.session.scalar(select(AssetImport.id)) is None


def test_an_edit_posted_without_its_optional_text_fields_saves(app, manager_client):
    with app.app_context():
        asset = services.create_asset(date(2026, 12, 1), tag="SRV-01", name="Server", asset_class="hardware",
                                      location="Ruang server")
        db.session.commit()
        asset_id = asset.id
    response = manager_client.post(f"/aset/{asset_id}/ubah", data={
        "tag": "SRV-01", "name": "Server SPSE", "asset_class": "hardware", "status": "in_use"})
    assert response.status_code == 303
    with app.app_context():
        saved = db.session.get(Asset, asset_id)
        assert (saved.name, saved.location, saved.category, saved.notes) == ("Server SPSE", "", "", "")


def test_look_alike_tags_are_one_tag(ctx):
    assert normal_code("\u200bＸ１ ") == "X1"  # a zero-width space and full-width letters
    assert normal_code("\u200b") is None
    services.create_asset(date(2026, 12, 1), tag="X1", name="Satu", asset_class="hardware")
    with pytest.raises(services.DuplicateError):
        services.create_asset(date(2026, 12, 1), tag="Ｘ１", name="Dua", asset_class="hardware")
