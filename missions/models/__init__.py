from missions.models.convocations import ConvocationDocument, ConvocationRun, RunStatus
from missions.models.fees import (
    Attestation,
    EtatDeFrais,
    FeePart,
    MealLine,
    NightLine,
    StatusChange,
    TravelLeg,
    WorkLine,
)
from missions.models.geography import Archipelago, Commune, Island
from missions.models.intervenants import DossierFinancier, Intervenant
from missions.models.missions import Mission
from missions.models.notifications import Notification
from missions.models.organisation import Centre, Exam, ExamKind, Session
from missions.models.payments import PaymentBatch, PaymentFile, PaymentLine
from missions.models.rates import Activity, Rate, RateGroup, TravelRate

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
