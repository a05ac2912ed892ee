"""The network's public record, 2014–2020, as ``loadforumdata`` loads it.

Facts come from the public pages listed in SOURCES, each checked against its page;
descriptions are written for this site. Where sources disagree on a figure, every
figure is kept with its own source (FIGURES); none is picked or averaged. Nothing the
sources do not state is loaded: no leaders' names, no populations, no list of
signatory cities.
"""

import datetime

from core.dates import DatePrecision

D = datetime.date
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR

ARTICLE = (
    'Colleen Thouez, "Local leaders cooperating internationally on migration", '
    "People Move blog, World Bank, October 2016"
)

# key: (url, citation)
SOURCES = {
    "article": ("", ARTICLE),
    "past-forums": (
        "https://mayorsmechanism.org/pastmayoralforum",
        "GFMD Mayors Mechanism, “Past Mayoral Fora on Human Mobility, Migration and Development”",
    ),
    "unitar-2014": (
        "https://www.unitar.org/unitar-organizes-first-mayoral-forum-migration-partnership-city-barcelona",
        "UNITAR, “UNITAR organizes first Mayoral Forum on migration in partnership with "
        "the City of Barcelona”, 17 June 2014",
    ),
    "m4d-2014": (
        "http://www.migration4development.org/en/content/first-mayoral-forum-mobility-migration-and-development-city-barcelona",
        "JMDI (migration4development.org), “First Mayoral Forum on Mobility, Migration and "
        "Development – City of Barcelona”, 17 June 2014",
    ),
    "metropolis-2014": (
        "https://www.metropolis.org/news/barcelona-invites-metropolis-mayors-debate-challenges-migrations",
        "Metropolis, “Barcelona invites Metropolis mayors to debate the challenges of "
        "migrations” (invitation to the 2014 forum)",
    ),
    "m4d-2015": (
        "http://www.migration4development.org/en/events/second-global-mayoral-forum-quito",
        "JMDI (migration4development.org), “Second Global Mayoral Forum in Quito”",
    ),
    "unitar-2015": (
        "https://www.unitar.org/unitar-launches-second-mayoral-forum-mobility-migration-and-development",
        "UNITAR, “UNITAR Launches the Second Mayoral Forum on Mobility, Migration and "
        "Development”, 12 November 2015",
    ),
    "m4d-2016": (
        "http://www.migration4development.org/en/events/third-global-mayoral-forum-quezon-city",
        "JMDI (migration4development.org), “Third Global Mayoral Forum in Quezon City”",
    ),
    "unitar-2016": (
        "http://www.unitar.org/3rd-mayoral-forum-mobility-migration-and-development-held-quezon-city",
        "UNITAR, “3rd Mayoral Forum on Mobility, Migration and Development held in Quezon City”",
    ),
    "qcbusiness-2016": (
        "http://quezoncitybusiness.com/index.php/business-opportunities-2/195-international-migration-forum-brings-global-mayors-to-quezon-city",
        "Quezon City Business, “International migration forum brings global mayors to "
        "Quezon City”",
    ),
    "uclg-2016": (
        "https://www.uclg.org/en/media/events/3rd-global-mayoral-forum-human-mobility-migration-and-development",
        "UCLG, “3rd Global Mayoral Forum on Human Mobility, Migration and Development” "
        "(announcement before the forum, naming the organizations invited as observers)",
    ),
    "m4d-2017": (
        "http://www.migration4development.org/en/events/fourth-mayoral-forum-berlin",
        "JMDI (migration4development.org), “Fourth Mayoral Forum in Berlin”",
    ),
    "metropolis-2017": (
        "https://metropolis.org/news/forum-human-mobility-migration-and-development-advocates-social-inclusion-and-diversity-cities",
        "Metropolis, “Forum on human mobility, migration and development advocates for "
        "social inclusion and diversity in cities”",
    ),
    "berlin-2017": (
        "https://www.berlin.de/rbmskzl/aktuelles/pressemitteilungen/2017/pressemitteilung.606238.php",
        "Land Berlin, Senatskanzlei, press release 606238 (2017)",
    ),
    "m4d-2018": (
        "http://www.migration4development.org/en/events/fifth-mayoral-forum-marrakech",
        "JMDI (migration4development.org), “Fifth Mayoral Forum in Marrakech”",
    ),
    "m4d-marrakech-declaration": (
        "https://migration4development.org/en/resources/marrakech-mayors-declaration-cities-working-together-migrants-and-refugees",
        "JMDI (migration4development.org), “Marrakech Mayors Declaration ‘Cities Working "
        "Together for Migrants and Refugees’”",
    ),
    "unitar-2018": (
        "https://unitar.org/about/news-stories/news/unitar-co-hosts-5th-mayoral-forum-human-mobility-migration-and-development-historic-un-migration",
        "UNITAR, “UNITAR co-hosts 5th Mayoral Forum on Human Mobility, Migration and "
        "Development”, 8 December 2018",
    ),
    "localaction-declaration": (
        "https://localaction.mayorsmechanism.org/index.php/marrakech-mayors-declaration",
        "GFMD Mayors Mechanism, Call to Local Action site, “The Marrakech Mayors Declaration”",
    ),
    "delog-2020": (
        "https://www.delog.org/events/archive/6th-mayoral-forum-quito",
        "DeLoG, “6th Mayoral Forum Quito” (announcement before the forum)",
    ),
    "mmc-2020": (
        "https://mayorsmigrationcouncil.org/news/2020-mayoral-forum/",
        "Mayors Migration Council, “The 6th Mayoral Forum on Human Mobility, Migration and "
        "Development”, press release, Quito, 6 February 2020",
    ),
    "gfmd-mechanism": (
        "https://gfmd.org/process/gfmd-mayors-mechanism",
        "Global Forum on Migration and Development, “The GFMD Mayors Mechanism”",
    ),
    "mechanism-about": (
        "https://mayorsmechanism.org/about-us-1",
        "GFMD Mayors Mechanism, “About us”",
    ),
    "gfmd-call": (
        "https://gfmd.org/node/11007",
        "Global Forum on Migration and Development, “The GFMD Mayors Mechanism” (Call to "
        "Local Action)",
    ),
    "policycommons-call": (
        "https://policycommons.net/artifacts/11316727/localising-global-migration-goals-to-accelerate-the-2030-agenda/12202433/",
        "“Localising Global Migration Goals to Accelerate the 2030 Agenda” (Policy Commons), "
        "January 2024",
    ),
    "catalannews-2016": (
        "https://www.catalannews.com/politics/item/barcelona-reaches-an-agreement-with-athens-to-initially-host-100-refugees",
        "Catalan News (ACN), “Barcelona reaches an agreement with Athens to initially host "
        "100 refugees”, 16 March 2016",
    ),
    "gcm": (
        "https://undocs.org/A/RES/73/195",
        "UN General Assembly resolution 73/195, Global Compact for Safe, Orderly and "
        "Regular Migration (A/RES/73/195)",
    ),
    "gcm-short-titles": (
        "https://migrationnetwork.un.org/hub",
        "UN Network on Migration, Migration Network Hub: short titles of the GCM objectives "
        "in English, Spanish (/es/hub) and French (/fr/hub)",
    ),
    "gcr": (
        "https://undocs.org/A/73/12(PARTII)",
        "Report of the UN High Commissioner for Refugees, Part II: Global compact on "
        "refugees (A/73/12 (Part II))",
    ),
    "sdg": (
        "https://undocs.org/A/RES/70/1",
        "UN General Assembly resolution 70/1, Transforming our world: the 2030 Agenda for "
        "Sustainable Development (A/RES/70/1)",
    ),
    "nyd": (
        "https://undocs.org/A/RES/71/1",
        "UN General Assembly resolution 71/1, New York Declaration for Refugees and "
        "Migrants (A/RES/71/1)",
    ),
    "nua": (
        "https://undocs.org/A/RES/71/256",
        "UN General Assembly resolution 71/256, New Urban Agenda (A/RES/71/256)",
    ),
    "micic": (
        "",
        "Migrants in Countries in Crisis Initiative, Guidelines to Protect Migrants in "
        "Countries Experiencing Conflict or Natural Disaster (2016)",
    ),
}

