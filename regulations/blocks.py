"""Blocks of the regulation pages: the shared content blocks plus the live rate table."""

from wagtail import blocks

from home.blocks import ContentStreamBlock, TitledBlockMixin

from . import rate_tables


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


class RegulationStreamBlock(ContentStreamBlock):
    rate_table = RateTableBlock()
