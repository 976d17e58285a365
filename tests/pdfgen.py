"""A tiny PDF writer for test fixtures: pages of text placed at given positions, in
Helvetica, the way report PDFs lay out their tables. Used to write small PDFs in the
publishers' layouts without a PDF library."""

from __future__ import annotations

from collections.abc import Sequence

Text = tuple[float, float, str, float]  # x, y (from the bottom, in points), text, font size


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: Sequence[Sequence[Text]], width: float = 612, height: float = 792) -> bytes:
    """Return the bytes of a PDF with one page per item of ``pages``."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    contents = []
    for texts in pages:
        stream = "\n".join(f"BT /F1 {size} Tf {x} {y} Td ({_escape(t)}) Tj ET" for x, y, t, size in texts)
        data = stream.encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        page_ids.append(add(b""))  # filled once the Pages object's number is known
        contents.append(content)
    pages_id = add(b"")
    for pid, content in zip(page_ids, contents):
        objects[pid - 1] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, width, height, content, font))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def table_page(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, top: float = 740,
               step: float = 14, columns: Sequence[float] = (72, 400), size: float = 10) -> list[Text]:
    """A page with a title line, a header row and one text line per row (cells at ``columns``)."""
    texts: list[Text] = [(columns[0], top, title, size + 4)]
    y = top - 2 * step
    for cells in [header, *rows]:
        for x, cell in zip(columns, cells):
            if cell:
                texts.append((x, y, cell, size))
        y -= step
    return texts
