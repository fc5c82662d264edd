//! What an evidence file may be. The type is sniffed from the bytes, never taken from the
//! client, and must agree with the file name's extension.

use std::fmt;

/// Bytes the sniffer needs at most: office formats name their parts within the first entries.
pub const SNIFF_LEN: usize = 64 * 1024;

/// A client file name reduced to its last path component, without control or format
/// characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileNameError {
    #[error("the file name is empty")]
    Empty,
    #[error("the file name is longer than 255 bytes")]
    TooLong,
    #[error("the file name has no extension; name the file like attestation.pdf")]
    NoExtension,
}

impl FileName {
    pub fn parse(raw: &str) -> Result<FileName, FileNameError> {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        // Controls and invisible format characters (bidirectional overrides among them) would
        // make the name display as another one.
        let cleaned: String = last
            .chars()
            .filter(|c| !c.is_control() && !crate::domain::text::is_format_char(*c))
            .collect();
        // Leading dots would make a hidden file on a user's disk.
        let cleaned = cleaned
            .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_end()
            .to_owned();
        if cleaned.is_empty() {
            return Err(FileNameError::Empty);
        }
        if cleaned.len() > 255 {
            return Err(FileNameError::TooLong);
        }
        match cleaned.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Ok(FileName(cleaned)),
            _ => Err(FileNameError::NoExtension),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-case extension without the dot.
    pub fn extension(&self) -> String {
        self.0
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The file types a dossier accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptedType {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Odt,
    Ods,
    Docx,
    Xlsx,
    PlainText,
}

impl AcceptedType {
    pub fn mime(self) -> &'static str {
        match self {
            AcceptedType::Pdf => "application/pdf",
            AcceptedType::Jpeg => "image/jpeg",
            AcceptedType::Png => "image/png",
            AcceptedType::Webp => "image/webp",
            AcceptedType::Odt => "application/vnd.oasis.opendocument.text",
            AcceptedType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            AcceptedType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            AcceptedType::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            AcceptedType::PlainText => "text/plain; charset=utf-8",
        }
    }

    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            AcceptedType::Pdf => &["pdf"],
            AcceptedType::Jpeg => &["jpg", "jpeg"],
            AcceptedType::Png => &["png"],
            AcceptedType::Webp => &["webp"],
            AcceptedType::Odt => &["odt"],
            AcceptedType::Ods => &["ods"],
            AcceptedType::Docx => &["docx"],
            AcceptedType::Xlsx => &["xlsx"],
            AcceptedType::PlainText => &["txt", "text", "md", "csv"],
        }
    }

    pub fn from_mime(mime: &str) -> Option<AcceptedType> {
        ALL.iter().copied().find(|t| t.mime() == mime)
    }
}

const ALL: [AcceptedType; 9] = [
    AcceptedType::Pdf,
    AcceptedType::Jpeg,
    AcceptedType::Png,
    AcceptedType::Webp,
    AcceptedType::Odt,
    AcceptedType::Ods,
    AcceptedType::Docx,
    AcceptedType::Xlsx,
    AcceptedType::PlainText,
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileTypeError {
    #[error("the file is empty: choose a file that has content")]
    Empty,
    #[error(
        "{detected} files are not accepted as evidence (accepted: PDF, JPEG, PNG, WebP, ODT, ODS, DOCX, XLSX, plain text)"
    )]
    Rejected { detected: String },
    #[error(
        "the content of the file could not be recognised (accepted: PDF, JPEG, PNG, WebP, ODT, ODS, DOCX, XLSX, plain text)"
    )]
    Unknown,
    #[error(
        "the file content is {detected} but its name ends in .{extension}; rename it with one of: {expected}"
    )]
    ExtensionMismatch {
        detected: &'static str,
        extension: String,
        expected: String,
    },
}

impl FileTypeError {
    pub fn code(&self) -> &'static str {
        match self {
            FileTypeError::Empty => "EMPTY_FILE",
            FileTypeError::Rejected { .. } | FileTypeError::Unknown => "UNSUPPORTED_FILE_TYPE",
            FileTypeError::ExtensionMismatch { .. } => "EXTENSION_MISMATCH",
        }
    }
}

