//! The pure domain core: referential, candidate profile and the rules computed from them.
//!
//! Nothing here does IO, knows GraphQL or a database; every computation is a plain function of
//! a validated [`programme::Programme`] and a [`profile::Profile`], so it can be tested with
//! data files alone (see `fixtures/profiles/`).

mod closed_enum;

pub mod archive_names;
pub mod codes;
pub mod dossier_status;
pub mod evidence_file;
pub mod experience;
pub mod period;
pub mod policy;
pub mod pseudonym;
pub mod retention;
pub mod search_terms;
pub mod text;

pub mod programme;
mod programme_validation;

pub mod profile;
pub mod rncp;

pub mod admission;
pub mod coverage;
pub mod eligibility;
mod exemption_totals;
pub mod exemptions;

pub mod rounding;
mod wording;

#[cfg(test)]
mod property_tests;

#[cfg(test)]
mod cases_tests;
#[cfg(test)]
mod test_support;
