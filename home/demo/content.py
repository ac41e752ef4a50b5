"""The text of the demo public pages, written from the domain reference (DOMAIN.md).

Bodies are in StreamField's JSON form. Rate tables are not written here: the rate-table
blocks read them from the database (the worked examples quote DOMAIN.md).
"""

REGULATIONS_URL = "/reglementation/"
REMUNERATION_URL = "/reglementation/frais-de-remuneration/"
TRAVEL_URL = "/reglementation/frais-de-deplacement/"
PAID_URL = "/reglementation/se-faire-indemniser/"
DOCUMENTATION_URL = "/comment-ca-marche/"
REQUEST_URL = "/intervenant-exterieur/"
CONTACT_URL = "/contact/"
PERSONAL_DATA_URL = "/donnees-personnelles/"


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html):
    return {"type": "paragraph", "value": html}


def callout(text, title="", tone="info"):
    return {"type": "callout", "value": {"tone": tone, "title": title, "text": text}}


def faq(title, items):
    return {
        "type": "accordion",
        "value": {
            "title": title,
            "items": [{"question": q, "answer": a} for q, a in items],
        },
    }


def downloads(title, documents):
    return {
        "type": "documents",
        "value": {
            "title": title,
            "documents": [
                {"document": doc.pk, "title": "", "description": description}
                for doc, description in documents
            ],
        },
    }


def simulator_link(title="Simuler mes indemnités"):
    return {"type": "simulator", "value": {"title": title, "display": "lien"}}


def rate_table(table, title, show_previous=True):
    return {
        "type": "rate_table",
        "value": {"table": table, "title": title, "show_previous": show_previous},
    }


# --- Home page -------------------------------------------------------------------------

HOME_PURPOSE = (
    "<p>IMAG'IN est l'application dans laquelle les <b>intervenants aux examens et "
    "concours</b> — correcteurs, examinateurs, membres de jury, surveillants, concepteurs "
    "de sujets —\u00a0:</p>"
    "<ul><li>consultent les missions pour lesquelles ils sont convoqués\u00a0;</li>"
    "<li>saisissent le travail effectué (copies corrigées, heures d'interrogation...) et "
    "leurs déplacements\u00a0;</li>"
    "<li>valident leur état de frais et suivent son traitement jusqu'au paiement\u00a0;</li>"
    "<li>tiennent à jour leur dossier financier (coordonnées bancaires, véhicule).</li></ul>"
    "<p>Elle est utilisée en Polynésie française depuis la session 2017.</p>"
)

HOME_LOGIN_HELP = (
    "<ol><li>Votre <b>identifiant</b> et votre <b>premier mot de passe</b> figurent sur "
    "votre convocation.</li>"
    "<li>À la première connexion, vous choisissez un mot de passe personnel.</li>"
    "<li>Après la mission, saisissez ce que vous avez fait et vos frais, puis validez.</li>"
    "<li>Le chef de centre atteste le <b>service fait</b>\u00a0; la DEC contrôle puis met en "
    "paiement.</li></ol>"
    "<p>Chefs de centre\u00a0: l'attestation du service fait se fait mission par mission ou "
    "en une seule fois pour tout votre centre, depuis votre espace de gestion.</p>"
)


def home_links(*, documentation, paid, remuneration, travel, request_page, contact, simulator):
    tiles = [
        (simulator, "", "Estimez vos indemnités et vos frais de déplacement avant une mission."),
        (documentation, "", "Guides d'utilisation et questions fréquentes."),
        (paid, "", "Les étapes, de la convocation au paiement."),
        (remuneration, "", "Les taux par type de mission et par examen."),
        (travel, "", "Repas, nuitées, kilomètres, avion et bateau."),
        (request_page, "Intervenant extérieur\u00a0?", "Demandez votre enregistrement."),
        (contact, "Contacter la DEC", "Adresse, téléphone et horaires."),
    ]
    return [
        {"type": "link", "value": {"page": page.pk, "title": title, "description": text}}
        for page, title, text in tiles
    ]


# --- Regulations ---------------------------------------------------------------------------