THEMES_CITATION = (
    "The site's controlled vocabulary of themes (its design), not a fact taken from a source."
)
GEO_CITATION = "Country and coordinates: geographic reference data."

# slug, English, Spanish, French
THEMES = [
    ("governance-of-migration", "Governance of migration", "Gobernanza de la migración",
     "Gouvernance des migrations"),
    ("rights-protection", "Rights protection", "Protección de derechos",
     "Protection des droits"),
    ("inclusive-urban-growth", "Inclusive urban growth", "Crecimiento urbano inclusivo",
     "Croissance urbaine inclusive"),
    ("labour-mobility", "Labour mobility", "Movilidad laboral",
     "Mobilité de la main-d’œuvre"),
    ("housing", "Housing", "Vivienda", "Logement"),
    ("health", "Health", "Salud", "Santé"),
    ("education", "Education", "Educación", "Éducation"),
    ("crisis-response", "Crisis response", "Respuesta a las crisis", "Réponse aux crises"),
    ("relocation-and-reception", "Relocation and reception", "Reubicación y acogida",
     "Relocalisation et accueil"),
]  # fmt: skip

# slug, name, country, latitude, longitude, the source that names it as a host or party
CITIES = [
    ("barcelona", "Barcelona", "ES", "41.38879", "2.15899", "article"),
    ("quito", "Quito", "EC", "-0.22985", "-78.52495", "article"),
    ("quezon-city", "Quezon City", "PH", "14.67600", "121.04370", "article"),
    ("athens", "Athens", "GR", "37.98376", "23.72784", "article"),
    ("berlin", "Berlin", "DE", "52.52000", "13.40500", "m4d-2017"),
    ("marrakech", "Marrakech", "MA", "31.62947", "-7.98108", "m4d-2018"),
]

