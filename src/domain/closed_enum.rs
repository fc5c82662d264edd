//! A small macro for the closed lists of values the API exposes as enums.
//!
//! Each enum needs the same four things (serde name, `as_str`, `parse`, `ALL`) and they must
//! never drift apart, so they are generated from one table of `Variant => "WIRE_NAME"` pairs.

/// Raised when a text is not one of the known values of a closed list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {text:?}: expected one of {expected}")]
pub struct UnknownValueError {
    kind: &'static str,
    text: String,
    expected: String,
}

impl UnknownValueError {
    pub(crate) fn new(kind: &'static str, text: &str, expected: &[&str]) -> Self {
        Self {
            kind,
            text: text.to_owned(),
            expected: expected.join(", "),
        }
    }

    /// The text that was rejected, as given.
    pub fn text(&self) -> &str {
        &self.text
    }
}

macro_rules! closed_enum {
    (
        $(#[$doc:meta])*
        $name:ident ($kind:literal) {
            $( $(#[$variant_doc:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$variant_doc])* #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The SCREAMING_SNAKE_CASE name used on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire ),+
                }
            }

            /// Reads a wire name; surrounding spaces and letter case are ignored.
            pub fn parse(text: &str) -> Result<Self, $crate::domain::closed_enum::UnknownValueError> {
                let wanted = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| {
                        $crate::domain::closed_enum::UnknownValueError::new(
                            $kind,
                            text,
                            &[$($wire),+],
                        )
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_enum;
