"""Names of the admin URLs of the creation requests, for the viewset that defines them and
for the emails that link to them (services must not import the admin)."""

VIEWSET_NAME = "demandes-intervenants"


def url_name(view):
    return f"{VIEWSET_NAME}:{view}"
