"""Stage 1: bytes to text (UTF-8 with or without BOM, else Windows-1252; an .xlsx workbook's
sheet), within the size limit; classic-Mac line ends (CR only) become LF."""

from __future__ import annotations

import re

from lib.ingest.results import MAX_UPLOAD_BYTES, MB, ImportRejected, Problem, Reason
from lib.ingest.xlsx import is_xlsx, xlsx_to_text

#: A multi-byte UTF-8 sequence: a file holding one is UTF-8 text, even when a stray byte elsewhere
#: is not (a Windows-1252 reading would turn its accents into mojibake: "CÃ´te").
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _size_text(n: int) -> str:
    """50 MB (52,428,800 bytes); small sizes in bytes only."""
    return f"{n / MB:g} MB ({n:,} bytes)" if n >= MB else f"{n:,} bytes"


def _file_problem(message: str, value: str | None = None, row: int | None = None) -> ImportRejected:
    return ImportRejected([Problem(row, None, value, message, reason=Reason.FILE)])


def decode(
    raw: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES, *, sheet: str | None = None
) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding).

    An .xlsx workbook becomes the CSV text of its sheet ``sheet`` (else its first sheet).
    """
    if max_bytes is not None and len(raw) > max_bytes:
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    f"{len(raw):,} bytes",
                    f"The file is larger than the limit of {_size_text(max_bytes)}. Split it into smaller files.",
                )
            ]
        )
    if not raw or raw.isspace():  # (strip() would copy the whole file to find out)
        raise ImportRejected(
            [
                Problem(
                    None, None, None, "The file is empty. Upload a CSV with a header row.", reason=Reason.FILE
                )
            ]
        )
    if is_xlsx(raw):
        return _text_checked(xlsx_to_text(raw, sheet)), "xlsx"
    if b"\x00" in raw:
        # UTF-16 files and binaries (xlsx, zip) contain NULs: a CSV never does.
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    None,
                    "The file contains NUL bytes: it is not a text CSV (is it an Excel file or UTF-16?). "
                    "Save it as 'CSV UTF-8'.",
                )
            ]
        )
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as bad:
        if UTF8_MULTIBYTE.search(raw):
            line = raw.count(b"\n", 0, bad.start) + 1
            raise _file_problem(
                f"The file is UTF-8 text but line {line} holds a byte that is not UTF-8 "
                f"(0x{raw[bad.start]:02x}): part of the file was saved in another encoding. "
                "Fix that line, or save the whole file as 'CSV UTF-8'.",
                f"byte 0x{raw[bad.start]:02x} at offset {bad.start}",
                row=line,
            ) from None
        try:
            text, encoding = raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                [
                    Problem(
                        None,
                        None,
                        f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                        "The file is neither UTF-8 nor Windows-1252 text. Save it as 'CSV UTF-8'.",
                    )
                ]
            ) from None
    return _text_checked(text), encoding


def _text_checked(text: str) -> str:
    """The text with CR-only line ends made LF; refused when it holds nothing but blanks."""
    if not text or text.isspace():
        # A byte-order mark and blanks only.
        raise ImportRejected(
            [
                Problem(
                    None, None, None, "The file is empty. Upload a CSV with a header row.", reason=Reason.FILE
                )
            ]
        )
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac: the readers split lines on LF only
    return text
