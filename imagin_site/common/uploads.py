"""Files sent through the public form and the portal (supporting documents, receipts):
size and type checked by content."""

from django.core.exceptions import ValidationError

MAX_UPLOAD_SIZE = 5 * 1024 * 1024  # 5 Mo
# The first bytes of each accepted format; the file name and browser's MIME type are ignored.
SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\x89PNG\r\n\x1a\n": ".png",
    b"\xff\xd8\xff": ".jpg",
}
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def detected_extension(uploaded):
    """The extension matching the file's magic bytes, or None if the format is not accepted."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, extension in SIGNATURES.items():
        if head.startswith(signature):
            return extension
    return None


def validate_supporting_document(uploaded):
    """Refuse files over the size limit or whose content is not PDF, PNG or JPEG.

    Returns the extension to store the file under (from its content, not its name).
    """
    if uploaded.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            "Le fichier dépasse la taille maximale de 5 Mo.", code="file_too_large"
        )
    extension = detected_extension(uploaded)
    if extension is None:
        raise ValidationError(
            "Format non accepté : joignez un fichier PDF, JPEG ou PNG.", code="file_type"
        )
    return extension
