"""Private files (receipts, convocations, supporting documents): stored outside the public
media path and only served by views that check permissions."""

import uuid
from pathlib import PurePath

from django.core.files.storage import storages


def private_storage():
    """Callable storage: resolved at run time, so tests and deployments can relocate it."""
    return storages["private"]


def private_upload_path(instance, filename):
    """A random name under the model's folder: the client's filename is never trusted."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"