# slug: (Spanish name, French name) where the name differs from the English one, each
# checked against the public page noted beside it; an empty name shows the English one.
CITY_NAMES = {
    # es: basededatos.com/info/atenas; fr: skyexpress.gr/fr/flights-from-milos-to-athens
    "athens": ("Atenas", "Athènes"),
    # fr: obs.agenda21culture.net/fr/taxonomy/term/79 ("Politiques culturelles de Barcelone")
    "barcelona": ("", "Barcelone"),
    # es: paisesinfo.blogspot.com/2012/12/berlin.html (French is Berlin, as in English)
    "berlin": ("Berlín", ""),
}

# slug, name, kind, website, description, source
ORGANIZATIONS = [
    (
        "world-bank-knomad",
        "World Bank KNOMAD",
        "multilateral",
        "",
        "The World Bank's Global Knowledge Partnership on Migration and Development; "
        "co-founder of the Mayoral Forum.",
        "article",
    ),
    (
        "unitar",
        "United Nations Institute for Training and Research (UNITAR)",
        "multilateral",
        "",
        "Organised the first forum with the City of Barcelona, opened the second in Quito "
        "and co-hosted the fifth in Marrakech; the forum was run under its social "
        "development programme.",
        "unitar-2018",
    ),
    (
        "iom",
        "International Organization for Migration (IOM)",
        "multilateral",
        "",
        "The UN migration agency; invited cities to the first forum with Barcelona and "
        "UNITAR, partnered the fifth, and co-steers the GFMD Mayors Mechanism.",
        "gfmd-mechanism",
    ),
    (
        "un-habitat",
        "United Nations Human Settlements Programme (UN-Habitat)",
        "multilateral",
        "",
        "Among the international organisations invited to follow the third forum, in "
        "Quezon City, as observers.",
        "uclg-2016",
    ),
    (
        "uclg",
        "United Cities and Local Governments (UCLG)",
        "city_network",
        "",
        "A world organisation of local and regional governments; invited as an observer "
        "to the third forum and one of the three co-steering organisations of the GFMD "
        "Mayors Mechanism.",
        "gfmd-mechanism",
    ),
    (
        "mayors-migration-council",
        "Mayors Migration Council (MMC)",
        "city_network",
        "https://mayorsmigrationcouncil.org",
        "A council of mayors on migration; one of the three co-steering organisations "
        "of the GFMD Mayors Mechanism.",
        "gfmd-mechanism",
    ),
    (
        "gfmd-mayors-mechanism",
        "GFMD Mayors Mechanism",
        "mechanism",
        "https://mayorsmechanism.org",
        "Created in 2018 so that local and regional governments have a formal place in "
        "the state-led Global Forum on Migration and Development (GFMD), next to its "
        "civil-society, business and youth mechanisms. First presented at the GFMD "
        "preparatory meetings in September 2018 and launched in Marrakech on 8 December "
        "2018 at the fifth Mayoral Forum; the forum has met within the GFMD since. "
        "Co-steered by UCLG, the Mayors Migration Council and IOM.",
        "gfmd-mechanism",
    ),
]

STEERING = [
    # organization steered, partner, source
    ("gfmd-mayors-mechanism", "uclg", "gfmd-mechanism"),
    ("gfmd-mayors-mechanism", "mayors-migration-council", "gfmd-mechanism"),
    ("gfmd-mayors-mechanism", "iom", "gfmd-mechanism"),
]

