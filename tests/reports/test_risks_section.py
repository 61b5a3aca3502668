"""The quarterly report's risk section: the heat maps and levels are the register as it
stood at the period's end (a score changed after the end does not count, a risk closed
after the end still does), new/closed/reviews by category, overdue reviews and actions on
the as-of day, the office's zone at the quarter's edges (WITA), an empty register, and a
query count that does not grow with the risks.

Every expected number is worked out by hand from the rows each test creates (the
comments say which risk counts where), never by calling the code under test."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from lpse_web.extensions import db
from lpse_web.office.models import Office
from lpse_web.office.services import load_calendar
from lpse_web.reports import risks_section
from lpse_web.reports.periods import quarter
from lpse_web.risks import services
from lpse_web.risks.models import Risk, RiskScore
from tests.factories import counted_queries
from tests.registers import risk_factory

WITA = ZoneInfo("Asia/Makassar")
Q1 = quarter(2026, 1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WITA)  # long after Q1: its as-of day is 31 March
LEVELS = ("Sangat Tinggi", "Tinggi", "Sedang", "Rendah")  # the default methodology, highest first


def wita(*parts) -> datetime:
    return datetime(*parts, tzinfo=WITA)


@pytest.fixture
def office_zone(app):
    with app.app_context():
        db.session.get(Office, 1).timezone = "Asia/Makassar"
        db.session.commit()


@pytest.fixture
def make_risk(app, office_zone):
    return risk_factory(app)


def risk(risk_id: int) -> Risk:
    return db.session.get(Risk, risk_id)


def recorded_at(risk_id: int, at: datetime) -> None:
    """Move a risk's recording, and its first score row, to `at`."""
    risk(risk_id).created_at = at
    for row in db.session.scalars(select(RiskScore).where(RiskScore.risk_id == risk_id)):
        row.at = at
    db.session.commit()  # the factory writes in its own app context: no write may stay open


def last_score_at(risk_id: int, at: datetime) -> None:
    """Date the score row a service call just wrote."""
    row = db.session.scalars(select(RiskScore).where(RiskScore.risk_id == risk_id)
                             .order_by(RiskScore.id.desc()).limit(1)).one()
    row.at = at
    db.session.commit()


def next_review(risk_id: int, day: date) -> None:
    risk(risk_id).next_review_on = day
    db.session.commit()


def closed(risk_id: int, day: date) -> None:
    services.update_risk(risk(risk_id), day, status="closed")
    risk(risk_id).closed_on = day
    db.session.commit()


def action(risk_id: int, due: date, done: date | None = None) -> None:
    made = services.add_action(risk(risk_id), "Tindakan", None, due)
    if done:
        services.complete_action(made, done)


def build(period=Q1, now=NOW):
    return risks_section.build(period, now, load_calendar())


def grid_counts(section, side: str) -> dict[tuple[int, int], int]:
    grid = next(c.grid for c in section.charts if c.kind == "heatmap" and c.grid.which == side)
    return {(cell.likelihood, cell.impact): cell.count for row in grid.rows for cell in row}


def expected_grid(*cells) -> dict[tuple[int, int], int]:
    found = {(lk, im): 0 for lk in range(1, 6) for im in range(1, 6)}
    for cell in cells:
        found[cell] += 1
    return found


def figures(section) -> dict[str, object]:
    return {f.label: f.value for f in section.figures}


def rows(section, key: str) -> dict[str, list]:
    return {row[0]: row[1:] for row in section.table(key).rows}


