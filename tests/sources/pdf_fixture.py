"""A tiny PDF writer for tests: pages of text lines at given positions (Helvetica), enough
for a synthetic OECD Country Risk Classification in the official layout."""

from __future__ import annotations

from pathlib import Path

Line = tuple[float, float, str]  # x, y, text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[Line]]) -> Path:
    """Write `pages` (each a list of lines) as a valid PDF with one font."""
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        stream = "".join(f"BT /F1 9 Tf 1 0 0 1 {x} {y} Tm ({_escape(t)}) Tj ET\n"
                         for x, y, t in lines).encode("cp1252")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    path.write_bytes(bytes(out))
    return path


# The legend of the 2026-01-30 edition, with the numbers of a future edition shuffled: the
# parser must read each note's meaning from its text, not from its number.
NOTES = {
    1: "This document and any map included herein are without prejudice to the status.",
    2: "Currently not reviewed or classified.",
    3: "High Income OECD Country not reviewed or classified.",
    4: "High Income Euro Area Country not reviewed or classified.",
    5: "European micro-state that uses the euro through monetary agreement with the "
       "European Union not reviewed or classified.",
}
ROWS = [
    "1 AFG Afghanistan 7 7",
    "2 AND Andorra - - (5)",
    "3 AUT Austria - - (3) (4)",
    "4 BRB Barbados - - (2)",
    "5 SGP Singapore 0 0",
    "6 XKV Kosovo 6 6",
    "7 ARM Armenia 6 5",
    "8 CHN China (People\u2019s Republic of) 2 2",
]


def crc_pdf(path: Path, rows: list[str] = ROWS, notes: dict[int, str] = NOTES) -> Path:
    """A two-page classification: rows on page 1, the rest and the notes on page 2."""
    header = [(60, 560, "Valid as of:"), (300, 545, "30 January 2026"),
              (84, 520, "nb Country Code ISO Alpha 3 Country Name (1) Previous Current "
               "Prevailing Notes")]
    first = header + [(84, 500 - 16 * i, r) for i, r in enumerate(rows[:5])]
    second = header + [(84, 500 - 16 * i, r) for i, r in enumerate(rows[5:])]
    y = 380
    second.append((78.8, y, "Notes"))
    for number, text in notes.items():
        y -= 18
        second += [(78.8, y, f"({number})"), (108.8, y, text)]
    return write_pdf(path, [first, second])