# code, slug, English, Spanish, French, adopted on, precision, adopted at, description,
# source
FRAMEWORKS = [
    (
        "SDG",
        "sustainable-development-goals",
        "Sustainable Development Goals",
        "Objetivos de Desarrollo Sostenible",
        "Objectifs de développement durable",
        D(2015, 9, 25),
        DAY,
        "UN General Assembly, New York",
        "The 2030 Agenda's goals and targets; several targets name migration or migrants. "
        "The Quito Local Agenda shows how cities work towards them.",
        "sdg",
    ),
    (
        "NYD",
        "new-york-declaration",
        "New York Declaration for Refugees and Migrants",
        "Declaración de Nueva York para los Refugiados y los Migrantes",
        "Déclaration de New York pour les réfugiés et les migrants",
        D(2016, 9, 19),
        DAY,
        "UN Leaders Summit on addressing large movements of refugees and migrants, New York",
        "Concluded the UN summit of 19 September 2016; refers explicitly to local actors and "
        "to the particular needs of local authorities as the first receivers of migrants, "
        "and started the work on the two global compacts.",
        "nyd",
    ),
    (
        "NUA",
        "new-urban-agenda",
        "New Urban Agenda",
        "Nueva Agenda Urbana",
        "Nouveau Programme pour les villes",
        D(2016, 10, 20),
        DAY,
        "Quito",
        "Adopted in Quito on 20 October 2016, reasserting the central place of cities and "
        "regional governments in answering trans-national challenges.",
        "nua",
    ),
    (
        "GCM",
        "global-compact-for-migration",
        "Global Compact for Safe, Orderly and Regular Migration",
        "Pacto Mundial para la Migración Segura, Ordenada y Regular",
        "Pacte mondial pour des migrations sûres, ordonnées et régulières",
        D(2018, 12, 1),
        MONTH,
        "",
        "The first intergovernmental agreement on international migration in all its "
        "dimensions, adopted in December 2018 (resolution 73/195); its 23 objectives are "
        "what cities and the GCM reviews report against.",
        "gcm",
    ),
    (
        "GCR",
        "global-compact-on-refugees",
        "Global Compact on Refugees",
        "Pacto Mundial sobre los Refugiados",
        "Pacte mondial sur les réfugiés",
        D(2018, 12, 1),
        MONTH,
        "",
        "Affirmed by the UN General Assembly in December 2018; four objectives on sharing "
        "responsibility for refugees between countries.",
        "gcr",
    ),
    (
        "MICIC",
        "micic-guidelines",
        "Migrants in Countries in Crisis (MICIC) Guidelines",
        "Directrices de la Iniciativa Migrantes en Países en Situación de Crisis (MICIC)",
        "Lignes directrices de l’Initiative Migrants dans les pays en crise (MICIC)",
        D(2016, 1, 1),
        YEAR,
        "",
        "Guidelines on protecting migrants caught in countries hit by conflict or natural "
        "disaster; ASEAN cities drew up a blueprint for applying them locally.",
        "micic",
    ),
]

# The GCM's 23 objectives: number, short title in English, Spanish and French (the UN
# Network on Migration's), and the objective as resolution 73/195 words it.
GCM_OBJECTIVES = [
    (1, "Data", "Datos", "Données",
     "Collect and utilize accurate and disaggregated data as a basis for evidence-based "
     "policies"),
    (2, "Minimize adverse drivers", "Minimizar factores adversos",
     "Lutter contre les facteurs négatifs",
     "Minimize the adverse drivers and structural factors that compel people to leave "
     "their country of origin"),
    (3, "Information provision", "Proporcionar información", "Fourniture d’informations",
     "Provide accurate and timely information at all stages of migration"),
    (4, "Legal identity and documentation", "Identidad jurídica y documentación",
     "Identité légale et papiers",
     "Ensure that all migrants have proof of legal identity and adequate documentation"),
    (5, "Regular pathways", "Vías de migración regular", "Filières de migration régulière",
     "Enhance availability and flexibility of pathways for regular migration"),
    (6, "Recruitment and decent work", "Contratación y trabajo decente",
     "Recrutement et travail décent",
     "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent "
     "work"),
    (7, "Reduce vulnerabilities", "Reducir vulnerabilidades", "Réduire la vulnérabilité",
     "Address and reduce vulnerabilities in migration"),
    (8, "Save lives", "Salvar vidas", "Sauver des vies",
     "Save lives and establish coordinated international efforts on missing migrants"),
    (9, "Counter smuggling", "Combatir el tráfico de migrantes",
     "Combattre le trafic de migrants",
     "Strengthen the transnational response to smuggling of migrants"),
    (10, "Eradicate trafficking", "Erradicar la trata de personas",
     "Éradiquer la traite de personnes",
     "Prevent, combat and eradicate trafficking in persons in the context of "
     "international migration"),
    (11, "Manage borders", "Gestión de fronteras", "Gérer les frontières",
     "Manage borders in an integrated, secure and coordinated manner"),
    (12, "Screening and referral", "Verificación de antecedentes y derivación",
     "Contrôle, évaluation et orientation",
     "Strengthen certainty and predictability in migration procedures for appropriate "
     "screening, assessment and referral"),
    (13, "Alternatives to detention", "Alternativas a la detención",
     "Alternatives à la rétention",
     "Use migration detention only as a measure of last resort and work towards "
     "alternatives"),
    (14, "Consular protection", "Protección consular", "Protection consulaire",
     "Enhance consular protection, assistance and cooperation throughout the migration "
     "cycle"),
    (15, "Access to basic services", "Acceso a los servicios básicos",
     "Accès aux services de base",
     "Provide access to basic services for migrants"),
    (16, "Inclusion and social cohesion", "Inclusión y cohesión social",
     "Intégration et cohésion sociale",
     "Empower migrants and societies to realize full inclusion and social cohesion"),
    (17, "Eliminate discrimination", "Eliminar la discriminación",
     "Éliminer les discriminations",
     "Eliminate all forms of discrimination and promote evidence-based public discourse "
     "to shape perceptions of migration"),
    (18, "Skills development and recognition", "Desarrollo y reconocimiento de competencias",
     "Perfectionnement et reconnaissance des qualifications",
     "Invest in skills development and facilitate mutual recognition of skills, "
     "qualifications and competences"),
    (19, "Migrant and diaspora contributions", "Contribución de migrantes y diásporas",
     "Contributions des migrants et diaspora",
     "Create conditions for migrants and diasporas to fully contribute to sustainable "
     "development in all countries"),
    (20, "Remittances", "Remesas", "Envois de fonds",
     "Promote faster, safer and cheaper transfer of remittances and foster financial "
     "inclusion of migrants"),
    (21, "Dignified return and reintegration", "Retorno y reintegración dignos",
     "Retour digne et réintégration durable",
     "Cooperate in facilitating safe and dignified return and readmission, as well as "
     "sustainable reintegration"),
    (22, "Social protection", "Protección social", "Protection sociale",
     "Establish mechanisms for the portability of social security entitlements and "
     "earned benefits"),
    (23, "International cooperation", "Cooperación internacional",
     "Coopération internationale",
     "Strengthen international cooperation and global partnerships for safe, orderly and "
     "regular migration"),
]  # fmt: skip

