from .convocations import ConvocationDocument, ConvocationRun, RunStatus
from .fees import (
    Attestation,
    EtatDeFrais,
    FeePart,
    MealLine,
    NightLine,
    StatusChange,
    TravelLeg,
    WorkLine,
)
from .geography import Archipelago, Commune, Island
from .intervenants import DossierFinancier, Intervenant
from .missions import Mission
from .notifications import Notification
from .organisation import Centre, Exam, ExamKind, Session
from .payments import PaymentBatch, PaymentFile, PaymentLine
from .rates import Activity, Rate, RateGroup, TravelRate

__all__ = [
    "Activity",
    "Archipelago",
    "Attestation",
    "Centre",
    "Commune",
    "ConvocationDocument",
    "ConvocationRun",
    "DossierFinancier",
    "EtatDeFrais",
    "Exam",
    "ExamKind",
    "FeePart",
    "Intervenant",
    "Island",
    "MealLine",
    "Mission",
    "NightLine",
    "Notification",
    "PaymentBatch",
    "PaymentFile",
    "PaymentLine",
    "Rate",
    "RateGroup",
    "RunStatus",
    "Session",
    "StatusChange",
    "TravelLeg",
    "TravelRate",
    "WorkLine",
]
