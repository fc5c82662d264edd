//! Names of files inside an archive: whatever a candidate called a file, its name in a zip is
//! one path segment that no unzip tool turns into a path outside the folder, that means the
//! same on Windows, macOS and Linux, and that no other entry of the archive already has.

use std::collections::HashSet;

/// Longest name kept, in characters, extension included (file systems allow 255 bytes).
const MAX_CHARS: usize = 120;

/// Windows refuses these as names, whatever their extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// One safe path segment from an uploaded file name.
pub fn safe_segment(raw: &str) -> String {
    let mut name: String = raw
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || super::text::is_format_char(c) => '_',
            c => c,
        })
        .collect();
    name = name
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_owned();
    if name.is_empty() {
        name = "fichier".to_owned();
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    if RESERVED.contains(&stem.as_str()) {
        name.insert(0, '_');
    }
    if name.chars().count() > MAX_CHARS {
        let (stem, ext) = split_extension(&name);
        let ext_len = ext.chars().count();
        let kept: String = stem
            .chars()
            .take(MAX_CHARS.saturating_sub(ext_len))
            .collect();
        name = format!("{kept}{ext}");
    }
    name
}

/// `("rapport", ".pdf")`; a name without a dot has no extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    }
}

/// Hands out entry paths, each unique in the archive (compared without case, as on Windows
/// and macOS): a second `folder/cv.pdf` becomes `folder/cv (2).pdf`.
#[derive(Debug, Default)]
pub struct EntryNames {
    taken: HashSet<String>,
}

impl EntryNames {
    /// A unique path for `file_name` in `folder` (segments separated by `/`, already safe).
    pub fn allot(&mut self, folder: &str, file_name: &str) -> String {
        let name = safe_segment(file_name);
        let (stem, ext) = split_extension(&name);
        let mut n = 1;
        loop {
            let candidate = if n == 1 {
                format!("{folder}/{name}")
            } else {
                format!("{folder}/{stem} ({n}){ext}")
            };
            if self.taken.insert(candidate.to_lowercase()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Reserves a fixed path such as `summary.pdf`, so no evidence takes it.
    pub fn reserve(&mut self, path: &str) {
        self.taken.insert(path.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cannot_climb_out_of_its_folder() {
        assert_eq!(safe_segment("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_segment("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(safe_segment("C:\\x.pdf"), "C__x.pdf");
        assert_eq!(safe_segment(".."), "fichier");
        assert_eq!(safe_segment("   "), "fichier");
    }

    #[test]
    fn windows_reserved_names_and_controls_are_neutralised() {
        assert_eq!(safe_segment("CON.pdf"), "_CON.pdf");
        assert_eq!(safe_segment("a\u{202e}fdp.exe"), "a_fdp.exe");
        assert_eq!(safe_segment("tab\there.pdf"), "tab_here.pdf");
        assert_eq!(
            safe_segment("Attestation employeur é.pdf"),
            "Attestation employeur é.pdf"
        );
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.pdf", "a".repeat(300));
        let safe = safe_segment(&long);
        assert_eq!(safe.chars().count(), MAX_CHARS);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn the_same_name_twice_in_a_folder_gets_a_number() {
        let mut names = EntryNames::default();
        names.reserve("summary.pdf");
        assert_eq!(names.allot("evidence/DC1", "cv.pdf"), "evidence/DC1/cv.pdf");
        assert_eq!(
            names.allot("evidence/DC1", "CV.pdf"),
            "evidence/DC1/CV (2).pdf"
        );
        assert_eq!(names.allot("evidence/DC2", "cv.pdf"), "evidence/DC2/cv.pdf");
        assert_eq!(
            names.allot("evidence/DC1", "cv.pdf"),
            "evidence/DC1/cv (3).pdf"
        );
    }
}
