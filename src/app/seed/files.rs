//! The evidence files of a seeded dossier: what each one is (kind, title, file name, links to
//! experiences, claims or the qualification) and its bytes, a one-page PDF written here by
//! hand. Apart from the rest of the dossier because the PDF writer is a small file format of
//! its own (`pdf` is public: any caller may want a real, tiny PDF) that needs no generator
//! state, database or storage.

use bytes::Bytes;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use uuid::Uuid;

use super::PlannedFile;
use super::prose::description;
use super::vocabulary::WORK_PRODUCTS;
use crate::db::records::{ClaimRecord, EvidenceLinks, ExperienceRecord, QualificationRecord};
use crate::domain::evidence_file::FileName;
use crate::domain::experience::{EvidenceKind, ExperienceKind};

/// The file `index` of a candidate's dossier, with a nil id: the caller draws the id before
/// this plan, and the draws must keep that order for runs to stay the same.
pub(super) fn plan_file(
    rng: &mut StdRng,
    index: u32,
    experiences: &[ExperienceRecord],
    claims: &[(ClaimRecord, Option<Uuid>)],
    qualification: &QualificationRecord,
    candidate_name: &str,
    uploaded_at: DateTime<Utc>,
) -> PlannedFile {
    let experience = &experiences[(index as usize / 3) % experiences.len().max(1)];
    let claimed: Vec<String> = claims
        .iter()
        .filter(|(c, _)| c.experience_id == experience.id)
        .map(|(c, _)| c.competence_code.clone())
        .collect();
    let some_claims = |rng: &mut StdRng| {
        let count = rng
            .random_range(1..=claimed.len().max(1))
            .min(claimed.len());
        let mut codes: Vec<String> = claimed.choose_multiple(rng, count).cloned().collect();
        codes.sort();
        codes
    };
    let date = uploaded_at.date_naive();
    let (kind, title, file_name, links, heading, body) = match (index, index % 3) {
        (1, _) => (
            EvidenceKind::Diploma,
            format!("Diplôme : {}", qualification.title),
            format!(
                "diplome-{}.pdf",
                qualification.code.to_lowercase().replace('_', "-")
            ),
            EvidenceLinks {
                qualification_ids: vec![qualification.id],
                ..Default::default()
            },
            qualification.title.clone(),
            format!(
                "Le diplôme est délivré à {candidate_name}, qui a satisfait aux épreuves. \
                 Obtenu le {}. Niveau {} du cadre national des certifications professionnelles.",
                qualification
                    .obtained_on
                    .map(french_date)
                    .unwrap_or_default(),
                qualification.level.unwrap_or(6)
            ),
        ),
        (_, 1) => (
            EvidenceKind::JobDescription,
            format!("Fiche de poste - {}", experience.title),
            "fiche-de-poste.pdf".to_owned(),
            EvidenceLinks {
                experience_ids: vec![experience.id],
                competence_codes: some_claims(rng),
                ..Default::default()
            },
            format!("Fiche de poste : {}", experience.title),
            format!(
                "Poste de {} à {}, à {} % d'un temps plein. Missions principales : {}",
                experience.title.to_lowercase(),
                experience.organisation,
                experience.working_time_percent,
                description(rng, 4)
            ),
        ),
        (_, 2) => {
            let (title, file_name) = *WORK_PRODUCTS.choose(rng).unwrap_or(&WORK_PRODUCTS[0]);
            (
                EvidenceKind::WorkProduct,
                format!("{title} - {}", experience.organisation),
                file_name.to_owned(),
                EvidenceLinks {
                    experience_ids: vec![experience.id],
                    competence_codes: some_claims(rng),
                    ..Default::default()
                },
                title.to_owned(),
                format!(
                    "Document produit par {candidate_name} dans le cadre de sa fonction de {} à {}. {}",
                    experience.title.to_lowercase(),
                    experience.organisation,
                    description(rng, 3)
                ),
            )
        }
        _ => (
            if experience.kind == ExperienceKind::Volunteer {
                EvidenceKind::VolunteerCertificate
            } else {
                EvidenceKind::EmployerCertificate
            },
            format!("Attestation - {}", experience.organisation),
            if experience.kind == ExperienceKind::Volunteer {
                "attestation-benevolat.pdf".to_owned()
            } else {
                "attestation-employeur.pdf".to_owned()
            },
            EvidenceLinks {
                experience_ids: vec![experience.id],
                competence_codes: if rng.random_bool(0.5) {
                    some_claims(rng)
                } else {
                    Vec::new()
                },
                ..Default::default()
            },
            format!("Attestation - {}", experience.organisation),
            format!(
                "Nous attestons que {candidate_name} {} le poste de {} {}, à {} % d'un temps \
                 plein. {}",
                if experience.end_date.is_some() {
                    "a occupé"
                } else {
                    "occupe"
                },
                experience.title.to_lowercase(),
                match experience.end_date {
                    Some(end) => format!(
                        "du {} au {}",
                        french_date(experience.start_date),
                        french_date(end)
                    ),
                    None => format!("depuis le {}", french_date(experience.start_date)),
                },
                experience.working_time_percent,
                experience.description.clone().unwrap_or_default()
            ),
        ),
    };
    let bytes = Bytes::from(pdf(
        &heading,
        &[
            if kind == EvidenceKind::Diploma {
                "République française - Ministère chargé des affaires sociales".to_owned()
            } else {
                format!("{} - le {}", experience.organisation, french_date(date))
            },
            String::new(),
            body,
            String::new(),
            "Document fictif produit par `acquis seed` pour les essais.".to_owned(),
        ],
    ));
    PlannedFile {
        id: Uuid::nil(),
        kind,
        title,
        file_name: FileName::parse(&file_name)
            .unwrap_or_else(|_| FileName::parse("document.pdf").expect("a valid file name")),
        links,
        uploaded_at,
        bytes,
    }
}

fn french_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// A one-page PDF 1.4 with a heading and wrapped paragraphs in Helvetica (WinAnsi), with a
/// correct cross-reference table: a real file any reader opens.
pub fn pdf(heading: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut content = Vec::new();
    content.extend_from_slice(b"BT\n/F2 14 Tf\n16 TL\n56 780 Td\n(");
    content.extend(pdf_text(heading));
    content.extend_from_slice(b") Tj\nT*\nT*\n/F1 10 Tf\n13 TL\n");
    for paragraph in paragraphs {
        if paragraph.is_empty() {
            content.extend_from_slice(b"T*\n");
            continue;
        }
        for line in wrap(paragraph, 95) {
            content.push(b'(');
            content.extend(pdf_text(&line));
            content.extend_from_slice(b") Tj\nT*\n");
        }
    }
    content.extend_from_slice(b"ET\n");

    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"\nendstream");
    object(&mut out, &stream);
    let mut info = b"<< /Producer (acquis seed) /Title (".to_vec();
    info.extend(pdf_text(heading));
    info.extend_from_slice(b") >>");
    object(&mut out, &info);
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for offset in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF string body in WinAnsi: Latin-1 letters as octal escapes, the rest approximated.
fn pdf_text(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let byte = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            ' '..='~' | '\u{a0}'..='\u{ff}' => c as u8,
            'œ' => 0x9c,
            'Œ' => 0x8c,
            '€' => 0x80,
            '’' | '‘' => b'\'',
            '–' | '—' => b'-',
            '“' | '”' => b'"',
            _ => b'?',
        };
        if byte >= 0x80 {
            out.extend_from_slice(format!("\\{byte:03o}").as_bytes());
        } else {
            out.push(byte);
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
