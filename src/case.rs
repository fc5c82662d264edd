//! Programmes as 1EdTech CASE 1.1 frameworks (Competencies and Academic Standards Exchange), so
//! that other tools can read our referentials: one `CFDocument` per programme version, a
//! `CFItem` for each domain, competence, indicator and RNCP bloc, `isChildOf` associations for
//! the tree, `isRelatedTo` between a bloc and its domain, and the exemption rules that name a
//! domain of another programme as `ext:grantsDispenseFrom` / `ext:grantsAllegementFrom`
//! associations (CASE has no notion of a dispense; 1.1 allows such extension types), with the
//! legal basis in `notes`.
//!
//! Identifiers are UUIDv5 of the programme code, version and item code, so every Acquis
//! instance, and every re-import of the same version, gives the same ones.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::programme::{ExemptionKind, Programme, RuleCondition};

/// The namespace of every identifier Acquis gives CASE objects.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:acquis:case:v1p1")
}

fn id(parts: &[&str]) -> Uuid {
    Uuid::new_v5(&namespace(), parts.join("\u{1f}").as_bytes())
}

/// The `CFDocument` identifier of a programme version.
pub fn document_id(code: &str, version: &str) -> Uuid {
    id(&["document", code, version])
}

fn item_id(code: &str, version: &str, kind: &str, key: &str) -> Uuid {
    id(&["item", code, version, kind, key])
}

/// Where the CASE routes of this service are, e.g. `https://acquis.example/ims/case/v1p1`.
pub struct Base<'a>(pub &'a str);

impl Base<'_> {
    fn uri(&self, collection: &str, identifier: Uuid) -> String {
        format!("{}/{collection}/{identifier}", self.0.trim_end_matches('/'))
    }
}

const ITEM_TYPES: &[(&str, &str, &str)] = &[
    (
        "Domaine de compétences",
        "1",
        "A domain (or bloc) of competences of the referential, validated as a whole by the jury.",
    ),
    ("Compétence", "2", "A competence of a domain."),
    (
        "Indicateur",
        "3",
        "An indicator by which a competence is assessed.",
    ),
    (
        "Bloc de compétences",
        "1",
        "A bloc de compétences of the RNCP fiche, matching a domain.",
    ),
];

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn item_type_link(base: &Base, name: &str) -> Value {
    let identifier = id(&["itemtype", name]);
    json!({ "title": name, "identifier": identifier, "uri": base.uri("CFItemTypes", identifier) })
}

/// The `CFDocument` of a programme version; `changed` is when it was stored.
pub fn document(p: &Programme, base: &Base, changed: DateTime<Utc>) -> Value {
    let identifier = document_id(p.code.as_str(), &p.version);
    let mut document = json!({
        "identifier": identifier,
        "uri": base.uri("CFDocuments", identifier),
        "caseVersion": "1.1",
        "creator": p.source.as_ref().map_or("Acquis", |s| s.publisher.as_str()),
        "title": p.title,
        "lastChangeDateTime": timestamp(changed),
        "version": p.version,
        "language": "fre",
        "adoptionStatus": "Adopted",
        "subject": ["VAE"],
    });
    if let Some(from) = p.valid_from {
        document["statusStartDate"] = json!(from.to_string());
    }
    if let Some(until) = p.valid_until {
        document["statusEndDate"] = json!(until.to_string());
    }
    let official = p.rncp.as_ref().and_then(|r| r.url.clone()).or_else(|| {
        p.rncp_code.as_ref().and_then(|code| {
            code.strip_prefix("RNCP")
                .map(|n| format!("https://www.francecompetences.fr/recherche/rncp/{n}/"))
        })
    });
    if let Some(url) = official {
        document["officialSourceURL"] = json!(url);
    }
    let mut notes = vec![format!(
        "Programme {} of Acquis, version {}.",
        p.code, p.version
    )];
    if let Some(source) = &p.source {
        notes.push(format!(
            "Source: {}, {} ({}), export of {}; {}.",
            source.publisher, source.dataset, source.url, source.export_date, source.licence
        ));
    }
    if let Some(rncp) = &p.rncp {
        notes.push(rncp.competences_note.clone());
    }
    document["notes"] = json!(notes.join(" "));
    document
}

