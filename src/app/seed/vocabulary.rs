//! The French words and sentence templates the seeded dossiers are made of: first and last
//! names, towns, job titles, organisations, publics, themes, justifications per competence,
//! comments and qualifications. Kept apart because it is data, not logic: it is long, it is
//! edited for realism rather than behaviour, and every draw from it is positional, so
//! reordering or inserting an entry changes what every later run generates.

pub(super) const FIRST_NAMES: &[&str] = &[
    "Camille",
    "Nadia",
    "Julien",
    "Sophie",
    "Karim",
    "Élodie",
    "Thomas",
    "Aurélie",
    "Mehdi",
    "Claire",
    "Nicolas",
    "Fatou",
    "Mathieu",
    "Hélène",
    "Yacine",
    "Laure",
    "Sébastien",
    "Amandine",
    "Olivier",
    "Inès",
    "François",
    "Agnès",
    "Romain",
    "Leïla",
    "Damien",
    "Céline",
    "Bruno",
    "Myriam",
    "Antoine",
    "Sandrine",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "Diallo", "Bonnet", "Mercier", "Haddad", "Nguyen",
    "Lambert", "Faure", "Rousseau",
];

pub(super) const TOWNS: &[&str] = &[
    "Rennes",
    "Lille",
    "Lyon",
    "Marseille",
    "Nantes",
    "Bordeaux",
    "Toulouse",
    "Strasbourg",
    "Montpellier",
    "Grenoble",
    "Dijon",
    "Angers",
    "Limoges",
    "Amiens",
    "Besançon",
    "Poitiers",
    "Clermont-Ferrand",
    "Rouen",
    "Metz",
    "Saint-Denis",
    "Montreuil",
    "Villeurbanne",
    "Brest",
    "Perpignan",
    "Tours",
];

pub(super) const JOB_TITLES: &[&str] = &[
    "Cheffe de service éducatif",
    "Chef de service en protection de l'enfance",
    "Chargée de mission politique de la ville",
    "Coordinateur de projets de développement social local",
    "Conseillère technique en action sociale",
    "Responsable de l'observatoire social",
    "Chargé d'études en ingénierie sociale",
    "Directrice adjointe d'établissement médico-social",
    "Cadre socio-éducatif",
    "Assistante de service social",
    "Éducateur spécialisé",
    "Coordinatrice du contrat local de santé",
    "Responsable du pôle insertion",
    "Chargée d'évaluation des politiques sociales",
    "Animateur de réseau partenarial",
    "Formatrice en travail social",
    "Conseillère en économie sociale et familiale",
    "Chef de projet habitat inclusif",
    "Responsable de circonscription d'action sociale",
    "Coordinateur de parcours d'insertion",
];

pub(super) const VOLUNTEER_TITLES: &[&str] = &[
    "Administratrice bénévole",
    "Trésorier bénévole",
    "Responsable bénévole de l'antenne locale",
    "Coordinatrice bénévole de l'aide aux devoirs",
    "Bénévole référent accueil des familles",
];

pub(super) const ELECTED_TITLES: &[&str] = &[
    "Conseillère municipale déléguée aux affaires sociales",
    "Adjoint au maire chargé des solidarités",
    "Vice-présidente du CCAS",
];

pub(super) const INTERNSHIP_TITLES: &[&str] = &[
    "Stagiaire chargée d'études",
    "Stagiaire en ingénierie de projet social",
    "Stagiaire à l'observatoire social",
];

pub(super) const ASSOCIATIONS: &[&str] = &[
    "Association Les Amis de l'Atelier",
    "Fondation Apprentis d'Auteuil",
    "Croix-Rouge française",
    "Secours populaire français",
    "UDAF",
    "ADAPEI",
    "Sauvegarde de l'enfance",
    "CHRS Le Relais",
    "Association Habitat et Humanisme",
    "Centre social Les Tilleuls",
    "Emmaüs Solidarité",
    "Restos du Cœur",
];