# The GCR's four objectives, as its paragraph 7 states them; Spanish and French are
# this site's translations.
GCR_OBJECTIVES = [
    (1, "Ease pressures on host countries", "Aliviar la presión sobre los países de acogida",
     "Alléger la pression sur les pays d’accueil"),
    (2, "Enhance refugee self-reliance", "Aumentar la autosuficiencia de los refugiados",
     "Renforcer l’autonomie des réfugiés"),
    (3, "Expand access to third-country solutions",
     "Ampliar el acceso a soluciones en terceros países",
     "Élargir l’accès aux solutions dans des pays tiers"),
    (4, "Support conditions in countries of origin for return in safety and dignity",
     "Favorecer en los países de origen las condiciones para un retorno seguro y digno",
     "Favoriser dans les pays d’origine les conditions d’un retour dans la sécurité et la "
     "dignité"),
]  # fmt: skip

# The SDG goals holding the targets that name migration, migrants or trafficking: the
# goals' official short names; the targets' titles are this site's summaries.
SDG_GOALS = [
    ("5", "Gender equality", "Igualdad de género", "Égalité entre les sexes"),
    ("8", "Decent work and economic growth", "Trabajo decente y crecimiento económico",
     "Travail décent et croissance économique"),
    ("10", "Reduced inequalities", "Reducción de las desigualdades", "Inégalités réduites"),
    ("16", "Peace, justice and strong institutions", "Paz, justicia e instituciones sólidas",
     "Paix, justice et institutions efficaces"),
    ("17", "Partnerships for the goals", "Alianzas para lograr los objetivos",
     "Partenariats pour la réalisation des objectifs"),
]  # fmt: skip

SDG_TARGETS = [
    ("5", "5.2", "End violence against women and girls, including trafficking",
     "Eliminar la violencia contra mujeres y niñas, incluida la trata",
     "Éliminer la violence faite aux femmes et aux filles, y compris la traite"),
    ("8", "8.7", "End forced labour, modern slavery, human trafficking and child labour",
     "Erradicar el trabajo forzoso, la esclavitud moderna, la trata y el trabajo infantil",
     "Mettre fin au travail forcé, à l’esclavage moderne, à la traite et au travail des "
     "enfants"),
    ("8", "8.8", "Labour rights and safe work, including for migrant workers",
     "Derechos laborales y trabajo seguro, también para los trabajadores migrantes",
     "Droits du travail et sécurité au travail, y compris pour les travailleurs migrants"),
    ("10", "10.7", "Well-managed migration policies", "Políticas migratorias bien gestionadas",
     "Politiques migratoires bien gérées"),
    ("10", "10.c", "Lower the cost of remittances", "Reducir el costo de las remesas",
     "Réduire le coût des envois de fonds"),
    ("16", "16.2", "End abuse, exploitation, trafficking and violence against children",
     "Poner fin al maltrato, la explotación, la trata y la violencia contra los niños",
     "Mettre fin à la maltraitance, à l’exploitation, à la traite et à la violence envers "
     "les enfants"),
    ("16", "16.9", "Legal identity for all", "Identidad jurídica para todos",
     "Identité juridique pour tous"),
    ("17", "17.18", "Data disaggregated by migratory status",
     "Datos desglosados por estatus migratorio", "Données ventilées par statut migratoire"),
]  # fmt: skip