/// The whole framework: document, items, associations and the item types they use.
pub fn package(p: &Programme, base: &Base, changed: DateTime<Utc>) -> Value {
    let code = p.code.as_str();
    let version = p.version.as_str();
    let at = timestamp(changed);
    let document = document(p, base, changed);
    let document_link = json!({
        "title": p.title,
        "identifier": document["identifier"],
        "uri": document["uri"],
        "targetType": "CASE",
    });
    let mut items: Vec<Value> = Vec::new();
    let mut associations: Vec<Value> = Vec::new();
    let mut associate = |kind: &str,
                         origin: &Value,
                         destination: &Value,
                         sequence: Option<usize>,
                         notes: Option<String>| {
        let identifier = id(&[
            "association",
            kind,
            origin["identifier"].as_str().unwrap_or_default(),
            destination["identifier"].as_str().unwrap_or_default(),
        ]);
        let mut association = json!({
            "identifier": identifier,
            "associationType": kind,
            "uri": base.uri("CFAssociations", identifier),
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": at,
        });
        if let Some(n) = sequence {
            association["sequenceNumber"] = json!(n + 1);
        }
        if let Some(notes) = notes {
            association["notes"] = json!(notes);
        }
        associations.push(association);
    };
    let mut item = |kind: &str,
                    key: &str,
                    statement: &str,
                    coding: Option<&str>,
                    notes: Option<&str>|
     -> Value {
        let identifier = item_id(code, version, kind, key);
        let mut value = json!({
            "identifier": identifier,
            "fullStatement": statement,
            "uri": base.uri("CFItems", identifier),
            "CFItemType": kind,
            "CFItemTypeURI": item_type_link(base, kind),
            "language": "fre",
            "lastChangeDateTime": at,
        });
        if let Some(coding) = coding {
            value["humanCodingScheme"] = json!(coding);
        }
        if let Some(notes) = notes {
            value["notes"] = json!(notes);
        }
        let link = json!({ "title": statement.chars().take(200).collect::<String>(), "identifier": identifier, "uri": value["uri"], "targetType": "CASE" });
        items.push(value);
        link
    };
    let mut domain_links: Vec<(String, Value)> = Vec::new();
    for (d, domain) in p.domains.iter().enumerate() {
        let domain_link = item(
            "Domaine de compétences",
            domain.code.as_str(),
            &domain.title,
            Some(domain.code.as_str()),
            Some(&domain.certification),
        );
        associate("isChildOf", &domain_link, &document_link, Some(d), None);
        for (c, competence) in domain.competences.iter().enumerate() {
            let competence_link = item(
                "Compétence",
                competence.code.as_str(),
                &competence.title,
                Some(competence.code.as_str()),
                None,
            );
            associate("isChildOf", &competence_link, &domain_link, Some(c), None);
            for (i, indicator) in competence.indicators.iter().enumerate() {
                let key = format!("{}#{}", competence.code, i + 1);
                let indicator_link = item("Indicateur", &key, indicator, None, None);
                associate(
                    "isChildOf",
                    &indicator_link,
                    &competence_link,
                    Some(i),
                    None,
                );
            }
        }
        domain_links.push((domain.code.to_string(), domain_link));
    }
    for (b, bloc) in p.blocs.iter().enumerate() {
        let bloc_link = item(
            "Bloc de compétences",
            &bloc.code,
            &bloc.title,
            Some(&bloc.code),
            bloc.note.as_deref(),
        );
        associate(
            "isChildOf",
            &bloc_link,
            &document_link,
            Some(p.domains.len() + b),
            None,
        );
        if let Some((_, domain_link)) = domain_links
            .iter()
            .find(|(code, _)| code == bloc.domain_code.as_str())
        {
            associate("isRelatedTo", &bloc_link, domain_link, None, None);
        }
    }
    for rule in &p.exemption_rules {
        let RuleCondition::PriorValidation {
            domain_code,
            programme_code: Some(other),
        } = &rule.condition
        else {
            continue;
        };
        let Some((_, target)) = domain_links
            .iter()
            .find(|(code, _)| code == rule.domain_code.as_str())
        else {
            continue;
        };
        // The other programme's domain, as its own CASE framework names it in its current
        // version is not known here: the link names it by code.
        let origin = json!({
            "title": format!("{} {}", other, domain_code),
            "identifier": format!("{}/{}", other, domain_code),
            "uri": format!("{}/CFDocuments?programme={}", base.0.trim_end_matches('/'), other),
            "targetType": "ext:acquisProgrammeDomain",
        });
        let kind = match rule.kind {
            ExemptionKind::Dispense => "ext:grantsDispenseFrom",
            ExemptionKind::Allegement => "ext:grantsAllegementFrom",
        };
        associate(
            kind,
            target,
            &origin,
            None,
            Some(format!(
                "{} Legal basis: {}.",
                rule.condition_text, rule.legal_reference
            )),
        );
    }
    let item_types: Vec<Value> = ITEM_TYPES
        .iter()
        .filter(|(name, _, _)| items.iter().any(|i| i["CFItemType"] == *name))
        .map(|(name, hierarchy, description)| {
            let link = item_type_link(base, name);
            json!({
                "identifier": link["identifier"],
                "uri": link["uri"],
                "title": name,
                "description": description,
                "hierarchyCode": hierarchy,
                "lastChangeDateTime": at,
            })
        })
        .collect();
    json!({
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": { "CFItemTypes": item_types },
    })
}

/// The error body of the CASE binding.
pub fn status_info(major: &str, minor: &str, description: &str) -> Value {
    json!({
        "imsx_codeMajor": major,
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": { "imsx_codeMinorField": [{ "imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor }] },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::programme::DEIS_JSON;

    #[test]
    fn identifiers_are_the_same_for_the_same_programme_version_and_differ_between_versions() {
        assert_eq!(
            document_id("DEIS", "2006-08-02"),
            document_id("DEIS", "2006-08-02")
        );
        assert_ne!(
            document_id("DEIS", "2006-08-02"),
            document_id("DEIS", "2026-01-01")
        );
        assert_eq!(document_id("DEIS", "2006-08-02").get_version_num(), 5);
    }

    #[test]
    fn every_competence_is_a_child_of_its_domain_and_every_domain_of_the_document() {
        let p = Programme::from_json(DEIS_JSON).unwrap();
        let package = package(&p, &Base("http://x/ims/case/v1p1"), Utc::now());
        let items = package["CFItems"].as_array().unwrap();
        let associations = package["CFAssociations"].as_array().unwrap();
        let competences = items
            .iter()
            .filter(|i| i["CFItemType"] == "Compétence")
            .count();
        assert_eq!(competences, 10);
        let children = associations
            .iter()
            .filter(|a| a["associationType"] == "isChildOf")
            .count();
        let indicators = items
            .iter()
            .filter(|i| i["CFItemType"] == "Indicateur")
            .count();
        assert_eq!(children, 3 + 10 + indicators + p.blocs.len());
        assert_eq!(package["CFDocument"]["caseVersion"], "1.1");
        assert!(items.iter().all(|i| i.get("CFDocumentURI").is_none()));
    }
}