pub(super) const PUBLICS: &[&str] = &[
    "jeunes de 16 à 25 ans",
    "familles monoparentales",
    "personnes âgées isolées",
    "allocataires du RSA",
    "mineurs non accompagnés",
    "personnes en situation de handicap",
    "habitants des quartiers prioritaires",
    "personnes sans domicile stable",
    "femmes victimes de violences",
    "aidants familiaux",
];

pub(super) const PARTNERS: &[&str] = &[
    "la CAF",
    "l'Éducation nationale",
    "l'ARS",
    "France Travail",
    "les bailleurs sociaux",
    "le conseil départemental",
    "les associations de quartier",
    "la protection judiciaire de la jeunesse",
    "les centres sociaux",
];

pub(super) const THEMES: &[&str] = &[
    "l'accès aux droits",
    "la prévention des ruptures de parcours",
    "le non-recours aux prestations",
    "l'insertion professionnelle",
    "la parentalité",
    "le maintien à domicile",
    "l'habitat inclusif",
    "la participation des personnes accompagnées",
];

pub(super) const DESCRIPTION_SENTENCES: &[&str] = &[
    "Réalisation d'un diagnostic territorial partagé sur {theme} des {public} à {town}.",
    "Conduite de l'évaluation interne du service et rédaction du rapport d'évaluation.",
    "Pilotage d'un projet sur {theme} en partenariat avec {partner} et {partner}.",
    "Animation d'un comité de pilotage partenarial réunissant élus, financeurs et professionnels.",
    "Mise en place d'un observatoire social local et d'un tableau de bord d'indicateurs.",
    "Encadrement d'une équipe pluridisciplinaire de {n} professionnels.",
    "Conception et animation de sessions de formation pour les travailleurs sociaux.",
    "Rédaction de notes d'aide à la décision pour la direction et les élus.",
    "Coordination du partenariat avec {partner} autour de {theme}.",
    "Conduite d'une étude qualitative auprès de {n} {public} (entretiens, focus groups).",
    "Élaboration et suivi du budget du projet, recherche de cofinancements.",
    "Évaluation d'impact d'un dispositif expérimental sur {theme}.",
    "Animation de groupes d'analyse des pratiques et de réunions de coordination.",
    "Contribution au schéma départemental sur {theme} et suivi de sa mise en œuvre.",
];

pub(super) const JUSTIFICATIONS: &[(&str, &[&str])] = &[
    (
        "DC1.1",
        &[
            "j'ai réalisé le diagnostic de la situation des {public} : recueil de données, entretiens avec {partner}, analyse des besoins et restitution.",
            "j'ai analysé les causes du non-recours sur le territoire de {town} et présenté mes conclusions au comité de direction.",
        ],
    ),
    (
        "DC1.2",
        &[
            "j'ai construit un dispositif de veille sociale sur {theme}, avec des indicateurs mis à jour chaque trimestre.",
            "j'ai mis en place l'observatoire local et organisé la remontée des données avec {partner}.",
        ],
    ),
    (
        "DC1.3",
        &[
            "j'ai conduit une étude auprès de {n} {public}, de la problématique à la rédaction du rapport.",
            "j'ai coordonné une recherche-action sur {theme} avec une université et {partner}.",
        ],
    ),
    (
        "DC2.1",
        &[
            "j'ai élaboré des scénarios d'évolution des besoins des {public} à cinq ans pour le schéma départemental.",
            "j'ai conduit une analyse prospective des effets du vieillissement de la population sur l'offre de services.",
        ],
    ),
    (
        "DC2.2",
        &[
            "j'ai conçu et piloté un projet sur {theme} : cahier des charges, partenariat avec {partner}, budget et calendrier.",
            "j'ai monté un programme d'actions cofinancé, de l'appel à projets à la mise en œuvre.",
        ],
    ),
    (
        "DC2.3",
        &[
            "j'ai piloté l'évaluation du dispositif : référentiel, indicateurs, recueil auprès des {public} et rapport final.",
            "j'ai conduit l'évaluation interne de l'établissement et accompagné le plan d'amélioration.",
        ],
    ),
    (
        "DC3.1",
        &[
            "j'ai mobilisé les ressources humaines et financières du projet et négocié les cofinancements avec {partner}.",
            "j'ai conduit le changement d'organisation du service en associant l'équipe de {n} personnes.",
        ],
    ),
    (
        "DC3.2",
        &[
            "j'ai conçu un plan de formation pour les travailleurs sociaux sur {theme} et animé les sessions.",
            "j'ai accompagné le développement des compétences de l'équipe par l'analyse des pratiques.",
        ],
    ),
    (
        "DC3.3",
        &[
            "j'ai encadré une équipe pluridisciplinaire de {n} professionnels et animé les réunions de coordination.",
            "j'ai animé un réseau partenarial réunissant {partner} et {partner}, en régulant les désaccords.",
        ],
    ),
    (
        "DC3.4",
        &[
            "j'ai rédigé les notes d'information pour les élus et organisé une journée de restitution publique.",
            "j'ai conçu les supports de communication du projet et diffusé les résultats de l'étude aux partenaires.",
        ],
    ),
];

