from regulations.models.pages import (
    DocumentationIndexPage,
    DocumentationPage,
    FeeSimulatorPage,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from regulations.models.requests import IntervenantRequest, RequestStatus

__all__ = [
    "DocumentationIndexPage",
    "DocumentationPage",
    "FeeSimulatorPage",
    "IntervenantRequest",
    "IntervenantRequestPage",
    "RegulationIndexPage",
    "RegulationPage",
    "RequestStatus",
]
