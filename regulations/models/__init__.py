from .pages import (
    DocumentationIndexPage,
    DocumentationPage,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from .requests import IntervenantRequest, RequestStatus

__all__ = [
    "DocumentationIndexPage",
    "DocumentationPage",
    "IntervenantRequest",
    "IntervenantRequestPage",
    "RegulationIndexPage",
    "RegulationPage",
    "RequestStatus",
]