@pytest.fixture
def register(app, ctx, make_risk):
    """The register around Q1 2026 (office zone WITA):

    A R-001 security   recorded 10 Nov 2025, 4×4; reviewed 10 Feb 2026 unchanged; reviewed
                       5 May 2026 (after Q1) to inherent 3×4, residual 2×3.
    B R-002 security   recorded 15 Jan 2026, 5×5; closed 20 Mar 2026 (inside Q1).
    C R-003 operational recorded 1 Jun 2025, 3×3; reviewed 15 Dec 2025; closed 15 Apr 2026
                       (after Q1); its next review set to 1 Mar 2026.
    D R-004 continuity recorded 31 Mar 2026 23.30 WITA, 2×2; reviewed 23.45 to residual 1×2.
    E R-005 security   recorded 1 Apr 2026 00.10 WITA (still 31 March in UTC), 3×4.
    F R-006 compliance recorded 1 Jan 2026 00.10 WITA (still 2025 in UTC), 2×4, residual 1×4;
                       its next review set to 30 Mar 2026.
    G R-007 financial  recorded 1 Oct 2025, 5×4; closed 20 Dec 2025 (before Q1).
    H R-008 reputation recorded 1 Feb 2026, 3×5; no score row at all (its current
                       assessment stands in).
    """
    ids = {}
    ids["A"] = make_risk("R-001", 4, 4, today=date(2025, 11, 10))
    recorded_at(ids["A"], wita(2025, 11, 10, 9))
    services.review(risk(ids["A"]), date(2026, 2, 10), None, note="Tetap")
    last_score_at(ids["A"], wita(2026, 2, 10, 10))
    services.review(risk(ids["A"]), date(2026, 5, 5), None, inherent_likelihood=3,
                    residual_likelihood=2, residual_impact=3, treatment="mitigate")
    last_score_at(ids["A"], wita(2026, 5, 5, 10))

    ids["B"] = make_risk("R-002", 5, 5, today=date(2026, 1, 15))
    recorded_at(ids["B"], wita(2026, 1, 15, 9))
    closed(ids["B"], date(2026, 3, 20))
    next_review(ids["B"], date(2026, 1, 1))  # closed at the end: not overdue

    ids["C"] = make_risk("R-003", 3, 3, today=date(2025, 6, 1), category="operational")
    recorded_at(ids["C"], wita(2025, 6, 1, 9))
    services.review(risk(ids["C"]), date(2025, 12, 15), None)
    last_score_at(ids["C"], wita(2025, 12, 15, 9))
    closed(ids["C"], date(2026, 4, 15))
    next_review(ids["C"], date(2026, 3, 1))

    ids["D"] = make_risk("R-004", 2, 2, today=date(2026, 3, 31), category="continuity")
    recorded_at(ids["D"], wita(2026, 3, 31, 23, 30))
    services.review(risk(ids["D"]), date(2026, 3, 31), None, residual_likelihood=1, residual_impact=2,
                    treatment="mitigate")
    last_score_at(ids["D"], wita(2026, 3, 31, 23, 45))

    ids["E"] = make_risk("R-005", 3, 4, today=date(2026, 4, 1))
    recorded_at(ids["E"], wita(2026, 4, 1, 0, 10))
    next_review(ids["E"], date(2026, 1, 1))  # recorded after the end: not overdue

    ids["F"] = make_risk("R-006", 2, 4, today=date(2026, 1, 1), category="compliance",
                         residual_likelihood=1, residual_impact=4, treatment="mitigate")
    recorded_at(ids["F"], wita(2026, 1, 1, 0, 10))
    next_review(ids["F"], date(2026, 3, 30))

    ids["G"] = make_risk("R-007", 5, 4, today=date(2025, 10, 1), category="financial")
    recorded_at(ids["G"], wita(2025, 10, 1, 9))
    closed(ids["G"], date(2025, 12, 20))

    ids["H"] = make_risk("R-008", 3, 5, today=date(2026, 2, 1), category="reputation")
    recorded_at(ids["H"], wita(2026, 2, 1, 9))
    db.session.execute(delete(RiskScore).where(RiskScore.risk_id == ids["H"]))

    # Actions, as of 31 March (the risks open at the end are A, C, D, F, H):
    action(ids["A"], date(2026, 3, 1), done=date(2026, 4, 10))  # overdue: done after the as-of day
    action(ids["A"], date(2026, 3, 15), done=date(2026, 3, 20))  # done in time
    action(ids["A"], date(2026, 3, 31))  # due on the as-of day itself: not yet overdue
    action(ids["A"], date(2026, 3, 30))  # overdue
    action(ids["A"], date(2026, 3, 30), done=date(2026, 3, 31))  # done on the as-of day: not overdue
    action(ids["B"], date(2026, 2, 1))  # B closed in Q1: not counted
    action(ids["C"], date(2026, 1, 10))  # overdue (C closed only after Q1)
    action(ids["E"], date(2026, 3, 1))  # E recorded after Q1: not counted
    db.session.commit()
    return ids


