"""The quarterly report (laporan triwulan, Pasal 11 of the LPSE regulation) across every
module, and the special report: the same page for a custom range.

- `periods.py`  a report's period: a quarter or a custom range of office days, and the
                instants that bound it in the office's zone;
- `tables.py`   what a section is made of (figures, charts, tables): the page, the PDF,
                the XLSX and the CSVs all draw from the same objects;
- `*_section.py` one builder per module (counter, rooms, survey, assets, risks);
- `quarterly.py` the report: the office, the period and the sections, in order;
- `views.py`    the page and its downloads (`exports.py` writes them)."""