REGULATION_INDEX = {
    "slug": "reglementation",
    "title": "Réglementation",
    "show_in_menus": True,
    "intro": (
        "<p>Ce que vous percevez pour vos missions d'examen et comment vos frais de "
        "déplacement sont remboursés en Polynésie française. Les barèmes affichés sont "
        "ceux qu'IMAG'IN applique.</p>"
    ),
}

REMUNERATION_BODY = [
    paragraph(
        "<p>La rémunération des intervenants aux examens est fixée par le décret n° 2010-235 "
        "du 5 mars 2010 et par l'arrêté du 13 avril 2012. Le montant dû pour une mission est "
        "égal à la <b>quantité réalisée</b> (copies corrigées, heures d'interrogation, "
        "candidats...) multipliée par le <b>taux</b> de l'activité pour l'examen concerné.</p>"
    ),
    heading("Les taux en vigueur"),
    paragraph(
        "<p>Chaque examen relève d'un groupe de taux. En règle générale, le baccalauréat "
        "est rémunéré au taux 5 pour la correction des copies et au taux 3 pour les "
        "interrogations orales\u00a0; le diplôme national du brevet au taux 1. Les taux fixés en "
        "euros sont convertis en francs CFP à la parité (1 000 XPF = 8,38 €).</p>"
    ),
    rate_table("remuneration", ""),
    callout(
        "<p>37 copies de baccalauréat corrigées au taux 5\u00a0: 37 × 596,66 XPF = 22 076,42 XPF, "
        "soit <b>22 076 XPF</b> après arrondi au franc.</p>"
        "<p>6 h 30 d'interrogation orale au taux 3\u00a0: 6,5 × 1 145,58 XPF = 7 446,27 XPF, soit "
        "<b>7 446 XPF</b>.</p>",
        title="Exemple de calcul",
        tone="success",
    ),
    heading("Cas particuliers"),
    paragraph(
        "<ul><li><b>Épreuves orales facultatives</b>\u00a0: 75 % du taux de l'oral "
        "correspondant.</li>"
        "<li><b>Aide au déroulement des épreuves</b> en dehors des obligations de "
        "service\u00a0: rémunération horaire.</li>"
        "<li><b>Concours</b> (arrêté du 7 mai 2012)\u00a0: les taux dépendent du corps de "
        "l'examinateur (grade supérieur, autre catégorie A, catégorie B, catégorie C) pour "
        "les copies, les heures d'oral et la conception de sujets.</li></ul>"
    ),
    faq(
        "Questions fréquentes",
        [
            (
                "Le nombre de copies attesté diffère de celui que j'ai saisi. Pourquoi\u00a0?",
                "<p>Le chef de centre atteste la quantité réellement réalisée. S'il la "
                "modifie, il indique un commentaire, visible dans votre espace. Vous êtes "
                "payé sur la quantité attestée.</p>",
            ),
            (
                "Ma mission n'apparaît pas dans mon espace.",
                "<p>Une mission apparaît dès que la convocation est émise. Si vous avez "
                "une convocation mais pas de mission dans IMAG'IN, contactez la DEC.</p>",
            ),
            (
                "Les montants sont-ils imposables\u00a0?",
                "<p>Les rémunérations accessoires d'examen sont des revenus\u00a0: elles "
                "figurent sur les états transmis au service payeur.</p>",
            ),
        ],
    ),
    simulator_link(),
]

