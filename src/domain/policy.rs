//! Who may do what. Every read and write of a dossier asks this module, and anything not
//! granted here is denied. A dossier the actor may not see answers exactly like a missing one.

use uuid::Uuid;

use super::dossier_status::DossierStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Candidate,
    Advisor,
    Jury,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Candidate, Role::Advisor, Role::Jury, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "CANDIDATE",
            Role::Advisor => "ADVISOR",
            Role::Jury => "JURY",
            Role::Admin => "ADMIN",
        }
    }

    /// Accepts `CANDIDATE`, `candidate`, `acquis-candidate` or `acquis:candidate`, as identity
    /// providers spell roles differently; anything else is not a role of this service.
    pub fn parse(raw: &str) -> Option<Role> {
        let lower = raw.trim().to_ascii_lowercase();
        let name = lower
            .strip_prefix("acquis-")
            .or_else(|| lower.strip_prefix("acquis:"))
            .unwrap_or(&lower);
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(name))
    }
}

/// The authenticated person behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// What the policy needs to know about a dossier.
#[derive(Clone, Debug)]
pub struct DossierFacts {
    pub candidate_id: Uuid,
    pub status: DossierStatus,
    pub advisor_ids: Vec<Uuid>,
    pub jury_ids: Vec<Uuid>,
    /// Processing restricted (GDPR art. 18): the dossier is kept and read, never changed.
    pub restricted: bool,
    /// Under a legal hold: nothing erases the dossier, not even its candidate.
    pub legal_hold: bool,
}

/// Everything one can do to or with a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    /// Experiences, qualifications, prior validations, claims, evidence.
    EditContent,
    Submit,
    Withdraw,
    /// Erase the dossier with its files.
    Delete,
    DownloadEvidence,
    DecideAdmissibility,
    Assign,
    MarkReadyForJury,
    ReviewClaim,
    RecommendExemption,
    AssessDomain,
    RecordDecision,
    ReadAuditTrail,
    /// Download the jury bundle (summary, evidence, manifest).
    DownloadBundle,
    /// Ask for the restriction of processing (GDPR art. 18).
    Restrict,
    /// Lift a restriction, or place or lift a legal hold.
    LiftRestriction,
    PlaceLegalHold,
    /// Erase the dossier as part of a person's erasure (GDPR art. 17) or of retention.
    Erase,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// The actor may not know the dossier exists.
    #[error("dossier not found")]
    Invisible,
    #[error("{0}")]
    Forbidden(&'static str),
    /// The dossier is frozen by a restriction of processing.
    #[error(
        "processing of this dossier is restricted: it cannot be changed until an admin lifts the restriction"
    )]
    Restricted,
    /// The dossier is under a legal hold and may not be erased.
    #[error("this dossier is under a legal hold and cannot be erased until the hold is lifted")]
    LegalHold,
}

/// Statuses in which an assigned jury member sees the dossier.
fn jury_may_see(status: DossierStatus) -> bool {
    matches!(status, DossierStatus::ReadyForJury | DossierStatus::Decided)
}

/// The one decision point.
pub fn authorize(actor: &Actor, action: Action, dossier: &DossierFacts) -> Result<(), Denial> {
    let owner = actor.has(Role::Candidate) && dossier.candidate_id == actor.user_id;
    let advisor = actor.has(Role::Advisor) && dossier.advisor_ids.contains(&actor.user_id);
    let jury = actor.has(Role::Jury)
        && dossier.jury_ids.contains(&actor.user_id)
        && jury_may_see(dossier.status);
    let admin = actor.has(Role::Admin);
    if !(owner || advisor || jury || admin) {
        return Err(Denial::Invisible);
    }
    let granted = match action {
        Action::Read | Action::DownloadEvidence | Action::DownloadBundle => true,
        Action::Restrict => owner || admin,
        Action::LiftRestriction | Action::PlaceLegalHold => admin,
        Action::Erase => owner || admin,
        Action::EditContent | Action::Submit => owner,
        Action::Withdraw | Action::Delete => owner || admin,
        Action::DecideAdmissibility | Action::Assign | Action::ReadAuditTrail => admin,
        Action::MarkReadyForJury => admin || advisor,
        Action::ReviewClaim | Action::RecommendExemption => advisor,
        Action::AssessDomain | Action::RecordDecision => jury,
    };
    if !granted {
        return Err(Denial::Forbidden(forbidden_reason(action)));
    }
    if dossier.legal_hold && matches!(action, Action::Delete | Action::Erase) {
        return Err(Denial::LegalHold);
    }
    if dossier.restricted && !action.keeps_a_restricted_dossier_as_it_is() {
        return Err(Denial::Restricted);
    }
    Ok(())
}