def test_the_section_and_its_parts(register):
    section = build()
    assert (section.key, section.title) == ("risks", "5. Risiko")
    keys = [t.key for t in section.tables]
    assert keys == ["risiko-peta-inheren", "risiko-peta-residual", "risiko-tingkat", "risiko-kategori",
                    "risiko-terlambat"]
    assert [(c.kind, c.table) for c in section.charts] == [
        ("heatmap", "risiko-peta-inheren"), ("heatmap", "risiko-peta-residual"), ("bars", "risiko-tingkat")]
    assert [c.grid.which for c in section.charts[:2]] == ["inherent", "residual"]


def test_the_heat_maps_show_the_register_as_it_stood_at_the_end(register):
    section = build()
    # Open at the end: A (as scored on 10 Feb, not its May review), C, D, F, H (no history).
    inherent = expected_grid((4, 4), (3, 3), (2, 2), (2, 4), (3, 5))
    residual = expected_grid((4, 4), (3, 3), (1, 2), (1, 4), (3, 5))
    assert grid_counts(section, "inherent") == inherent
    assert grid_counts(section, "residual") == residual
    # Each grid's table: highest likelihood first, impact 1..5 across.
    for key, expected in (("risiko-peta-inheren", inherent), ("risiko-peta-residual", residual)):
        table = section.table(key)
        assert len(table.columns) == 6
        assert [row[1:] for row in table.rows] == [[expected[(lk, im)] for im in range(1, 6)]
                                                   for lk in range(5, 0, -1)]
        assert [row[0][0] for row in table.rows] == ["5", "4", "3", "2", "1"]


def test_a_later_quarter_sees_the_later_scores(register):
    section = build(quarter(2026, 2))
    # Open at the end of Q2: A (its May review), D, E, F, H; C closed on 15 April.
    assert grid_counts(section, "inherent") == expected_grid((3, 4), (2, 2), (3, 4), (2, 4), (3, 5))
    assert grid_counts(section, "residual") == expected_grid((2, 3), (1, 2), (3, 4), (1, 4), (3, 5))
    found = figures(section)
    assert found["Risiko baru"] == 1  # E, at 00.10 WITA on 1 April
    assert found["Risiko ditutup"] == 1  # C
    assert found["Risiko terbuka di akhir periode"] == 5
    # E new; A and E open at the end; A's review on 5 May
    assert rows(section, "risiko-kategori")["Keamanan informasi"] == [1, 0, 2, 1]


def test_levels_and_appetite_at_the_end(register):
    section = build()
    # Inherent at the end: A 16, C 9, D 4, F 8, H 15; residual: A 16, C 9, D 2, F 4, H 15.
    assert rows(section, "risiko-tingkat") == {
        "Sangat Tinggi": ["17–25", 0, 0], "Tinggi": ["10–16", 2, 2], "Sedang": ["5–9", 2, 1],
        "Rendah": ["1–4", 1, 2]}
    chart = section.charts[2]
    assert chart.labels == list(LEVELS)
    assert [s.values for s in chart.series] == [[0, 2, 2, 1], [0, 2, 1, 2]]
    # Residual above 9 at the end: A (16; 6 only since May) and H (15). B (25) was closed.
    assert figures(section)["Di atas selera risiko"] == 2