TRAVEL_BODY = [
    paragraph(
        "<p>Les frais de déplacement sont remboursés selon le décret n° 2006-781 du "
        "3 juillet 2006 et ses arrêtés, avec les taux applicables en Polynésie française. "
        "Ils forment une partie distincte de votre état de frais, traitée et payée "
        "séparément de la rémunération.</p>"
    ),
    heading("Quand un déplacement est-il pris en charge\u00a0?"),
    paragraph(
        "<p>Aucun frais de déplacement n'est dû lorsque le centre d'examen se trouve dans "
        "votre <b>commune de résidence</b> ou votre <b>commune de travail</b>, ou dans une "
        "commune limitrophe de l'une d'elles. Un déplacement entre deux îles ouvre toujours "
        "droit à remboursement.</p>"
    ),
    heading("Repas et nuitées", "h3"),
    paragraph(
        "<ul><li>Un <b>déjeuner</b> est dû lorsque la mission couvre toute la période de "
        "11 h à 14 h, un <b>dîner</b> pour la période de 18 h à 21 h.</li>"
        "<li>Un repas pris dans un restaurant administratif est remboursé à demi-tarif.</li>"
        "<li>Une <b>nuitée</b> est due lorsque la mission couvre la période de 0 h à 5 h "
        "hors de votre résidence.</li></ul>"
    ),
    heading("Transports", "h3"),
    paragraph(
        "<ul><li><b>Véhicule personnel</b>\u00a0: indemnité kilométrique selon la puissance "
        "fiscale de votre véhicule (renseignée dans votre dossier financier) et la "
        "distance parcourue dans l'année.</li>"
        "<li><b>Avion et bateau</b>\u00a0: remboursement du billet en classe économique, sur "
        "justificatif. Rien n'est dû lorsque le billet a été acheté par l'administration "
        "(réquisition).</li>"
        "<li><b>Bus et taxi</b>\u00a0: sur justificatif.</li></ul>"
    ),
    rate_table("deplacement", "Barème des frais de déplacement"),
    callout(
        "<p>Une enseignante de Raiatea est convoquée deux jours à Papeete. Son billet "
        "d'avion est pris sur réquisition\u00a0; elle passe une nuit sur place et déjeune deux "
        "fois, dont une au restaurant administratif\u00a0: 14 320 + 2 864 + 1 432 = "
        "<b>18 616 XPF</b> de frais de déplacement.</p>",
        title="Exemple",
        tone="success",
    ),
    faq(
        "Questions fréquentes",
        [
            (
                "Quels justificatifs dois-je joindre\u00a0?",
                "<p>Billets d'avion ou de bateau payés par vous, tickets de bus ou "
                "factures de taxi. Déposez-les dans votre espace, sur la ligne du trajet "
                "concerné (PDF, JPEG ou PNG).</p>",
            ),
            (
                "Ma nuitée a été refusée. Pourquoi\u00a0?",
                "<p>Une nuitée n'est due que si la mission couvre la période de 0 h à 5 h "
                "hors de votre résidence. Le motif de chaque refus est indiqué dans votre "
                "espace\u00a0; vous pouvez corriger et valider à nouveau si votre état de frais "
                "vous est renvoyé.</p>",
            ),
            (
                "Ma commune de résidence a changé.",
                "<p>Mettez à jour votre adresse dans votre dossier financier avant de "
                "saisir vos déplacements\u00a0: elle détermine vos droits.</p>",
            ),
        ],
    ),
    simulator_link(),
]

PAID_BODY = [
    paragraph(
        "<p>De la convocation au paiement, votre état de frais passe par plusieurs étapes. "
        "Chacune est datée et visible dans votre espace, avec la date de paiement prévue.</p>"
    ),
    heading("Les étapes"),
    paragraph(
        "<ol><li><b>Convocation</b>\u00a0: la DEC vous convoque\u00a0; la mission apparaît dans "
        "votre espace, pas encore modifiable.</li>"
        "<li><b>Saisie</b>\u00a0: une fois la mission réalisée, vous saisissez le travail "
        "effectué et vos déplacements, et vous joignez vos justificatifs.</li>"
        "<li><b>Validation</b>\u00a0: vous vérifiez le calcul détaillé puis validez.</li>"
        "<li><b>Service fait</b>\u00a0: le chef de centre atteste la réalité de la mission.</li>"
        "<li><b>Contrôle</b>\u00a0: la DEC vérifie et valide votre état de frais.</li>"
        "<li><b>Mise en paiement</b>\u00a0: l'état de frais est transmis au service payeur.</li>"
        "<li><b>Paiement</b>\u00a0: la date de paiement est affichée dans votre espace.</li></ol>"
    ),
    callout(
        "<p>Après la <b>date limite de saisie</b> de la session, vous ne pouvez plus "
        "saisir ni valider. Un rappel vous est envoyé par courriel avant cette date.</p>",
        title="Respectez la date limite",
        tone="warning",
    ),
    heading("Votre dossier financier"),
    paragraph(
        "<p>Pour être payé, votre dossier financier doit être complet et à jour\u00a0: "
        "coordonnées bancaires (IBAN et BIC d'un compte à votre nom) avec un RIB, pièce "
        "d'identité et, pour les indemnités kilométriques, la puissance fiscale de votre "
        "véhicule. Le dossier expire après 24 mois sans mission, ou lors d'un changement de "
        "banque, d'adresse ou d'état civil\u00a0: il faut alors le mettre à jour.</p>"
    ),
    heading("Si votre état de frais vous est renvoyé"),
    paragraph(
        "<p>La DEC ou le chef de centre peut vous renvoyer un état de frais à corriger\u00a0: le "
        "motif vous est envoyé par courriel et affiché dans votre espace. Corrigez, puis "
        "validez à nouveau. Un état de frais rejeté l'est toujours avec un motif.</p>"
    ),
    faq(
        "Questions fréquentes",
        [
            (
                "Quand serai-je payé\u00a0?",
                "<p>La date prévue s'affiche dès que votre état de frais est mis en "
                "paiement, puis la date effective une fois le paiement fait. Vous êtes "
                "prévenu par courriel.</p>",
            ),
            (
                "Rémunération et déplacements sont-ils payés ensemble\u00a0?",
                "<p>Non\u00a0: ce sont deux parties de l'état de frais, contrôlées et mises en "
                "paiement séparément.</p>",
            ),
            (
                "J'ai oublié mon mot de passe.",
                "<p>Utilisez le lien « Mot de passe oublié » de la page de connexion\u00a0; un "
                "lien de réinitialisation est envoyé à votre adresse électronique.</p>",
            ),
        ],
    ),
]

