"""Downloads people can open safely: CSV and Excel with formula-like cells neutralised."""

from __future__ import annotations

import io

import pandas as pd

# OWASP CSV injection: a spreadsheet treats cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that start like a formula are prefixed with a quote."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents) of the neutralised frame."""
    return neutralise(df).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def to_excel_bytes(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx of the neutralised frame (openpyxl)."""
    buf = io.BytesIO()
    safe = neutralise(df)
    # Excel has no timezone-aware datetimes.
    for col in safe.columns:
        if isinstance(safe[col].dtype, pd.DatetimeTZDtype):
            safe[col] = safe[col].dt.tz_localize(None)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        safe.to_excel(xl, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
