"""What a proposal says when it is part of a trip: a person sent to another island for
needs on consecutive days makes one trip (one fare, the nights between), and the first need
of the trip carries its fare in its estimated cost (problem.bundle), so that the proposals'
costs add up to what the états de frais would show."""

from collections import defaultdict

from assignment.services.problem import Candidates, Problem, run_of, stays


def money(amount):
    return f"{amount:,} XPF".replace(",", "\u202f")


def _dates(days):
    """ "du 12/06", "du 12/06 et du 13/06", "du 12/06, du 13/06 et du 14/06"."""
    named = [f"du {day:%d/%m}" for day in days]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} et {named[-1]}"


def paid_trips(fixed, people) -> defaultdict:
    """person id -> {(island id, date)} where the pinned or accepted proposals `fixed`
    already send them from another island (PersonSpec.trips)."""
    away = defaultdict(set)
    for proposal in fixed:
        person = people.get(proposal.intervenant_id)
        island = proposal.need.centre.island_id
        if person is not None and island not in {person.home_island_id, person.work_island_id}:
            away[person.pk].add((island, proposal.need.date))
    return away


class TripWording:
    def __init__(self, problem: Problem, found: Candidates, assignments):
        self.found = found
        self.stays = stays(found, assignments)
        self.same_day = {}  # (person, island, date) -> need ids, in the order bundle charges
        for need_id, person_id, _ in assignments:
            stay = found.stay_of(need_id, person_id)
            if stay is not None:
                self.same_day.setdefault(stay, []).append(need_id)

    def cost(self, need_id, person_id, amount) -> str | None:
        """The cost sentence of a proposal sharing its trip with others, else None (a need
        alone keeps the fee engine's detailed estimate)."""
        stay = self.found.stay_of(need_id, person_id)
        if stay is None:
            return None
        _, island_id, day = stay
        run = run_of(self.stays[person_id, island_id], day)
        others = [date for date in run if date != day]
        if not others and len(self.same_day[stay]) == 1 and stay not in self.found.paid:
            return None
        price = self.found.trips[need_id, person_id]
        total = price.start + len(run) * price.day
        if others:
            shared = (
                f"Même déplacement que {'ses besoins' if len(others) > 1 else 'son besoin'} "
                f"{_dates(others)} : un seul billet "
                f"({len(run)} jours sur place, {len(run) + 1} nuitées, coût du séjour "
                f"{money(total)})."
            )
        else:
            shared = "Même déplacement que son autre besoin du jour sur l'île : un seul billet."
        if amount == 0:
            return f"{shared} Coût estimé {money(0)} : la journée est déjà comptée."
        day_part = f"{money(price.day)} pour la journée (déjeuner, dîner, nuitée)"
        if amount >= price.start + price.day:
            return (
                f"{shared} Coût estimé {money(amount)} : {money(price.start)} pour le "
                f"billet aller-retour, la nuitée et le dîner de la veille, {day_part}."
            )
        first = run[0]
        where = "" if first == day else f" ; le billet est compté sur le besoin {_dates([first])}"
        return f"{shared} Coût estimé {money(amount)} : {day_part}{where}."
