"""What a report section is made of. The page, the PDF (the same HTML), the XLSX (one
sheet per section) and the CSVs (one per table) all draw from these objects, so a figure
cannot differ between them.

Values stay raw (int, float, Decimal, date, str, None); a column's `kind` says how to
show them: "text", "int", "pct" (a share 0..1, shown as "45,2 %"), "dec1"/"dec2" (one or
two decimals), "dec3"/"dec4" (three or four: the survey's NRR tertimbang and IKM, as the
survey's own report shows them), "minutes" (one decimal), "date". None is shown as "–"."""

from dataclasses import dataclass, field

KINDS = ("text", "int", "pct", "dec1", "dec2", "dec3", "dec4", "minutes", "date")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "int"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind}")


@dataclass
class Table:
    key: str  # unique in the report, e.g. "loket-layanan": the CSV's name and the anchor
    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""  # a sentence under the table (a definition, a caveat)

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: {len(row)} cells for {len(self.columns)} columns")


@dataclass
class Series:
    name: str
    values: list  # one number (or None) per label


@dataclass
class Chart:
    """A chart drawn on the server as SVG (web/charts.py): "bars" (grouped bars per
    label), "lines" (one line per series over the labels) or "heatmap" (`grid`, a
    risks.heatmap.Grid). `table` is the key of the table holding its numbers."""

    kind: str
    title: str
    table: str
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    grid: object = None
    unit: str = ""  # shown on the value axis, e.g. "%" or "menit"


@dataclass(frozen=True)
class Figure:
    """A headline number at the top of a section."""

    label: str
    value: object
    kind: str = "int"
    note: str = ""  # e.g. "triwulan lalu 1.204"


@dataclass
class Section:
    key: str  # counter | rooms | survey | assets | risks
    title: str  # "1. Layanan loket"
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # paragraphs under the heading

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)
