//! Turns what a dossier holds into files that leave the system: the French `summary.pdf` of
//! the jury bundle (PDF/A-2b, fonts embedded), the JSON records of the personal-data export,
//! and the zip that streams them with the evidence. No database or policy here: use-cases in
//! `app::exports` decide what goes in, this module only writes it.

pub mod pdf_layout;
pub mod personal_json;
pub mod summary;
pub mod zip_stream;
