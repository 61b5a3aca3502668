"""The password policy of RELIABILITY.md and 002_4c8a922e36bb6a70.txt III.3.6."""

import pytest

from lpse_web.auth.passwords import blocklist, hash_password, password_problems, verify_password


@pytest.mark.parametrize("password", [
    "Sabana#Sumba2026", "Kelimutu-3warna!", "Tenun ikat 4ever.", "Ώμέγα-Δέλτα-2026",
])
def test_strong_passwords_pass(ctx, password):
    assert password_problems(password) == []


@pytest.mark.parametrize(("password", "expected"), [
    ("Sh0rt#pw", "minimal 12"),
    ("semuahurufkecil1!", "huruf besar dan huruf kecil"),
    ("TanpaAngkaSama!!", "angka"),
    ("TanpaTandaBaca2026", "tanda baca"),
    ("A" * 120 + "bc1!defgh", "maksimal 128"),
])
def test_each_rule_has_its_message(ctx, password, expected):
    problems = " ".join(password_problems(password))
    assert expected in problems


@pytest.mark.parametrize("password", [
    "Password123!!", "P@ssw0rd2024!", "Qwertyuiop12!", "Pengadaan2026!", "1234Rahasia!!",
    "Bismillah123!", "P3ng4d44n#2025",
])
def test_common_passwords_are_refused_after_normalising(ctx, password):
    problems = password_problems(password)
    assert problems, password
    assert "terlalu umum" in problems[0] or "LPSE" in problems[0]


def test_personal_and_office_words_are_refused(ctx):
    assert password_problems("Fransiska#2026!", name="Fransiska Lalo")
    assert password_problems("Yohanes.Bria99!", email="yohanes.bria@ntt.go.id")
    assert password_problems("Flobamora#2026", office_name="LPSE Flobamora")
    # The same password is fine for someone else.
    assert password_problems("Flobamora#2026", name="Maria Seran") == []


def test_blocklist_is_shipped_and_large(ctx):
    words = blocklist()
    assert len(words) > 10_000
    assert {"password", "123456", "pengadaan", "lpse", "rahasia"} <= words


def test_hash_is_scrypt_and_never_the_password(ctx):
    hashed = hash_password("Sabana#Sumba2026")
    assert hashed.startswith("scrypt:") and "Sabana" not in hashed
    assert verify_password(hashed, "Sabana#Sumba2026")
    assert not verify_password(hashed, "sabana#sumba2026")