SIMULATOR_PAGE = {
    "slug": "simulateur",
    "title": "Simuler mes indemnités",
    "intro": "<p>Avant d'accepter une mission, estimez ce que vous percevrez : "
    "rémunération, trajets, repas et nuitées, calculés avec les règles et les taux "
    "qu'IMAG'IN applique aux états de frais.</p>",
}

REGULATION_PAGES = [
    {
        "slug": "frais-de-remuneration",
        "title": "Frais de rémunération",
        "intro": "<p>Les taux de rémunération des correcteurs, examinateurs et membres de "
        "jury, par type de mission et par examen.</p>",
        "body": REMUNERATION_BODY,
    },
    {
        "slug": "frais-de-deplacement",
        "title": "Frais de déplacement",
        "intro": "<p>Repas, nuitées, indemnités kilométriques et billets\u00a0: ce qui est "
        "remboursé et à quelles conditions.</p>",
        "body": TRAVEL_BODY,
    },
    {
        "slug": "se-faire-indemniser",
        "title": "Comment se faire indemniser\u00a0?",
        "intro": "<p>Les étapes à suivre après votre mission pour être payé, et les pièces "
        "à fournir.</p>",
        "body": PAID_BODY,
    },
]

# --- Documentation -------------------------------------------------------------------------

DOCUMENTS = {
    # key: (title, filename, template)
    "intervenant": (
        "Guide de l'intervenant (PDF)",
        "guide-intervenant.pdf",
        "home/demo_guides/intervenant.html",
    ),
    "chef": (
        "Guide du chef de centre (PDF)",
        "guide-chef-de-centre.pdf",
        "home/demo_guides/chef_de_centre.html",
    ),
    "gestionnaire": (
        "Guide du gestionnaire DEC (PDF)",
        "guide-gestionnaire.pdf",
        "home/demo_guides/gestionnaire.html",
    ),
}


def documentation_index(documents):
    return {
        "slug": "comment-ca-marche",
        "title": "Comment ça marche\u00a0?",
        "show_in_menus": True,
        "intro": "<p>Les guides d'utilisation d'IMAG'IN pour chaque profil, à lire en "
        "ligne ou à télécharger, et les réponses aux questions les plus fréquentes.</p>",
        "body": [
            downloads(
                "Tous les guides à télécharger",
                [
                    (documents["intervenant"], "Se connecter, saisir, valider, être payé."),
                    (documents["chef"], "Attester le service fait."),
                    (documents["gestionnaire"], "Convoquer, contrôler, mettre en paiement."),
                ],
            ),
            faq(
                "Questions fréquentes",
                [
                    (
                        "Où trouver mon identifiant\u00a0?",
                        "<p>Sur votre convocation, avec votre premier mot de passe. "
                        "L'identifiant ne change pas d'une session à l'autre.</p>",
                    ),
                    (
                        "Je ne suis pas personnel de l'éducation en Polynésie\u00a0: comment être "
                        "convoqué\u00a0?",
                        f'<p>Faites une <a href="{REQUEST_URL}">demande de création '
                        "d'intervenant extérieur</a>. La DEC vous enregistre, puis vous "
                        "convoque.</p>",
                    ),
                    (
                        "Qui contacter en cas de difficulté\u00a0?",
                        f'<p>La <a href="{CONTACT_URL}">Direction des examens (DEC)</a> du '
                        "Vice-rectorat.</p>",
                    ),
                ],
            ),
        ],
    }