# The six forums, dated to the day as the sources give them. "source" is one key of
# SOURCES or a tuple of keys (the first gives the link, every one is cited); "partners"
# are (organization, role, source).
FORUMS = [
    {
        "edition": 1,
        "slug": "barcelona-2014",
        "title": "First Mayoral Forum on Mobility, Migration and Development",
        "host": "barcelona",
        "start": D(2014, 6, 19),
        "end": D(2014, 6, 20),
        "theme": "",
        "summary": "The first edition. The Mayor of Barcelona had announced it in October "
        "2013, at a side event of the UN High-Level Dialogue on International Migration and "
        "Development. Mayors and city representatives discussed migration and development "
        "and adopted the Call of Barcelona.",
        "source": ("m4d-2014", "unitar-2014"),
        "partners": [
            ("world-bank-knomad", "co_founder", "article"),
            ("unitar", "co_organizer", "unitar-2014"),
            ("iom", "co_organizer", "metropolis-2014"),
        ],
        "outcome": {
            "slug": "call-of-barcelona",
            "title": "Call of Barcelona",
            "kind": "call",
            "adopted_on": D(2014, 6, 1),
            "precision": MONTH,
            "summary": "The first forum's appeal: cities ask for a say in migration policy, "
            "equal dignity for every resident whatever their origin, firm action against "
            "racism and xenophobia, legal frameworks that ease integration, and money for "
            "local integration policies.",
            "themes": ["governance-of-migration", "rights-protection"],
            "frameworks": [],
            "source": "m4d-2014",
        },
    },
    {
        "edition": 2,
        "slug": "quito-2015",
        "title": "Second Mayoral Forum on Mobility, Migration and Development",
        "host": "quito",
        "start": D(2015, 11, 12),
        "end": D(2015, 11, 13),
        "theme": "The part local governments play in the migration-related targets of the "
        "2030 Agenda",
        "summary": "Held in Quito weeks after the Sustainable Development Goals were "
        "adopted, on what local and regional authorities do towards the goals' migration "
        "targets. It ended with the Quito Local Agenda on Migration and Development.",
        "source": "m4d-2015",
        "partners": [
            ("world-bank-knomad", "co_founder", "article"),
            ("unitar", "co_organizer", "unitar-2015"),
        ],
        "outcome": {
            "slug": "quito-local-agenda",
            "title": "Quito Local Agenda on Migration and Development",
            "kind": "agenda",
            "adopted_on": D(2015, 11, 13),
            "precision": DAY,
            "summary": "A road map of how cities and regions carry out the migration "
            "targets of the Sustainable Development Goals, and of where they need more "
            "resources. Every mayor and local leader present signed it; no list of the "
            "signatories is known.",
            "themes": ["governance-of-migration"],
            "frameworks": ["SDG"],
            "source": "unitar-2015",
        },
    },
    {
        "edition": 3,
        "slug": "quezon-city-2016",
        "title": "Third Mayoral Forum on Mobility, Migration and Development",
        "host": "quezon-city",
        "start": D(2016, 9, 29),
        "end": D(2016, 9, 30),
        "theme": "Governing Locally: City Leadership at the Front and Center in Implementing "
        "Migration Policy – Promoting Development and Securing Protection",
        "summary": "Two strands: what diasporas bring to development where they come from "
        "and where they live, and the protection and inclusion of migrants and refugees "
        "in vulnerable situations in cities. For the first time, civil-society "
        "organisations were consulted before the forum.",
        "source": "m4d-2016",
        "partners": [
            ("world-bank-knomad", "co_founder", "article"),
            ("iom", "observer", "uclg-2016"),
            ("unitar", "observer", "uclg-2016"),
            ("un-habitat", "observer", "uclg-2016"),
            ("uclg", "observer", "uclg-2016"),
        ],
        "outcome": {
            "slug": "quezon-city-commitment-to-action",
            "title": "Quezon City Commitment to Action",
            "kind": "commitment_to_action",
            "adopted_on": D(2016, 9, 1),
            "precision": MONTH,
            "summary": "Local authorities' commitments to further migrants' rights, "
            "protection, integration and empowerment, tying good migration governance to "
            "the Sustainable Development Goals; signed by the mayors and local leaders "
            "present. The mayors of Quezon City and Legazpi were to chair an informal "
            "working group writing guidance on how cities of Asia can apply the MICIC "
            "Guidelines (on migrants caught in conflicts or disasters) locally.",
            "themes": ["governance-of-migration", "rights-protection", "crisis-response"],
            "frameworks": ["SDG"],
            "source": "m4d-2016",
        },
    },
    {
        "edition": 4,
        "slug": "berlin-2017",
        "title": "Fourth Mayoral Forum on Human Mobility, Migration and Development",
        "host": "berlin",
        "start": D(2017, 6, 26),
        "end": D(2017, 6, 27),
        "theme": "Mayors as Humanitarian and Development Actors: Preparing, Welcoming and "
        "Integrating",
        "summary": "Met in Berlin's Rotes Rathaus in the days before the city hosted the "
        "GFMD summit, which the participating mayors were invited to attend. Mayors "
        "compared how they receive large numbers of newcomers, how they govern "
        "integration over time, and what city-to-city partnerships achieve.",
        "source": ("m4d-2017", "mechanism-about"),
        "partners": [],
        "outcome": {
            "slug": "berlin-mayoral-declaration",
            "title": "Mayoral Declaration on Migrants and Refugees: Meeting Needs, "
            "Protecting Rights and Fostering Empowerment",
            "kind": "declaration",
            "adopted_on": D(2017, 6, 1),
            "precision": MONTH,
            "summary": "The Berlin forum's declaration, endorsed by the cities represented "
            "(no list of them is known) and fed into the drafting of the two global "
            "compacts, for migration and for refugees: what cities do, what stands in "
            "their way, and what they recommend.",
            "themes": ["governance-of-migration", "relocation-and-reception"],
            "frameworks": ["GCM", "GCR"],
            "source": "m4d-2017",
        },
    },
    {
        "edition": 5,
        "slug": "marrakech-2018",
        "title": "Fifth Mayoral Forum on Human Mobility, Migration and Development",
        "host": "marrakech",
        "start": D(2018, 12, 8),
        "end": None,
        "theme": "City Leadership in Implementing the UN Global Compacts",
        "summary": "A one-day forum in UN Migration Week, after the GFMD summit and two "
        "days before the conference that adopted the Global Compact for Migration. Cities "
        "worked on three themes: special needs and vulnerabilities, access to basic "
        "services, and inclusion and social cohesion. The GFMD Mayors Mechanism was "
        "launched here.",
        "source": ("m4d-2018", "gfmd-mechanism"),
        "partners": [
            ("unitar", "co_organizer", "unitar-2018"),
            ("iom", "supporter", "unitar-2018"),
        ],
        "outcome": {
            "slug": "marrakech-mayors-declaration",
            "title": "Marrakech Mayors Declaration: Cities Working Together for Migrants "
            "and Refugees",
            "kind": "declaration",
            "adopted_on": D(2018, 12, 8),
            "precision": DAY,
            "summary": "Local and regional governments ask for a full, formal role in "
            "carrying out, following up and reviewing both global compacts, and commit to "
            "advance them together through concrete action. Cities went on signing it "
            "after the forum, so its count of signatories grew.",
            "themes": ["governance-of-migration", "rights-protection"],
            "frameworks": ["GCM", "GCR"],
            "source": "localaction-declaration",
        },
    },
    {
        "edition": 6,
        "slug": "quito-2020",
        "title": "Sixth Mayoral Forum on Human Mobility, Migration and Development",
        "host": "quito",
        "start": D(2020, 1, 22),
        "end": None,
        "theme": "From Large Movements to the Global Compacts: Cities as First Responders",
        "summary": "Held within the 12th GFMD summit: for the first time cities took part "
        "as formal stakeholders, with seats in the GFMD's Government Roundtables and "
        "Common Space. Discussions followed up the global compacts and the Marrakech "
        "Mayors Declaration. The sources name no outcome document of this forum.",
        "source": ("mmc-2020", "gfmd-mechanism"),
        "partners": [("gfmd-mayors-mechanism", "co_organizer", "gfmd-mechanism")],
        "outcome": None,
    },
]