/// Decides the type of a file from its first bytes (up to [`SNIFF_LEN`]) and checks the name.
pub fn sniff(head: &[u8], file_name: &FileName) -> Result<AcceptedType, FileTypeError> {
    if head.is_empty() {
        return Err(FileTypeError::Empty);
    }
    let accepted = detect(head)?;
    let extension = file_name.extension();
    if accepted.extensions().contains(&extension.as_str()) {
        Ok(accepted)
    } else {
        Err(FileTypeError::ExtensionMismatch {
            detected: label(accepted),
            extension,
            expected: accepted
                .extensions()
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

fn detect(head: &[u8]) -> Result<AcceptedType, FileTypeError> {
    // Office formats are zip archives: recognise them before the generic archive check.
    if infer::doc::is_docx(head) {
        return Ok(AcceptedType::Docx);
    }
    if infer::doc::is_xlsx(head) {
        return Ok(AcceptedType::Xlsx);
    }
    if infer::odf::is_odt(head) {
        return Ok(AcceptedType::Odt);
    }
    if infer::odf::is_ods(head) {
        return Ok(AcceptedType::Ods);
    }
    if let Some(kind) = infer::get(head) {
        return match kind.mime_type() {
            "application/pdf" => Ok(AcceptedType::Pdf),
            "image/jpeg" => Ok(AcceptedType::Jpeg),
            "image/png" => Ok(AcceptedType::Png),
            "image/webp" => Ok(AcceptedType::Webp),
            other => Err(FileTypeError::Rejected {
                detected: describe(kind.matcher_type(), other),
            }),
        };
    }
    if looks_like_text(head) {
        Ok(AcceptedType::PlainText)
    } else {
        Err(FileTypeError::Unknown)
    }
}

fn describe(matcher: infer::MatcherType, mime: &str) -> String {
    let family = match matcher {
        infer::MatcherType::App => "executable",
        infer::MatcherType::Archive => "archive",
        infer::MatcherType::Audio => "audio",
        infer::MatcherType::Video => "video",
        infer::MatcherType::Font => "font",
        _ => "unsupported",
    };
    format!("{family} ({mime})")
}

/// UTF-8 without NUL or other control characters than layout ones. A multi-byte character cut
/// at the end of the sniffed window is tolerated.
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            match std::str::from_utf8(&head[..err.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

fn label(accepted: AcceptedType) -> &'static str {
    match accepted {
        AcceptedType::Pdf => "PDF",
        AcceptedType::Jpeg => "JPEG",
        AcceptedType::Png => "PNG",
        AcceptedType::Webp => "WebP",
        AcceptedType::Odt => "ODT",
        AcceptedType::Ods => "ODS",
        AcceptedType::Docx => "DOCX",
        AcceptedType::Xlsx => "XLSX",
        AcceptedType::PlainText => "plain text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> FileName {
        FileName::parse(n).unwrap()
    }

    #[test]
    fn file_names_keep_only_the_last_path_component() {
        assert_eq!(name("../../etc/passwd.txt").as_str(), "passwd.txt");
        assert_eq!(name("C:\\Users\\a\\cv.pdf").as_str(), "cv.pdf");
        assert_eq!(FileName::parse("   "), Err(FileNameError::Empty));
        assert_eq!(FileName::parse("README"), Err(FileNameError::NoExtension));
        assert_eq!(FileName::parse(".pdf"), Err(FileNameError::NoExtension));
    }

    #[test]
    fn a_pdf_named_pdf_is_accepted() {
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", &name("a.PDF")),
            Ok(AcceptedType::Pdf)
        );
    }

    #[test]
    fn a_renamed_executable_is_rejected() {
        let mut elf =
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
        elf.resize(128, 0);
        let err = sniff(&elf, &name("cv.pdf")).unwrap_err();
        assert!(matches!(err, FileTypeError::Rejected { .. }), "{err}");
        assert_eq!(err.code(), "UNSUPPORTED_FILE_TYPE");
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";
        assert!(matches!(
            sniff(exe, &name("cv.pdf")),
            Err(FileTypeError::Rejected { .. })
        ));
    }

    #[test]
    fn a_zip_is_rejected_as_an_archive() {
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00hello";
        let err = sniff(zip, &name("docs.zip")).unwrap_err();
        assert!(err.to_string().contains("archive"), "{err}");
    }

    #[test]
    fn content_and_extension_must_agree() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert!(matches!(
            sniff(png, &name("photo.pdf")),
            Err(FileTypeError::ExtensionMismatch { .. })
        ));
        assert_eq!(sniff(png, &name("photo.png")), Ok(AcceptedType::Png));
    }

    #[test]
    fn text_is_recognised_and_binary_noise_is_not() {
        assert_eq!(
            sniff(
                "Attestation employeur, 12 mois à temps plein.\n".as_bytes(),
                &name("a.txt")
            ),
            Ok(AcceptedType::PlainText)
        );
        assert_eq!(
            sniff(&[0u8, 159, 146, 150, 1, 2], &name("a.txt")),
            Err(FileTypeError::Unknown)
        );
        assert_eq!(sniff(b"", &name("a.txt")), Err(FileTypeError::Empty));
    }
}
