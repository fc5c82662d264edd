//! Free text typed by people: titles, organisations, justifications, comments.
//!
//! Text is shown to advisors and jury members, exported and printed, so it must not carry what
//! would act on a terminal or a document instead of being read: C0 and C1 control characters
//! (escape sequences, backspace, NUL, which PostgreSQL cannot even store) and the bidirectional
//! overrides and isolates that make text display in another order than it is stored.

/// Where a text goes: one line (a title) or paragraphs (a justification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextShape {
    Line,
    Paragraphs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Blank,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters (U+{code:04X} at character {at})")]
    ControlCharacter { code: u32, at: usize },
    #[error("must not contain line breaks or tabs")]
    LineBreak,
    #[error(
        "must not contain characters that reorder the display of text (U+{code:04X} at character {at})"
    )]
    BidiControl { code: u32, at: usize },
}

impl TextError {
    pub fn code(self) -> &'static str {
        match self {
            TextError::Blank => "BLANK",
            TextError::TooLong { .. } => "TOO_LONG",
            TextError::ControlCharacter { .. } | TextError::LineBreak => "CONTROL_CHARACTER",
            TextError::BidiControl { .. } => "BIDI_CONTROL",
        }
    }
}

/// Trims `raw` and checks it; `None` when nothing is left. Windows line ends become `\n`.
pub fn parse(raw: &str, shape: TextShape, max_chars: usize) -> Result<Option<String>, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let text = if trimmed.contains('\r') {
        trimmed.replace("\r\n", "\n")
    } else {
        trimmed.to_owned()
    };
    let mut count = 0;
    for (at, c) in text.chars().enumerate() {
        count += 1;
        match c {
            '\n' | '\t' if shape == TextShape::Line => return Err(TextError::LineBreak),
            '\n' | '\t' => {}
            c if c.is_control() => {
                return Err(TextError::ControlCharacter {
                    code: u32::from(c),
                    at: at + 1,
                });
            }
            c if is_bidi_control(c) => {
                return Err(TextError::BidiControl {
                    code: u32::from(c),
                    at: at + 1,
                });
            }
            _ => {}
        }
    }
    if count > max_chars {
        return Err(TextError::TooLong { max: max_chars });
    }
    Ok(Some(text))
}

/// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): the characters of the
/// "Trojan Source" and `facture\u{202E}fdp.exe` tricks. Marks (U+200E, U+200F) stay allowed:
/// right-to-left scripts use them and they reorder nothing around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Unicode format characters (general category Cf, Unicode 15.1): invisible, and in a file
/// name only ever a way to make it look like another.
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_blank_text_is_nothing() {
        assert_eq!(
            parse("  Cheffe de service ", TextShape::Line, 300),
            Ok(Some("Cheffe de service".to_owned()))
        );
        assert_eq!(parse(" \n\t ", TextShape::Paragraphs, 300), Ok(None));
    }

    #[test]
    fn paragraphs_keep_line_breaks_and_tabs_and_lines_do_not() {
        assert_eq!(
            parse("un\r\ndeux\ttrois", TextShape::Paragraphs, 300),
            Ok(Some("un\ndeux\ttrois".to_owned()))
        );
        assert_eq!(
            parse("un\ndeux", TextShape::Line, 300),
            Err(TextError::LineBreak)
        );
    }

    #[test]
    fn control_characters_are_refused_with_their_position() {
        assert_eq!(
            parse("ab\u{1b}[31m", TextShape::Paragraphs, 300),
            Err(TextError::ControlCharacter { code: 0x1b, at: 3 })
        );
        for c in ['\0', '\u{8}', '\u{7f}', '\u{85}', '\u{9b}', '\r'] {
            let text = format!("a{c}b");
            assert!(
                matches!(
                    parse(&text, TextShape::Paragraphs, 300),
                    Err(TextError::ControlCharacter { .. })
                ),
                "{c:?}"
            );
        }
    }

    #[test]
    fn bidirectional_overrides_are_refused_and_marks_are_not() {
        assert_eq!(
            parse("facture\u{202e}fdp.exe", TextShape::Line, 300),
            Err(TextError::BidiControl {
                code: 0x202e,
                at: 8
            })
        );
        assert!(parse("שלום\u{200f} 2024", TextShape::Line, 300).is_ok());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(parse(&"é".repeat(300), TextShape::Line, 300).is_ok());
        assert_eq!(
            parse(&"é".repeat(301), TextShape::Line, 300),
            Err(TextError::TooLong { max: 300 })
        );
    }

    #[test]
    fn format_characters_are_recognised() {
        assert!(is_format_char('\u{202e}'));
        assert!(is_format_char('\u{200b}'));
        assert!(is_format_char('\u{feff}'));
        assert!(!is_format_char('a'));
        assert!(!is_format_char('é'));
    }
}