def documentation_pages(documents):
    return [
        {
            "slug": "guide-intervenant",
            "title": "Guide de l'intervenant",
            "audience": "intervenants",
            "intro": "<p>De la première connexion au paiement\u00a0: tout ce que vous faites "
            "dans votre espace.</p>",
            "body": [
                heading("Se connecter pour la première fois"),
                paragraph(
                    "<ol><li>Ouvrez la page d'accueil et choisissez « Accéder à mon "
                    "espace ».</li><li>Saisissez l'identifiant et le mot de passe imprimés "
                    "sur votre convocation.</li><li>Choisissez un mot de passe personnel "
                    "(12 caractères au moins).</li></ol>"
                ),
                heading("Compléter son dossier financier"),
                paragraph(
                    "<p>Renseignez votre IBAN et votre BIC, déposez votre RIB et une pièce "
                    "d'identité. Indiquez la puissance fiscale de votre véhicule si vous vous "
                    "déplacez en voiture. Sans dossier complet, aucun paiement n'est "
                    "possible.</p>"
                ),
                heading("Saisir et valider une mission"),
                paragraph(
                    "<p>Après la mission, ouvrez-la depuis votre tableau de bord\u00a0: saisissez "
                    "la quantité réalisée, puis vos trajets, repas et nuitées avec leurs "
                    "justificatifs. Le calcul détaillé s'affiche ligne par ligne\u00a0: "
                    "vérifiez-le avant de valider.</p>"
                ),
                callout(
                    "<p>Une fois validé, l'état de frais ne peut plus être modifié, sauf "
                    "s'il vous est renvoyé pour correction.</p>",
                    title="Attention",
                    tone="warning",
                ),
                heading("Suivre le paiement"),
                paragraph(
                    "<p>Chaque étape est datée\u00a0: service fait, contrôle, mise en paiement, "
                    "paiement. Vous recevez un courriel à chaque étape importante.</p>"
                ),
                downloads("Documents", [(documents["intervenant"], "Version imprimable.")]),
            ],
        },
        {
            "slug": "guide-chef-de-centre",
            "title": "Guide du chef de centre",
            "audience": "chefs_de_centre",
            "intro": "<p>Attester le service fait des missions de votre centre d'examen.</p>",
            "body": [
                heading("Se connecter"),
                paragraph(
                    "<p>Le chef de centre se connecte à l'espace de gestion avec son compte "
                    "personnel et un second facteur d'authentification (application "
                    "d'authentification sur téléphone).</p>"
                ),
                heading("Attester le service fait"),
                paragraph(
                    "<p>La liste des missions de votre centre validées par les intervenants "
                    "s'affiche. Attestez-les une par une, ou sélectionnez-en plusieurs pour "
                    "les attester en une fois. Si la quantité réalisée diffère de la quantité "
                    "déclarée, corrigez-la et indiquez un commentaire.</p>"
                ),
                heading("Renvoyer un état de frais"),
                paragraph(
                    "<p>Si une déclaration est erronée, renvoyez-la à l'intervenant avec un "
                    "motif\u00a0: il la corrige et la valide à nouveau.</p>"
                ),
                downloads("Documents", [(documents["chef"], "Version imprimable.")]),
            ],
        },
        {
            "slug": "guide-gestionnaire",
            "title": "Guide du gestionnaire DEC",
            "audience": "gestionnaires",
            "intro": "<p>Organiser les sessions, convoquer, contrôler et mettre en paiement.</p>",
            "body": [
                heading("Préparer une session"),
                paragraph(
                    "<p>Créez la session de l'examen avec ses dates et sa date limite de "
                    "saisie, vérifiez les centres et leurs chefs de centre, et les taux en "
                    "vigueur.</p>"
                ),
                heading("Convoquer les intervenants"),
                paragraph(
                    "<p>Créez les missions puis émettez les convocations\u00a0: l'état de frais "
                    "est créé et, pour un nouvel intervenant, son premier mot de passe est "
                    "imprimé sur la convocation.</p>"
                ),
                heading("Contrôler et mettre en paiement"),
                paragraph(
                    "<p>Contrôlez les états de frais attestés, corrigez-les, renvoyez-les ou "
                    "rejetez-les avec un motif. Regroupez les parties contrôlées dans un lot "
                    "de mise en paiement, exportez-le pour le service payeur, puis "
                    "enregistrez la date de paiement.</p>"
                ),
                heading("Traiter les demandes d'intervenants extérieurs"),
                paragraph(
                    "<p>Les demandes envoyées depuis le formulaire public arrivent dans le "
                    "menu « Demandes d'intervenants ». Acceptez-les pour créer l'intervenant "
                    "et son compte, ou refusez-les avec un motif envoyé au demandeur.</p>"
                ),
                downloads("Documents", [(documents["gestionnaire"], "Version imprimable.")]),
            ],
        },
    ]


