"""The demo's calendar: its sessions dated from today, the status each generated file reaches,
and the dated status history that leads there."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from missions.enums import (
    Actor,
    PartStatus,
)
from missions.models import (
    StatusChange,
)

T = datetime.time

S = PartStatus


DEMO_SESSION_MARK = "(démo)"


@dataclass
class Plan:
    """What to generate for one mission's état de frais."""

    remuneration_status: str
    travel_status: str


def session_plans(today):
    # The June sessions are the last ones whose entry deadline (31 August) has passed, so
    # that their files can be paid; the current session started ten days ago.
    year = today.year if today.month >= 9 else today.year - 1
    june = datetime.date(year, 6, 1)
    current_start = today - datetime.timedelta(days=10)
    return [
        (
            "bac-general",
            f"Baccalauréat {year}, session de juin {DEMO_SESSION_MARK}",
            year,
            june + datetime.timedelta(days=14),
            june + datetime.timedelta(days=28),
            datetime.date(year, 8, 31),
        ),
        (
            "dnb",
            f"DNB {year}, session de juin {DEMO_SESSION_MARK}",
            year,
            june + datetime.timedelta(days=22),
            june + datetime.timedelta(days=26),
            datetime.date(year, 8, 31),
        ),
        (
            "bts",
            f"BTS {today.year}, session de remplacement {DEMO_SESSION_MARK}",
            today.year,
            current_start,
            current_start + datetime.timedelta(days=24),
            current_start + datetime.timedelta(days=55),
        ),
    ]


def status_plan(rng, session_index, start_date, today, eligible):
    if start_date > today:
        remuneration = S.OPEN
    elif session_index == 2:  # the current session
        remuneration = rng.choices(
            [S.TO_ENTER, S.VALIDATED_BY_INTERVENANT, S.SERVICE_FAIT, S.TO_CORRECT],
            weights=[45, 30, 20, 5],
        )[0]
    else:
        remuneration = rng.choices(
            [
                S.PAID,
                S.IN_PAYMENT,
                S.CONTROLLED,
                S.SERVICE_FAIT,
                S.VALIDATED_BY_INTERVENANT,
                S.TO_CORRECT,
                S.TO_ENTER,
                S.REJECTED,
                S.CANCELLED,
            ],
            weights=[45, 10, 10, 10, 8, 5, 6, 3, 3],
        )[0]
    if not eligible:
        return Plan(remuneration, S.NO_FEES)
    travel = remuneration
    if remuneration == S.TO_CORRECT:
        travel = S.VALIDATED_BY_INTERVENANT  # only the part at fault is sent back
    if remuneration == S.PAID and rng.random() < 0.3:
        travel = S.IN_PAYMENT  # travel parts move separately, often later
    return Plan(remuneration, travel)


# The ordinary path; side statuses branch from the step before them.
PATH = [
    S.OPEN,
    S.TO_ENTER,
    S.VALIDATED_BY_INTERVENANT,
    S.SERVICE_FAIT,
    S.CONTROLLED,
    S.IN_PAYMENT,
    S.PAID,
]


BRANCH_FROM = {
    S.TO_CORRECT: S.VALIDATED_BY_INTERVENANT,
    S.REJECTED: S.SERVICE_FAIT,
    S.CANCELLED: S.TO_ENTER,
    S.NO_FEES: S.OPEN,
}


REASONS = {
    S.TO_CORRECT: "Le nombre de copies déclaré ne correspond pas au bordereau du centre.",
    S.REJECTED: "Mission déjà rémunérée au titre d'une autre convocation.",
    S.CANCELLED: "Convocation annulée : épreuve reportée.",
    S.NO_FEES: "Le centre est dans votre commune de résidence ou une commune limitrophe.",
}


ACTORS = {
    S.TO_ENTER: Actor.SYSTEM,
    S.VALIDATED_BY_INTERVENANT: Actor.INTERVENANT,
    S.SERVICE_FAIT: Actor.CHEF_DE_CENTRE,
    S.CONTROLLED: Actor.GESTIONNAIRE,
    S.IN_PAYMENT: Actor.GESTIONNAIRE,
    S.PAID: Actor.GESTIONNAIRE,
    S.TO_CORRECT: Actor.CHEF_DE_CENTRE,
    S.REJECTED: Actor.GESTIONNAIRE,
    S.CANCELLED: Actor.GESTIONNAIRE,
    S.NO_FEES: Actor.SYSTEM,
}


def path_to(target):
    if target in BRANCH_FROM:
        base = BRANCH_FROM[target]
        return [*PATH[: PATH.index(base) + 1], target]
    return PATH[: PATH.index(target) + 1]


def history_rows(part, mission, rng, users, anchors, now):
    """StatusChange rows from `ouvert` to the part's status, in time order and never after
    `now`: the convocation 20 days before the mission, the entry opened when it started,
    the intervenant's validation before the entry deadline, the batch steps at the batch's
    dates (`anchors`, status -> moment), the other steps spread out in between."""
    path = path_to(part.status)
    issued = timezone.make_aware(datetime.datetime.combine(mission.start_date, T(7, 0)))
    issued -= datetime.timedelta(days=20)
    opened = min(
        timezone.make_aware(datetime.datetime.combine(mission.start_date, mission.start_time)),
        now - datetime.timedelta(hours=2),
    )
    deadline = timezone.make_aware(
        datetime.datetime.combine(mission.session.entry_deadline, T(12, 0))
    )
    moments = {S.OPEN: issued, S.TO_ENTER: opened}
    later = [status for status in path if status not in moments]
    floating = [status for status in later if status not in anchors]
    # The floating steps fall between the opening and the first anchored step (or now).
    end = min([anchors[s] for s in later if s in anchors] or [now - datetime.timedelta(hours=1)])
    step = (end - opened) / (len(floating) + 1)
    for index, status in enumerate(floating, start=1):
        moments[status] = opened + step * (index - rng.uniform(0, 0.4))
    validated = moments.get(S.VALIDATED_BY_INTERVENANT)
    if validated and validated > deadline:  # validated in time, or it would not be further
        moments[S.VALIDATED_BY_INTERVENANT] = opened + (min(deadline, end) - opened) / 2
    moments.update({s: anchors[s] for s in later if s in anchors})
    rows, previous = [], ""
    for status in path:
        actor = ACTORS.get(status, Actor.GESTIONNAIRE)
        rows.append(
            StatusChange(
                part=part,
                from_status=previous,
                to_status=status,
                at=moments[status],
                actor=users.get(actor),
                actor_role=actor,
                reason=REASONS.get(status, ""),
            )
        )
        previous = status
    return rows


def at_hour(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, T(hour, 0)))


def issued_at_date(start_date):
    """The convocation went out 20 days before the mission."""
    return at_hour(start_date - datetime.timedelta(days=20), 7)


def issued_at_of(mission):
    return issued_at_date(mission.start_date)