pub(super) const GENERIC_JUSTIFICATIONS: &[&str] = &[
    "j'ai mis en œuvre cette compétence dans un projet sur {theme} avec {partner}.",
    "j'ai exercé cette compétence au quotidien auprès des {public}.",
];

pub(super) const ADVISOR_COMMENTS: &[&str] = &[
    "Élément à étayer par une production écrite.",
    "Préciser votre rôle personnel dans le projet.",
    "Bien documenté par l'attestation et le rapport joints.",
    "L'expérience relève plutôt d'une autre compétence du domaine.",
];

pub(super) const ADMISSIBILITY_COMMENTS: &[&str] = &[
    "Dossier recevable : durée d'expérience et lien avec le diplôme établis.",
    "Recevable au vu des attestations d'emploi fournies.",
    "Recevable ; penser à compléter les pièces pour le domaine 3.",
];

pub(super) const WORK_PRODUCTS: &[(&str, &str)] = &[
    (
        "Rapport de diagnostic territorial",
        "rapport-diagnostic-territorial.pdf",
    ),
    (
        "Rapport d'évaluation du dispositif",
        "rapport-evaluation.pdf",
    ),
    (
        "Note d'opportunité au comité de pilotage",
        "note-comite-pilotage.pdf",
    ),
    (
        "Cahier des charges du projet partenarial",
        "cahier-des-charges-projet.pdf",
    ),
    (
        "Programme de formation des équipes",
        "programme-formation.pdf",
    ),
];

/// Codes the DEIS rules know, with their title, level and how often candidates hold them.
pub(super) const QUALIFICATIONS: &[(&str, &str, u8, u32)] = &[
    (
        "DEASS",
        "Diplôme d'État d'assistant de service social",
        6,
        28,
    ),
    ("DEES", "Diplôme d'État d'éducateur spécialisé", 6, 20),
    (
        "CAFERUIS",
        "Certificat d'aptitude aux fonctions d'encadrement et de responsable d'unité d'intervention sociale",
        6,
        14,
    ),
    (
        "MASTER",
        "Master intervention et développement social",
        7,
        14,
    ),
    (
        "LICENCE",
        "Licence de sciences sanitaires et sociales",
        6,
        8,
    ),
    (
        "DECESF",
        "Diplôme d'État de conseiller en économie sociale familiale",
        6,
        5,
    ),
    ("DE_INFIRMIER", "Diplôme d'État d'infirmier", 6, 4),
    (
        "CAFDES",
        "Certificat d'aptitude aux fonctions de directeur d'établissement ou de service d'intervention sociale",
        7,
        3,
    ),
    ("DSTS", "Diplôme supérieur en travail social", 6, 2),
    (
        "DEFA",
        "Diplôme d'État relatif aux fonctions d'animation",
        5,
        2,
    ),
];