BLUEPRINT = {
    "slug": "asean-micic-blueprint",
    "title": "Blueprint for local implementation by ASEAN cities of the MICIC Guidelines",
    "kind": "blueprint",
    "forum": None,
    "adopted_on": None,
    "precision": DAY,
    "summary": "How cities of ASEAN countries can put the Migrants in Countries in Crisis "
    "Guidelines into practice locally.",
    "themes": ["crisis-response"],
    "frameworks": ["MICIC"],
    "source": "article",
}

CALL_TO_LOCAL_ACTION = {
    "slug": "call-to-local-action",
    "title": "Call to Local Action for Migrants and Refugees",
    "kind": "call",
    "forum": None,
    "adopted_on": D(2022, 5, 1),
    "precision": MONTH,
    "summary": "Invites local and regional governments to pledge concrete actions that put "
    "both global compacts into practice, and recognises them for it. Run by the Mayors "
    "Mechanism's steering members with UNHCR; piloted in 2019 and launched in May 2022 at "
    "the International Migration Review Forum.",
    "themes": ["governance-of-migration"],
    "frameworks": ["GCM", "GCR"],
    "source": "gfmd-call",
}

# Figures as each source gives them. subject ("forum:<slug>" or "outcome:<slug>"),
# what is counted, value, qualifier, running count ("to date"), the source's words,
# date the source gives (and its precision), source.
FIGURES = [
    ("forum:barcelona-2014", "mayors_and_officials", 30, "more_than", False,
     "more than 30 Mayors and City Representatives", D(2014, 6, 17), DAY, "m4d-2014"),
    ("forum:barcelona-2014", "mayors", 12, "about", False, "a dozen mayors",
     D(2014, 6, 17), DAY, "unitar-2014"),
    ("forum:quito-2015", "participants", 86, "exact", False,
     "86 Mayors, City Representatives and members of International Organisations",
     None, DAY, "m4d-2015"),
    ("forum:quito-2015", "participants", 100, "about", False,
     "close to 100 … representatives", D(2015, 11, 12), DAY, "unitar-2015"),
    ("forum:quezon-city-2016", "participants", 119, "exact", False,
     "119 Mayors, City Representatives and members of International Organisations",
     None, DAY, "m4d-2016"),
    ("forum:quezon-city-2016", "countries", 26, "exact", False, "from 26 different countries",
     None, DAY, "m4d-2016"),
    ("forum:quezon-city-2016", "mayors_and_officials", 58, "exact", False, "58 officials",
     None, DAY, "qcbusiness-2016"),
    ("forum:quezon-city-2016", "mayors", 170, "more_than", False, "over 170 mayors",
     None, DAY, "unitar-2016"),
    ("forum:quezon-city-2016", "organizations_consulted", 70, "exact", False,
     "70 civil society organizations", None, DAY, "m4d-2016"),
    ("forum:berlin-2017", "mayors", 40, "exact", False, "40 mayors", None, DAY,
     "metropolis-2017"),
    ("outcome:berlin-mayoral-declaration", "endorsing_cities", 40, "exact", False,
     "endorsed by the forty (40) cities represented", None, DAY, "m4d-2017"),
    ("forum:marrakech-2018", "participants", 150, "more_than", False,
     "over 150 Mayors and senior city executives, representatives of … civil society",
     None, DAY, "m4d-2018"),
    ("forum:marrakech-2018", "participants", 250, "more_than", False,
     "over 250 participants", D(2018, 12, 8), DAY, "unitar-2018"),
    ("forum:marrakech-2018", "mayors_and_officials", 85, "more_than", False,
     "more than 85 mayors and local government representatives", D(2018, 12, 8), DAY,
     "unitar-2018"),
    ("outcome:marrakech-mayors-declaration", "signatories", 64, "exact", False,
     "64 local governments signed", None, DAY, "delog-2020"),
    ("outcome:marrakech-mayors-declaration", "signatories", 76, "exact", False,
     "76 mayors adopted", None, DAY, "m4d-marrakech-declaration"),
    ("outcome:marrakech-mayors-declaration", "signatories", 104, "exact", True,
     "To date, 104 Local and Regional Governments have signed", None, DAY,
     "localaction-declaration"),
    ("forum:quito-2020", "mayors_and_officials", 80, "more_than", False,
     "over 80 mayors and officials", D(2020, 2, 6), DAY, "mmc-2020"),
    ("forum:quito-2020", "local_governments", 56, "exact", False,
     "from 56 cities and regions", D(2020, 2, 6), DAY, "mmc-2020"),
    ("outcome:call-to-local-action", "actions", 70, "exact", False,
     "70 actions and pledges", None, DAY, "gfmd-call"),
    ("outcome:call-to-local-action", "pledges", 120, "more_than", True, "over 120 pledges",
     D(2024, 1, 23), DAY, "policycommons-call"),
]  # fmt: skip