impl Action {
    /// What a restriction still allows: reading what is kept, lifting it, holding and erasing.
    fn keeps_a_restricted_dossier_as_it_is(self) -> bool {
        matches!(
            self,
            Action::Read
                | Action::DownloadEvidence
                | Action::DownloadBundle
                | Action::ReadAuditTrail
                | Action::Restrict
                | Action::LiftRestriction
                | Action::PlaceLegalHold
                | Action::Delete
                | Action::Erase
        )
    }
}

/// Whether the actor may export or erase everything held about the person `subject_id`:
/// the person themselves, as a candidate, or an admin acting on their request.
pub fn may_act_for_person(actor: &Actor, subject_id: Uuid) -> bool {
    actor.has(Role::Admin) || (actor.has(Role::Candidate) && actor.user_id == subject_id)
}

/// Actions that concern no particular dossier.
pub fn may_create_dossier(actor: &Actor) -> bool {
    actor.has(Role::Candidate)
}

pub fn may_read_audit_trail(actor: &Actor) -> bool {
    actor.has(Role::Admin)
}

fn forbidden_reason(action: Action) -> &'static str {
    match action {
        Action::Read | Action::DownloadEvidence | Action::DownloadBundle => {
            "you may not read this dossier"
        }
        Action::Restrict => "only the candidate or an admin may restrict processing of a dossier",
        Action::LiftRestriction | Action::PlaceLegalHold => {
            "only an admin may lift a restriction or place a legal hold"
        }
        Action::Erase => "only the candidate or an admin may erase a dossier",
        Action::EditContent | Action::Submit => {
            "only the candidate may change or submit their dossier"
        }
        Action::Withdraw => "only the candidate or an admin may withdraw a dossier",
        Action::Delete => "only the candidate or an admin may delete a dossier",
        Action::DecideAdmissibility => "only an admin may decide admissibility",
        Action::Assign => "only an admin may assign advisors and jury members",
        Action::ReadAuditTrail => "only an admin may read the audit trail",
        Action::MarkReadyForJury => {
            "only an admin or the assigned advisor may send a dossier to the jury"
        }
        Action::ReviewClaim | Action::RecommendExemption => {
            "only the assigned advisor may review claims and recommend exemptions"
        }
        Action::AssessDomain | Action::RecordDecision => {
            "only an assigned jury member may assess domains and record the decision"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, id: u128) -> Actor {
        Actor {
            user_id: Uuid::from_u128(id),
            roles: vec![role],
        }
    }

    fn dossier(status: DossierStatus) -> DossierFacts {
        DossierFacts {
            candidate_id: Uuid::from_u128(1),
            status,
            advisor_ids: vec![Uuid::from_u128(2)],
            jury_ids: vec![Uuid::from_u128(3)],
            restricted: false,
            legal_hold: false,
        }
    }

    #[test]
    fn a_restricted_dossier_is_read_but_changed_by_nobody() {
        let mut d = dossier(DossierStatus::ReadyForJury);
        d.restricted = true;
        let jury = actor(Role::Jury, 3);
        assert_eq!(authorize(&jury, Action::Read, &d), Ok(()));
        assert_eq!(
            authorize(&jury, Action::AssessDomain, &d),
            Err(Denial::Restricted)
        );
        assert_eq!(
            authorize(&actor(Role::Admin, 7), Action::Assign, &d),
            Err(Denial::Restricted)
        );
        assert_eq!(
            authorize(&actor(Role::Admin, 7), Action::LiftRestriction, &d),
            Ok(())
        );
        assert!(matches!(
            authorize(&actor(Role::Candidate, 1), Action::LiftRestriction, &d),
            Err(Denial::Forbidden(_))
        ));
    }

    #[test]
    fn a_legal_hold_stops_every_erasure_even_an_admins() {
        let mut d = dossier(DossierStatus::Decided);
        d.legal_hold = true;
        for who in [actor(Role::Candidate, 1), actor(Role::Admin, 7)] {
            assert_eq!(authorize(&who, Action::Erase, &d), Err(Denial::LegalHold));
            assert_eq!(authorize(&who, Action::Delete, &d), Err(Denial::LegalHold));
        }
        // A wrong role is still told so first.
        assert!(matches!(
            authorize(&actor(Role::Advisor, 2), Action::Erase, &d),
            Err(Denial::Forbidden(_))
        ));
    }

    #[test]
    fn only_the_person_or_an_admin_acts_for_a_person() {
        let person = Uuid::from_u128(1);
        assert!(may_act_for_person(&actor(Role::Candidate, 1), person));
        assert!(may_act_for_person(&actor(Role::Admin, 7), person));
        assert!(!may_act_for_person(&actor(Role::Candidate, 9), person));
        assert!(!may_act_for_person(&actor(Role::Advisor, 1), person));
    }

    #[test]
    fn another_candidates_dossier_is_invisible() {
        let d = dossier(DossierStatus::Draft);
        assert_eq!(
            authorize(&actor(Role::Candidate, 9), Action::Read, &d),
            Err(Denial::Invisible)
        );
        assert_eq!(
            authorize(&actor(Role::Candidate, 1), Action::Read, &d),
            Ok(())
        );
    }

    #[test]
    fn jury_members_see_only_assigned_dossiers_once_ready_for_jury() {
        let jury = actor(Role::Jury, 3);
        assert_eq!(
            authorize(&jury, Action::Read, &dossier(DossierStatus::Admissible)),
            Err(Denial::Invisible)
        );
        assert_eq!(
            authorize(&jury, Action::Read, &dossier(DossierStatus::ReadyForJury)),
            Ok(())
        );
        assert_eq!(
            authorize(
                &actor(Role::Jury, 8),
                Action::Read,
                &dossier(DossierStatus::ReadyForJury)
            ),
            Err(Denial::Invisible)
        );
    }

    #[test]
    fn a_role_the_token_lacks_grants_nothing_even_for_the_right_user() {
        // The candidate's own id with only an advisor role is not the owner.
        let d = dossier(DossierStatus::Draft);
        assert_eq!(
            authorize(&actor(Role::Advisor, 1), Action::Read, &d),
            Err(Denial::Invisible)
        );
    }

    #[test]
    fn visible_but_not_allowed_is_forbidden() {
        let d = dossier(DossierStatus::Submitted);
        assert!(matches!(
            authorize(&actor(Role::Advisor, 2), Action::EditContent, &d),
            Err(Denial::Forbidden(_))
        ));
        assert!(matches!(
            authorize(&actor(Role::Candidate, 1), Action::DecideAdmissibility, &d),
            Err(Denial::Forbidden(_))
        ));
        assert_eq!(
            authorize(&actor(Role::Admin, 7), Action::DecideAdmissibility, &d),
            Ok(())
        );
    }

    #[test]
    fn role_names_are_parsed_leniently() {
        assert_eq!(Role::parse("jury"), Some(Role::Jury));
        assert_eq!(Role::parse("acquis-admin"), Some(Role::Admin));
        assert_eq!(Role::parse("offline_access"), None);
    }
}

/// Which dossiers a list shows an actor; the database turns this into a filter so lists and
/// single reads follow the same rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListScope {
    pub everything: bool,
    pub own: bool,
    pub advised: bool,
    /// Assigned as jury member, in these statuses only.
    pub jury_statuses: Vec<DossierStatus>,
}

pub fn list_scope(actor: &Actor) -> ListScope {
    ListScope {
        everything: actor.has(Role::Admin),
        own: actor.has(Role::Candidate),
        advised: actor.has(Role::Advisor),
        jury_statuses: if actor.has(Role::Jury) {
            DossierStatus::ALL
                .into_iter()
                .filter(|s| jury_may_see(*s))
                .collect()
        } else {
            Vec::new()
        },
    }
}