def test_new_closed_and_reviews_by_category(register):
    section = build()
    found = figures(section)
    assert found["Risiko terbuka di akhir periode"] == 5  # A, C, D, F, H
    assert found["Risiko baru"] == 4  # B, D (23.30 WITA 31 March), F (00.10 WITA 1 January), H
    assert found["Risiko ditutup"] == 1  # B; C closed after, G before
    # [new, closed, open at the end, reviews recorded in Q1]
    assert rows(section, "risiko-kategori") == {
        "Operasional": [0, 0, 1, 0],  # C (its review on 15 December is before Q1)
        "Keamanan informasi": [1, 1, 1, 1],  # B new and closed; A open, reviewed 10 February
        "Kelangsungan layanan": [1, 0, 1, 1],  # D, reviewed 31 March
        "Kepatuhan": [1, 0, 1, 0],  # F
        "Keuangan": [0, 0, 0, 0],  # G closed before Q1
        "Reputasi": [1, 0, 1, 0],  # H
        "Jumlah": [4, 1, 5, 2],
    }


def test_overdue_on_the_last_day_of_a_past_period(register):
    section = build()
    found = figures(section)
    assert found["Tinjauan terlambat"] == 2  # C (1 March) and F (30 March); B closed, E recorded later
    assert found["Tindakan terlambat"] == 3  # A's due 1 March (done 10 April) and 30 March, C's
    table = section.table("risiko-terlambat")
    assert [row[1:] for row in table.rows] == [[2, date(2026, 3, 31)], [3, date(2026, 3, 31)]]
    assert "perkiraan" in table.note  # next_review_on is today's value


def test_overdue_in_the_current_period_is_as_of_today(app, ctx, make_risk):
    today = wita(2026, 2, 15, 10)
    late = make_risk("R-001", 3, 3, today=date(2026, 1, 5))
    recorded_at(late, wita(2026, 1, 5, 9))
    next_review(late, date(2026, 2, 14))
    on_time = make_risk("R-002", 3, 3, today=date(2026, 1, 5))
    recorded_at(on_time, wita(2026, 1, 5, 9))
    next_review(on_time, date(2026, 2, 15))  # due today: not yet late
    action(late, date(2026, 2, 10))  # overdue on 15 February
    action(late, date(2026, 2, 20))  # not yet due
    action(on_time, date(2026, 2, 1), done=date(2026, 2, 3))
    db.session.commit()
    section = build(now=today)
    found = figures(section)
    assert (found["Tinjauan terlambat"], found["Tindakan terlambat"]) == (1, 1)
    table = section.table("risiko-terlambat")
    assert table.rows[0][2] == date(2026, 2, 15)
    assert "perkiraan" not in table.note


def test_an_empty_register(ctx, office_zone):
    section = build()
    assert all(value == 0 for value in figures(section).values())
    for side in ("inherent", "residual"):
        assert set(grid_counts(section, side).values()) == {0}
    assert all(row[1:] == [0] * 5 for row in section.table("risiko-peta-inheren").rows)
    assert all(row[2:] == [0, 0] for row in section.table("risiko-tingkat").rows)
    assert all(row[1:] == [0, 0, 0, 0] for row in section.table("risiko-kategori").rows)
    assert [row[1] for row in section.table("risiko-terlambat").rows] == [0, 0]


def _seed(start: int, count: int) -> None:
    for n in range(start, start + count):
        made = services.create_risk(date(2026, 1, 10), code=f"R-{n:03d}", title=f"Risiko {n}",
                                    category=("security", "operational")[n % 2],
                                    inherent_likelihood=n % 5 + 1, inherent_impact=(n * 2) % 5 + 1)
        made.created_at = wita(2026, 1, 10, 9)
        db.session.flush()
        services.review(made, date(2026, 2, 1), None)
        services.add_action(made, "Tindakan", None, date(2026, 2, 1))
        if n % 3 == 0:
            services.update_risk(made, date(2026, 3, 1), status="closed")
    db.session.commit()


def test_query_count_does_not_grow_with_the_risks(app, ctx, office_zone):
    calendar = load_calendar()
    _seed(1, 4)
    with counted_queries(app) as few:
        risks_section.build(Q1, NOW, calendar)
    _seed(5, 40)
    with counted_queries(app) as many:
        section = risks_section.build(Q1, NOW, calendar)
    assert figures(section)["Risiko baru"] == 44
    assert len(many) == len(few)
