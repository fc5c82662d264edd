// The French words for the API's enums and error codes. The API speaks codes; a person reads
// these. An unknown code falls back to the API's own message, never to nothing.

export const STATUS = {
  DRAFT: "Brouillon",
  SUBMITTED: "Envoyé, en attente de recevabilité",
  ADMISSIBLE: "Recevable",
  NOT_ADMISSIBLE: "Non recevable",
  READY_FOR_JURY: "Transmis au jury",
  DECIDED: "Décision rendue",
  WITHDRAWN: "Retiré",
};

/** The path of a dossier, in order, for the progress list. */
export const PATH = ["DRAFT", "SUBMITTED", "ADMISSIBLE", "READY_FOR_JURY", "DECIDED"];

export const ROLE = {
  CANDIDATE: "Candidat ou candidate",
  ADVISOR: "Conseiller ou conseillère",
  JURY: "Membre du jury",
  ADMIN: "Administration",
};

export const EXPERIENCE_KIND = {
  SALARIED: "Salariée",
  SELF_EMPLOYED: "Indépendante",
  VOLUNTEER: "Bénévole",
  INTERNSHIP: "Stage",
  ELECTED_OFFICE: "Mandat électif ou syndical",
  OTHER: "Autre",
};

export const EVIDENCE_KIND = {
  EMPLOYER_CERTIFICATE: "Attestation d'employeur",
  PAYSLIP: "Bulletin de salaire",
  JOB_DESCRIPTION: "Fiche de poste",
  WORK_PRODUCT: "Production professionnelle",
  DIPLOMA: "Diplôme",
  TRAINING_CERTIFICATE: "Attestation de formation",
  VOLUNTEER_CERTIFICATE: "Attestation de bénévolat",
  JURY_DECISION: "Relevé de décisions d'un jury",
  OTHER: "Autre document",
};

export const SELF_ASSESSMENT = {
  ACQUIRED: "Acquise",
  PARTIAL: "En partie",
  NOT_YET: "Pas encore",
};

export const COVERAGE = {
  EVIDENCED: ["Prouvée", "ok"],
  CLAIMED_ONLY: ["Revendiquée sans preuve", "warn"],
  MISSING: ["Non revendiquée", "bad"],
};

export const FLAG_STATUS = {
  JUSTIFIED: ["Justifiée", "ok"],
  UNPROVEN: ["Preuve manquante", "warn"],
  NEEDS_REVIEW: ["À examiner", "warn"],
};

export const EXEMPTION_KIND = {
  DISPENSE: "Dispense de domaine",
  ALLEGEMENT: "Allègement de formation",
};

export const RECOMMENDATION = {
  RECOMMEND: "Recommandée par le conseiller",
  DO_NOT_RECOMMEND: "Déconseillée par le conseiller",
};

export const ASSESSMENT = {
  VALIDATED: "Validé",
  NOT_VALIDATED: "Non validé",
};

export const DECISION = {
  FULL: "Validation totale",
  PARTIAL: "Validation partielle",
  REFUSED: "Refus de validation",
};

