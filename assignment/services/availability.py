"""Unavailability declared by an intervenant, their school or the DEC. An absence that
would cover a mission already accepted is refused: the DEC must move the mission first."""

from django.core.exceptions import ValidationError

from assignment.models import Unavailability
from assignment.services.problem import periods_overlap
from assignment.services.proposals import mission_period
from missions.models import Mission


def declare(intervenant, start_date, end_date, period, reason, entered_as, user):
    clash = next(
        (
            mission
            for mission in Mission.objects.filter(
                intervenant=intervenant, start_date__lte=end_date, end_date__gte=start_date
            ).select_related("centre")
            if periods_overlap(mission_period(mission.start_time, mission.end_time), period)
        ),
        None,
    )
    if clash is not None:
        raise ValidationError(
            f"Vous êtes déjà convoqué(e) le {clash.start_date:%d/%m/%Y} au centre "
            f"{clash.centre.name} : contactez la DEC pour vous en libérer."
        )
    absence = Unavailability(
        intervenant=intervenant,
        start_date=start_date,
        end_date=end_date,
        period=period,
        reason=reason,
        entered_as=entered_as,
        entered_by=user,
    )
    absence.full_clean()
    absence.save()
    return absence
