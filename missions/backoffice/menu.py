"""The staff menu, grouped by what the DEC does: prepare a session, follow it, control the
files, pay, keep the reference data. One entry per task; each role sees the entries its
permissions show (Wagtail filters every item before this hook regroups them).

Menu items are registered by the viewsets and the custom views; this hook only moves them
into their task group, hides what duplicates another entry, and leaves anything unknown
(pages, documents, settings, help) where Wagtail put it."""

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

# (label, icon, order, item names in the order shown)
TASKS = [
    ("Préparer", "date", 200, [
        "sessions", "centres-depreuves", "intervenants", "missions", "missions-import",
        "convocations", "demandes-dintervenants",
    ]),
    ("Affecter", "group", 200, [
        "proposer-une-affectation", "besoins", "competences", "indisponibilites",
        "etablissements-et-maxima", "chefs-detablissement",
        "tarifs-indicatifs-de-deplacement", "ratios-candidats-par-intervenant",
    ]),
    ("Suivre", "view", 201, ["service-fait", "etats-de-frais", "historique-des-statuts"]),
    ("Contrôler", "doc-full", 202, ["controle-dec", "dossiers-financiers"]),
    ("Payer", "doc-empty", 203, ["payment-batches"]),
    ("Référentiels", "folder-open-inverse", 210, [
        "examens-et-concours", "types-de-mission", "taux-de-remuneration",
        "taux-de-frais-de-deplacement", "groupes-de-taux", "communes", "iles", "archipels",
    ]),
]  # fmt: skip
# Entries that repeat another one: the batches are in "Mises en paiement", the attestations
# in "Service fait"; "Fragments" (the list of every snippet type) means nothing to the DEC.
HIDDEN = {"lots-de-mise-en-paiement", "attestations-de-service-fait", "snippets"}
# Groups that only held items now regrouped.
DISSOLVED = {"missions", "referentiels", "tarifs", "affectation"}
SHORT_LABELS = {
    "demandes-dintervenants": "Demandes externes",
    "taux-de-frais-de-deplacement": "Taux de déplacement",
    "tarifs-indicatifs-de-deplacement": "Tarifs indicatifs",
    "ratios-candidats-par-intervenant": "Ratios de candidats",
}
# Characters the sidebar shows without cutting (top level beside an icon; in a submenu).
MAX_LABEL, MAX_SUBMENU_LABEL = 18, 28


class TaskMenu(Menu):
    """A submenu that keeps the order of TASKS rather than the items' own `order`."""

    def render_component(self, request):
        return [item.render_component(request) for item in self.menu_items_for_request(request)]


def _flatten(request, items):
    for item in items:
        if isinstance(item, SubmenuMenuItem) and item.name in DISSOLVED:
            yield from item.menu.menu_items_for_request(request)
        else:
            yield item


@hooks.register("construct_main_menu")
def group_menu_by_task(request, menu_items):
    items = list(_flatten(request, menu_items))
    by_name = {}
    for item in items:
        by_name.setdefault(item.name, item)
    grouped = {name for _, _, _, names in TASKS for name in names}
    rebuilt = [item for item in items if item.name not in grouped and item.name not in HIDDEN]
    for label, icon, order, names in TASKS:
        members = [by_name[name] for name in names if name in by_name]
        for member in members:
            member.label = SHORT_LABELS.get(member.name, member.label)
        if len(members) == 1:
            rebuilt.append(members[0])
        elif members:
            slug = "tache-" + label.lower().replace(" ", "-").replace("é", "e").replace("ô", "o")
            menu = TaskMenu(items=members)
            rebuilt.append(SubmenuMenuItem(label, menu, name=slug, icon_name=icon, order=order))
    menu_items[:] = rebuilt
