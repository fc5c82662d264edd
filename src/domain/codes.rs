//! Identifiers used by referentials and profiles, parsed once at the edge.
//!
//! Holding a `CompetenceCode` means the text already has the right shape (trimmed, upper-case,
//! `DC1.1` style), so the rules never re-check strings. Every code serialises as its plain text.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of code that failed to parse, named in [`CodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    Programme,
    Domain,
    Competence,
    Unit,
    Qualification,
}

impl CodeKind {
    fn name(self) -> &'static str {
        match self {
            Self::Programme => "programme",
            Self::Domain => "domain",
            Self::Competence => "competence",
            Self::Unit => "training unit",
            Self::Qualification => "qualification",
        }
    }

    fn expected_shape(self) -> &'static str {
        match self {
            Self::Programme | Self::Qualification => {
                "2 to 32 characters: a letter or digit, then letters, digits, '_' or '-' (e.g. DEIS, CAFERUIS)"
            }
            Self::Domain => "letters then digits (e.g. DC1, DC12)",
            Self::Competence => "a domain code, a dot and a number (e.g. DC1.1)",
            Self::Unit => "letters and digits, a dot and a number (e.g. UF1.1)",
        }
    }
}

/// A text that is not a valid code of the given kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {} code {:?}: expected {}", .kind.name(), .text, .kind.expected_shape())]
pub struct CodeError {
    kind: CodeKind,
    text: String,
}

impl CodeError {
    /// Which kind of code was expected.
    pub fn kind(&self) -> CodeKind {
        self.kind
    }

    /// The rejected text, as given.
    pub fn text(&self) -> &str {
        &self.text
    }
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $is_valid:path) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims and upper-cases `text`, then checks its shape.
            pub fn parse(text: &str) -> Result<Self, CodeError> {
                let normalised = text.trim().to_uppercase();
                if $is_valid(&normalised) {
                    Ok(Self(normalised))
                } else {
                    Err(CodeError {
                        kind: $kind,
                        text: text.to_owned(),
                    })
                }
            }

            /// The normalised code.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = CodeError;

            fn try_from(text: String) -> Result<Self, CodeError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0
            }
        }
    };
}

code_type!(
    /// A programme (certification) code such as `DEIS`.
    ProgrammeCode,
    CodeKind::Programme,
    is_identifier
);

code_type!(
    /// A domain of competences such as `DC1`.
    DomainCode,
    CodeKind::Domain,
    is_domain_code
);

code_type!(
    /// A competence such as `DC1.1`; its prefix is the domain it belongs to.
    CompetenceCode,
    CodeKind::Competence,
    is_dotted_code
);

code_type!(
    /// A training unit such as `UF1.1`.
    UnitCode,
    CodeKind::Unit,
    is_dotted_code
);

code_type!(
    /// A qualification a candidate holds, such as `CAFERUIS` or `MASTER`.
    QualificationCode,
    CodeKind::Qualification,
    is_identifier
);

impl CompetenceCode {
    /// The domain code written before the dot (`DC1` for `DC1.1`).
    pub fn domain(&self) -> DomainCode {
        let prefix = self
            .0
            .split_once('.')
            .map_or(self.0.as_str(), |(domain, _)| domain);
        DomainCode(prefix.to_owned())
    }
}

/// `[A-Z0-9][A-Z0-9_-]{1,31}`.
fn is_identifier(text: &str) -> bool {
    let Some((first, rest)) = text.as_bytes().split_first() else {
        return false;
    };
    (1..=31).contains(&rest.len())
        && (first.is_ascii_uppercase() || first.is_ascii_digit())
        && rest
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_' || *b == b'-')
}

/// Upper-case letters followed by digits, both non-empty, at most 16 characters.
fn is_domain_code(text: &str) -> bool {
    let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &text[letters..];
    letters > 0
        && text.len() <= 16
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A domain-shaped prefix, a dot, then a number.
fn is_dotted_code(text: &str) -> bool {
    text.split_once('.').is_some_and(|(prefix, number)| {
        is_domain_code(prefix)
            && !number.is_empty()
            && number.len() <= 8
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_upper_cased() {
        assert_eq!(CompetenceCode::parse(" dc1.2 ").unwrap().as_str(), "DC1.2");
        assert_eq!(
            QualificationCode::parse("caferuis").unwrap().as_str(),
            "CAFERUIS"
        );
    }

    #[test]
    fn a_competence_knows_its_domain() {
        let code = CompetenceCode::parse("DC12.3").unwrap();
        assert_eq!(code.domain(), DomainCode::parse("DC12").unwrap());
    }

    #[test]
    fn domain_codes_need_letters_then_digits() {
        assert!(DomainCode::parse("DC1").is_ok());
        assert!(DomainCode::parse("DC").is_err());
        assert!(DomainCode::parse("1DC").is_err());
        assert!(DomainCode::parse("DC1A").is_err());
        assert!(DomainCode::parse("DC1.1").is_err());
    }

    #[test]
    fn dotted_codes_need_a_number_after_the_dot() {
        assert!(UnitCode::parse("UF2.4").is_ok());
        assert!(UnitCode::parse("UF2.").is_err());
        assert!(UnitCode::parse("UF2").is_err());
        assert!(CompetenceCode::parse("DC1.1.1").is_err());
    }

    #[test]
    fn identifiers_accept_underscores_and_dashes_but_not_spaces() {
        assert!(QualificationCode::parse("CORPS_PJJ").is_ok());
        assert!(ProgrammeCode::parse("DEIS-2006").is_ok());
        assert!(QualificationCode::parse("A").is_err());
        assert!(QualificationCode::parse("_PJJ").is_err());
        assert!(QualificationCode::parse("CORPS PJJ").is_err());
        assert!(QualificationCode::parse(&"A".repeat(33)).is_err());
        assert!(QualificationCode::parse(&"A".repeat(32)).is_ok());
    }

    #[test]
    fn non_ascii_letters_are_rejected_without_panicking() {
        assert!(DomainCode::parse("DÉ1").is_err());
        assert!(CompetenceCode::parse("É1.1").is_err());
    }

    #[test]
    fn the_error_names_the_kind_and_the_text() {
        let error = CompetenceCode::parse("DC1-1").unwrap_err();
        assert_eq!(error.kind(), CodeKind::Competence);
        let message = error.to_string();
        assert!(message.contains("competence"), "{message}");
        assert!(message.contains("\"DC1-1\""), "{message}");
    }

    #[test]
    fn codes_serialise_as_plain_strings_and_are_validated_when_read() {
        let code: DomainCode = serde_json::from_str("\"dc2\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"DC2\"");
        assert!(serde_json::from_str::<DomainCode>("\"2\"").is_err());
    }
}