AGREEMENT = {
    "origin": "athens",
    "destination": "barcelona",
    "people_pledged": 100,
    "signed_on": D(2016, 3, 16),
    "state": "agreed, pending the Spanish state's approval",
    "notes": "The mayors of Athens and Barcelona agreed, as a first pilot within the "
    "inter-EU city solidarity network for refugees in Greece, that Barcelona would take in "
    "100 refugees living in camps in Athens. Hosting refugees is a power of the Spanish "
    "state, so the move needed its approval; Barcelona's mayor wrote to the Spanish Prime "
    "Minister to ask for it.",
    "source": "catalannews-2016",
}

NETWORK = {
    "slug": "inter-eu-city-solidarity-network-refugees-greece",
    "name": "Inter-EU city solidarity network for refugees in Greece",
    "description": "A recently launched network of EU cities acting in solidarity with "
    "refugees in Greece.",
    "members": ["athens", "barcelona"],
    "source": "article",
}

__all__ = [
    "AGREEMENT",
    "BLUEPRINT",
    "CALL_TO_LOCAL_ACTION",
    "CITIES",
    "CITY_NAMES",
    "FIGURES",
    "FORUMS",
    "FRAMEWORKS",
    "GCM_OBJECTIVES",
    "GCR_OBJECTIVES",
    "NETWORK",
    "ORGANIZATIONS",
    "SDG_GOALS",
    "SDG_TARGETS",
    "SOURCES",
    "STEERING",
    "THEMES",
]