# --- Request form, contact, legal pages -----------------------------------------------------

REQUEST_PAGE = {
    "slug": "intervenant-exterieur",
    "title": "Demande de création d'un intervenant extérieur",
    "show_in_menus": True,
    "intro": "<p>Vous n'êtes pas personnel de l'éducation en Polynésie française et vous "
    "êtes sollicité pour un examen ou un concours\u00a0? Vous devez être enregistré dans IMAG'IN "
    "avant de pouvoir être convoqué et rémunéré.</p>",
    "body": (
        "<h2>Qui est concerné\u00a0?</h2>"
        "<ul><li>les fonctionnaires d'une autre administration\u00a0;</li>"
        "<li>les enseignants de l'enseignement supérieur\u00a0;</li>"
        "<li>les fonctionnaires de l'éducation nationale affectés dans une autre "
        "académie\u00a0;</li>"
        "<li>les salariés du secteur privé, professions libérales et retraités.</li></ul>"
        "<h2>Et ensuite\u00a0?</h2>"
        "<p>La DEC examine votre demande et vous répond par courriel. Si elle est acceptée, "
        "votre identifiant et votre premier mot de passe figureront sur votre première "
        "convocation.</p>"
    ),
    "success_text": "<p>La Direction des examens a reçu votre demande et l'examinera dans "
    "les meilleurs délais. Vous recevrez sa réponse par courriel.</p>",
}

CONTACT_PAGE = {
    "slug": "contact",
    "title": "Contact",
    "show_in_menus": True,
    "intro": "<p>Pour toute question sur vos missions, vos états de frais ou vos "
    "paiements, contactez la Direction des examens du Vice-rectorat.</p>",
    "body": "<p>Pour une question sur une mission, indiquez votre identifiant IMAG'IN et "
    "le numéro de votre convocation.</p>",
}

SITEMAP_PAGE = {"slug": "plan-du-site", "title": "Plan du site"}

