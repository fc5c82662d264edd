//! Reading France compétences' RNCP export (flux XML V4.1) as a stream of fiches.
//!
//! The real export is 570 MB of XML: it is read event by event and each `FICHE` is handed on
//! as soon as it ends, so memory holds one fiche, whatever the size of the file. Only the
//! elements Acquis uses are kept (`domain::rncp::RncpFiche`); the others are skipped.

use std::io::BufRead;

use quick_xml::events::Event;

use crate::domain::rncp::{RncpBloc, RncpCorrespondence, RncpFiche};

/// The export could not be read past some point.
#[derive(Debug, thiserror::Error)]
#[error("the RNCP export is not well-formed XML near byte {position}: {message}")]
pub struct RncpReadError {
    pub position: u64,
    pub message: String,
}

/// The fiches of an export, in file order.
pub struct Fiches<R: BufRead> {
    reader: quick_xml::Reader<R>,
    buf: Vec<u8>,
    /// Element names from inside the current `FICHE` down to the open element.
    path: Vec<String>,
    text: String,
    fiche: Option<RncpFiche>,
    /// `VERSION_FLUX` as read, once seen.
    pub flux_version: Option<String>,
    done: bool,
}

impl<R: BufRead> Fiches<R> {
    pub fn new(input: R) -> Fiches<R> {
        let mut reader = quick_xml::Reader::from_reader(input);
        reader.config_mut().trim_text(false);
        Fiches {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            path: Vec::new(),
            text: String::new(),
            fiche: None,
            flux_version: None,
            done: false,
        }
    }

    fn error(&self, message: impl ToString) -> RncpReadError {
        RncpReadError {
            position: self.reader.buffer_position(),
            message: message.to_string(),
        }
    }

    /// Takes the text gathered for the element that just ended.
    fn take_text(&mut self) -> String {
        let text = std::mem::take(&mut self.text);
        let trimmed = text.trim();
        if trimmed.len() == text.len() {
            text
        } else {
            trimmed.to_owned()
        }
    }

    fn start(&mut self, name: String) {
        self.text.clear();
        if let Some(fiche) = self.fiche.as_mut() {
            let parent = self.path.last().map(String::as_str);
            match (parent, name.as_str()) {
                (Some("BLOCS_COMPETENCES"), "BLOC_COMPETENCES") => {
                    fiche.blocs.push(RncpBloc::default());
                }
                (Some("CORRESPONDANCES"), "CORRESPONDANCE") => {
                    fiche.correspondences.push(RncpCorrespondence::default());
                }
                _ => {}
            }
            self.path.push(name);
        } else if name == "FICHE" {
            self.fiche = Some(RncpFiche::default());
        }
    }

