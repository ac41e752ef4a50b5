from .pages import (
    DocumentationIndexPage,
    DocumentationPage,
    FeeSimulatorPage,
    IntervenantRequestPage,
    RegulationIndexPage,
    RegulationPage,
)
from .requests import IntervenantRequest, RequestStatus

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