LEGAL_PAGES = [
    {
        "slug": "accessibilite",
        "title": "Déclaration d'accessibilité",
        "intro": "<p>Le Vice-rectorat de la Polynésie française s'engage à rendre ses sites "
        "internet accessibles, conformément à l'article 47 de la loi n° 2005-102 du "
        "11 février 2005.</p>",
        "body": [
            heading("État de conformité"),
            paragraph(
                "<p>IMAG'IN est <b>non conforme</b> au référentiel général d'amélioration de "
                "l'accessibilité (RGAA) version 4.1\u00a0: aucun audit n'a encore été réalisé. "
                "Le site est construit avec le Système de design de l'État et testé "
                "automatiquement à chaque évolution.</p>"
            ),
            heading("Retour d'information et contact"),
            paragraph(
                f'<p>Si vous ne parvenez pas à accéder à un contenu ou à un service, <a href="'
                f'{CONTACT_URL}">contactez la DEC</a> pour être orienté vers une alternative '
                "accessible ou obtenir le contenu sous une autre forme.</p>"
            ),
            heading("Voies de recours"),
            paragraph(
                "<p>Si vous nous avez signalé un défaut d'accessibilité sans obtenir de "
                "réponse satisfaisante, vous pouvez saisir le Défenseur des droits\u00a0: par son "
                "formulaire en ligne, auprès de son délégué en Polynésie française ou par "
                "courrier postal gratuit.</p>"
            ),
        ],
    },
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "body": [
            heading("Éditeur"),
            paragraph(
                "<p>Vice-rectorat de la Polynésie française — Direction des examens, des "
                "certifications professionnelles et des concours (DEC), Immeuble Vehiarii, "
                "25 avenue Pierre Loti, BP 1632, 98713 Papeete.</p>"
                "<p>Directeur de la publication\u00a0: le vice-recteur de la Polynésie "
                "française.</p>"
            ),
            heading("Hébergement"),
            paragraph(
                "<p>Le site est hébergé par les services informatiques du Vice-rectorat de "
                "la Polynésie française.</p>"
            ),
            heading("Réutilisation des contenus"),
            paragraph(
                "<p>Sauf mention contraire, les contenus de ce site sont proposés sous "
                "licence ouverte Etalab 2.0. Les textes réglementaires cités font foi dans "
                "leur version publiée au Journal officiel.</p>"
            ),
            heading("Système de design"),
            paragraph(
                "<p>Ce site utilise le Système de design de l'État (DSFR), réservé aux "
                "services de l'État.</p>"
            ),
        ],
    },
    {
        "slug": "donnees-personnelles",
        "title": "Données personnelles",
        "intro": "<p>Comment IMAG'IN traite vos données personnelles et comment exercer vos "
        "droits.</p>",
        "body": [
            heading("Responsable du traitement"),
            paragraph(
                "<p>Le vice-recteur de la Polynésie française. Le traitement est mis en "
                "œuvre par la Direction des examens (DEC).</p>"
            ),
            heading("Finalités et base légale"),
            paragraph(
                "<p>Les données servent à enregistrer les intervenants, les convoquer aux "
                "examens et concours, calculer et payer leur rémunération et leurs frais de "
                "déplacement. Ce traitement est nécessaire à l'exécution d'une mission "
                "d'intérêt public (article 6-1-e du RGPD).</p>"
            ),
            heading("Données traitées"),
            paragraph(
                "<ul><li>identité et coordonnées\u00a0;</li>"
                "<li>situation professionnelle\u00a0;</li>"
                "<li>missions réalisées et frais engagés, avec leurs justificatifs\u00a0;</li>"
                "<li>coordonnées bancaires et, le cas échéant, numéro de sécurité sociale et "
                "véhicule.</li></ul>"
            ),
            heading("Destinataires"),
            paragraph(
                "<p>Les agents habilités de la DEC\u00a0; les chefs de centre, pour les missions "
                "de leur centre seulement\u00a0; le service chargé du paiement.</p>"
            ),
            heading("Durée de conservation"),
            paragraph(
                "<p>Les données d'un intervenant sont conservées tant qu'il est susceptible "
                "d'être convoqué, puis archivées selon les règles applicables aux pièces "
                "comptables. Une demande de création d'intervenant refusée est supprimée "
                "dans l'année qui suit.</p>"
            ),
            heading("Vos droits"),
            paragraph(
                "<p>Vous pouvez accéder à vos données, les faire rectifier, demander la "
                "limitation de leur traitement ou vous y opposer, en écrivant à la DEC "
                f'(<a href="{CONTACT_URL}">coordonnées</a>) ou au délégué à la protection '
                "des données du ministère. Vous pouvez aussi adresser une réclamation à la "
                "CNIL.</p>"
            ),
            heading("Cookies"),
            paragraph(
                "<p>Le site n'utilise qu'un cookie de session, nécessaire à la connexion et "
                "à la sécurité des formulaires. Aucun cookie de mesure d'audience ou de "
                "publicité n'est déposé.</p>"
            ),
        ],
    },
]