    /// Ends an element; `Some` when it was a whole fiche.
    fn end(&mut self) -> Option<RncpFiche> {
        if self.fiche.is_none() {
            if self.text.trim().is_empty() {
                self.text.clear();
            } else if self.flux_version.is_none() {
                self.flux_version = Some(self.take_text());
            }
            return None;
        }
        if self.path.is_empty() {
            self.text.clear();
            return self.fiche.take();
        }
        let text = self.take_text();
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let fiche = self.fiche.as_mut()?;
        let yes = |t: &str| t.eq_ignore_ascii_case("oui");
        match path.as_slice() {
            ["NUMERO_FICHE"] => fiche.number = text,
            ["INTITULE"] => fiche.title = text,
            ["ETAT_FICHE"] => fiche.state = text,
            ["ACTIF"] => fiche.active = yes(&text),
            ["NOMENCLATURE_EUROPE", "NIVEAU"] => fiche.level = Some(text),
            ["DATE_FIN_ENREGISTREMENT"] => fiche.registration_ends = Some(text),
            ["LIEN_URL_DESCRIPTION"] => fiche.url = Some(text).filter(|t| !t.is_empty()),
            ["SI_JURY_VAE", "ACTIF"] => fiche.vae_open = Some(yes(&text)),
            ["SI_JURY_VAE", "COMPOSITION"] => fiche.vae_jury = Some(text),
            [
                "ANCIENNES_CERTIFICATIONS",
                _,
                "ID_FICHE_ANCIENNE_CERTIFICATION",
            ] => fiche.predecessors.push(text),
            [
                "NOUVELLES_CERTIFICATIONS",
                _,
                "ID_FICHE_NOUVELLE_CERTIFICATION",
            ] => fiche.successors.push(text),
            ["CERTIFICATEURS", _, "NOM_CERTIFICATEUR"] => fiche.certifiers.push(text),
            ["BLOCS_COMPETENCES", "BLOC_COMPETENCES", field] => {
                if let Some(bloc) = fiche.blocs.last_mut() {
                    match *field {
                        "CODE" => bloc.code = text,
                        "LIBELLE" => bloc.title = text,
                        "LISTE_COMPETENCES" => bloc.competences = text,
                        "MODALITES_EVALUATION" => bloc.assessment = text,
                        _ => {}
                    }
                }
            }
            ["CORRESPONDANCES", "CORRESPONDANCE", side @ .., last] => {
                if let Some(c) = fiche.correspondences.last_mut() {
                    match (side, *last) {
                        (["SOURCE", "BLOC_COMPETENCES"], "CODE") => c.source_bloc = text,
                        (["DESTINATION"], "NUMERO_FICHE") => c.fiche = text,
                        (["DESTINATION", "BLOC_COMPETENCES"], "CODE") => c.bloc = text,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.path.pop();
        None
    }
}

impl<R: BufRead> Iterator for Fiches<R> {
    type Item = Result<RncpFiche, RncpReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(err) => {
                    self.done = true;
                    return Some(Err(self.error(err)));
                }
            };
            match event {
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    self.start(name);
                }
                Event::End(_) => {
                    if let Some(fiche) = self.end() {
                        return Some(Ok(fiche));
                    }
                }
                Event::Text(text) => match text.decode() {
                    Ok(decoded) => self.text.push_str(&decoded),
                    Err(err) => {
                        self.done = true;
                        return Some(Err(self.error(err)));
                    }
                },
                Event::CData(data) => match data.decode() {
                    Ok(decoded) => self.text.push_str(&decoded),
                    Err(err) => {
                        self.done = true;
                        return Some(Err(self.error(err)));
                    }
                },
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => reference.decode().ok().and_then(|name| {
                            quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                        }),
                    };
                    match resolved {
                        Some(text) => self.text.push_str(&text),
                        None => {
                            self.done = true;
                            return Some(Err(self.error("an unknown entity reference")));
                        }
                    }
                }
                Event::Eof => {
                    self.done = true;
                    if self.fiche.is_some() {
                        return Some(Err(self.error("the file ends inside a FICHE")));
                    }
                    return None;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../fixtures/rncp/export_fiches_RNCP_sample.xml");

    #[test]
    fn the_sample_export_gives_its_twelve_fiches_with_blocs_and_equivalences() {
        let mut fiches = Fiches::new(SAMPLE.as_bytes());
        let all: Vec<RncpFiche> = fiches.by_ref().collect::<Result<_, _>>().unwrap();
        assert_eq!(fiches.flux_version.as_deref(), Some("4.1"));
        assert_eq!(all.len(), 12);
        let first = &all[0];
        assert_eq!(first.number, "RNCP34762");
        assert_eq!(first.successors, ["RNCP39568"]);
        assert_eq!(first.predecessors, ["RNCP24998"]);
        assert_eq!(first.level.as_deref(), Some("NIV7"));
        assert_eq!(first.vae_open, Some(true));
        assert_eq!(first.blocs[0].code, "RNCP34762BC01");
        assert!(
            first.blocs[0].competences.contains("R&D"),
            "entities are resolved"
        );
        let with_equivalences = all
            .iter()
            .find(|f| f.number == "RNCP40344")
            .expect("RNCP40344");
        assert_eq!(
            with_equivalences.correspondences[0],
            RncpCorrespondence {
                source_bloc: "RNCP40344BC04".into(),
                fiche: "RNCP37507".into(),
                bloc: "RNCP37507BC04".into(),
            }
        );
    }

    #[test]
    fn a_truncated_export_is_an_error_with_its_position() {
        let cut = &SAMPLE[..SAMPLE.len() / 2];
        let results: Vec<_> = Fiches::new(cut.as_bytes()).collect();
        let last = results.last().unwrap();
        assert!(last.is_err(), "{last:?}");
        assert!(results[..results.len() - 1].iter().all(Result::is_ok));
    }
}

#[cfg(test)]
mod conversion_tests {
    use super::*;
    use crate::domain::rncp::{RncpRefusal, programme_of};

    #[test]
    fn every_fiche_of_the_sample_becomes_a_valid_programme_or_is_refused_for_lack_of_blocs() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 8, 16).unwrap();
        let mut converted = 0;
        for fiche in Fiches::new(tests_sample().as_bytes()) {
            let fiche = fiche.unwrap();
            match programme_of(&fiche, date, "2026-08-16") {
                Ok(programme) => {
                    converted += 1;
                    assert!(!programme.domains.is_empty());
                    for domain in &programme.domains {
                        assert!(!domain.competences.is_empty(), "{}", fiche.number);
                    }
                }
                Err(RncpRefusal::NoBlocs) => {}
                Err(other) => panic!("{}: {other}", fiche.number),
            }
        }
        assert!(converted >= 10, "{converted}");
    }

    fn tests_sample() -> &'static str {
        include_str!("../fixtures/rncp/export_fiches_RNCP_sample.xml")
    }
}
