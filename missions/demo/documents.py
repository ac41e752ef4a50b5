"""Every document the demo references exists in private storage: no dead link."""

from django.core.files.base import ContentFile

from missions.storage import private_storage

# Every document the demo references exists in private storage: no dead link.
DEMO_DOCUMENTS = {
    "demo/rib.pdf": "RIB de démonstration",
    "demo/identite.pdf": "Pièce d'identité de démonstration",
    "demo/billet-avion.pdf": "Billet d'avion de démonstration",
}


def small_pdf(title):
    """A one-page PDF saying it is a demonstration document (a few hundred bytes)."""
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
    out += trailer.encode() + b"%%EOF\n"
    return out


def write_demo_documents():
    storage = private_storage()
    for name, title in DEMO_DOCUMENTS.items():
        if not storage.exists(name):
            storage.save(name, ContentFile(small_pdf(title)))
