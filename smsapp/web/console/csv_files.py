"""CSV downloads that are safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (OWASP "CSV injection"); such a cell gets a leading
apostrophe, which spreadsheets show as text and do not evaluate. The member import strips
that apostrophe again, so an exported list can be imported back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A UTF-8 CSV attachment (with a BOM, so Excel reads accents right). Built whole
    inside the request: its rows may come from the request's database session."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c) for c in header])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
