"""Blocks of the regulation pages: the shared content blocks plus the live rate table."""

from wagtail import blocks

from home.blocks import ContentStreamBlock, TitledBlockMixin
from regulations import rate_tables


class RateTableBlock(TitledBlockMixin, blocks.StructBlock):
    """The rates in force, read from the database each time the page is rendered."""

    table = blocks.ChoiceBlock(
        label="Barème",
        choices=[
            (rate_tables.REMUNERATION, "Taux de rémunération"),
            (rate_tables.TRAVEL, "Frais de déplacement (repas, nuitées, kilomètres)"),
        ],
        default=rate_tables.REMUNERATION,
    )
    title = blocks.CharBlock(label="Titre", max_length=150, required=False)
    show_previous = blocks.BooleanBlock(
        label="Afficher aussi les taux antérieurs", required=False, default=False
    )

    class Meta:
        icon = "table"
        label = "Barème des taux en vigueur"
        template = "regulations/blocks/rate_table.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        builder = (
            rate_tables.travel_table
            if value["table"] == rate_tables.TRAVEL
            else rate_tables.remuneration_table
        )
        context["rates"] = builder(show_previous=value["show_previous"])
        context["is_travel"] = value["table"] == rate_tables.TRAVEL
        return context


SIMULATOR_FORM = "formulaire"
SIMULATOR_LINK = "lien"


class SimulatorBlock(TitledBlockMixin, blocks.StructBlock):
    """'Simuler mes indemnités': the fee simulator's form and result inside the page, or a
    link to the simulator's own page."""

    title = blocks.CharBlock(
        label="Titre", max_length=150, required=False, default="Simuler mes indemnités"
    )
    display = blocks.ChoiceBlock(
        label="Affichage",
        choices=[
            (SIMULATOR_FORM, "Le formulaire de simulation dans la page"),
            (SIMULATOR_LINK, "Un encadré avec un lien vers la page du simulateur"),
        ],
        default=SIMULATOR_FORM,
    )

    class Meta:
        icon = "calculator"
        label = "Simuler mes indemnités"
        template = "regulations/blocks/simulator.html"

    def get_context(self, value, parent_context=None):
        from regulations.simulator import simulator_context

        context = super().get_context(value, parent_context)
        request = context.get("request")
        if value["display"] == SIMULATOR_FORM and request is not None:
            context.update(simulator_context(request))
            context["action"] = request.path
        return context


class RegulationStreamBlock(ContentStreamBlock):
    rate_table = RateTableBlock()
    simulator = SimulatorBlock()