const ERRORS = {
  BAD_USER_INPUT: "Une valeur n'a pas le format attendu.",
  BLANK: "Ce champ est obligatoire.",
  TOO_LONG: "Ce texte est trop long.",
  CONTROL_CHARACTER: "Ce texte contient un caractère invisible interdit.",
  BIDI_CONTROL: "Ce texte contient un caractère de direction d'écriture interdit.",
  INVALID_DATE_RANGE: "La date de fin doit suivre la date de début.",
  DATE_IN_FUTURE: "Cette date est dans le futur.",
  DATE_TOO_EARLY: "Cette date est trop ancienne.",
  WORKING_TIME_OUT_OF_RANGE: "Le temps de travail va de 1 à 100 %.",
  INVALID_LEVEL: "Le niveau va de 1 à 8.",
  INVALID_CODE: "Ce code n'est pas valide.",
  UNKNOWN_PROGRAMME: "Cette certification n'existe pas.",
  UNKNOWN_PROGRAMME_VERSION: "Cette version du référentiel n'existe pas.",
  UNKNOWN_DOMAIN: "Ce domaine n'existe pas dans le référentiel.",
  UNKNOWN_COMPETENCE: "Cette compétence n'existe pas dans le référentiel.",
  UNKNOWN_RULE: "Cette règle de dispense n'existe pas.",
  UNKNOWN_CLAIM: "Cette compétence n'est pas revendiquée par l'expérience.",
  UNKNOWN_REFERENCE: "L'élément lié n'appartient pas à ce dossier.",
  DUPLICATE_CLAIM: "Une compétence est revendiquée deux fois.",
  EMPTY_DOSSIER: "Ajoutez au moins une expérience avant d'envoyer le dossier.",
  INVALID_TRANSITION: "Cette action n'est pas possible à cette étape du dossier.",
  STALE_VERSION: "Le dossier a changé entre-temps : rechargez la page et recommencez.",
  DECISION_INCONSISTENT: "La décision doit correspondre aux évaluations des domaines.",
  ASSESSMENTS_MISSING: "Évaluez chaque domaine avant de rendre la décision.",
  SELF_ASSIGNMENT: "On ne peut pas s'affecter soi-même à son propre dossier.",
  INVALID_SUBJECT: "Cet identifiant n'est pas valide.",
  UNSUPPORTED_FILE_TYPE: "Ce type de fichier n'est pas accepté (PDF, JPEG, PNG, WebP, ODT, ODS, DOCX, XLSX ou texte).",
  EXTENSION_MISMATCH: "Le contenu du fichier ne correspond pas à son extension.",
  FILE_TOO_LARGE: "Ce fichier dépasse la taille maximale.",
  EMPTY_FILE: "Ce fichier est vide.",
  INVALID_FILE_NAME: "Ce nom de fichier n'est pas accepté.",
  INVALID_UPLOAD: "L'envoi du fichier a échoué.",
  UPLOAD_INTERRUPTED: "L'envoi a été interrompu : recommencez.",
  UPLOAD_EXPIRED: "Le délai d'envoi est dépassé : recommencez.",
  UPLOAD_MISSING: "Le fichier n'est pas arrivé : recommencez.",
  UPLOAD_IN_PROGRESS: "Un envoi de ce fichier est déjà en cours.",
  SIZE_MISMATCH: "La taille reçue ne correspond pas au fichier.",
  CHECKSUM_MISMATCH: "Le fichier reçu ne correspond pas au fichier choisi.",
  INVALID_CHECKSUM: "L'empreinte du fichier n'est pas valide.",
  DOSSIER_RESTRICTED: "Le traitement de ce dossier est limité : il ne peut plus changer.",
  LEGAL_HOLD: "Ce dossier est conservé pour une procédure : il ne peut pas être effacé.",
  PATH_ENDED: "Le parcours de ce dossier est terminé.",
  FORBIDDEN: "Vous n'avez pas le droit de faire cela.",
  NOT_FOUND: "Cet élément n'existe pas ou ne vous est pas accessible.",
  UNAUTHENTICATED: "Votre session a expiré : reconnectez-vous.",
  TIMEOUT: "Le service a mis trop de temps à répondre : réessayez.",
  DATABASE_UNAVAILABLE: "Le service est momentanément indisponible : réessayez dans un instant.",
  STORAGE_UNAVAILABLE: "Le stockage des fichiers est momentanément indisponible : réessayez.",
  INTERNAL: "Une erreur inattendue s'est produite : réessayez.",
  NETWORK: "Le service ne répond pas : vérifiez votre connexion et réessayez.",
};

/** The French sentence for an API error `{ code, message }`. */
export function errorMessage(error) {
  return ERRORS[error.code] || error.message || "Une erreur s'est produite.";
}
