"""Stage 1: bytes to text (UTF-8 with or without BOM, else Windows-1252), within the size limit."""

from __future__ import annotations

from lib.ingest.results import MAX_UPLOAD_BYTES, MB, ImportRejected, Problem


def _size_text(n: int) -> str:
    """50 MB (52,428,800 bytes); small sizes in bytes only."""
    return f"{n / MB:g} MB ({n:,} bytes)" if n >= MB else f"{n:,} bytes"


def decode(raw: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
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
    if not raw.strip():
        raise ImportRejected(
            [Problem(None, None, None, "The file is empty. Upload a CSV with a header row.")]
        )
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
    except UnicodeDecodeError:
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
    if not text.strip():
        # A byte-order mark and blanks only.
        raise ImportRejected(
            [Problem(None, None, None, "The file is empty. Upload a CSV with a header row.")]
        )
    return text, encoding
