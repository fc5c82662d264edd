//! Short-lived signed URLs for evidence bytes. On S3 they are presigned by the bucket; on
//! other stores they point at this service's `/files/{token}` route, with a token signed by a
//! key derived from the service secret (so a file token is never a login token).

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;
use uuid::Uuid;

const AUDIENCE: &str = "acquis-files";

/// What a file token allows. Ids only: URLs end up in the access logs of every proxy on the
/// way, so the file name and its type come from the database when the link is used.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileGrant {
    /// `get` or `put` (one evidence file), `bundle` (a dossier's jury bundle) or
    /// `personal-data` (everything held about one person).
    pub op: String,
    /// The evidence to read, the staged upload to receive, the dossier or the person.
    pub id: Uuid,
    /// Who the URL was issued to: checked again when it is used, and audited.
    pub actor_id: Uuid,
    /// Largest body a `put` accepts.
    pub max_bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct FileClaims {
    aud: String,
    exp: i64,
    #[serde(flatten)]
    grant: FileGrant,
}

pub struct LinkSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    base_url: Url,
    pub ttl: Duration,
}

impl LinkSigner {
    pub fn new(service_secret: &[u8], base_url: Url, ttl: Duration) -> anyhow::Result<LinkSigner> {
        let key = Sha256::new()
            .chain_update(b"acquis-files:")
            .chain_update(service_secret)
            .finalize();
        Ok(LinkSigner {
            encoding: EncodingKey::from_secret(&key)?,
            decoding: DecodingKey::from_secret(&key)?,
            base_url,
            ttl,
        })
    }

    /// The base URL clients reach this service at.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        Utc::now()
            + chrono::Duration::from_std(self.ttl).unwrap_or_else(|_| chrono::Duration::minutes(5))
    }

    pub fn sign(&self, grant: FileGrant) -> anyhow::Result<Url> {
        let claims = FileClaims {
            aud: AUDIENCE.to_owned(),
            exp: self.expires_at().timestamp(),
            grant,
        };
        // One evidence file on `/files/`, archives (bundle, personal data) on `/exports/`.
        let route = match claims.grant.op.as_str() {
            "get" | "put" => "files",
            _ => "exports",
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(self.base_url.join(&format!("{route}/{token}"))?)
    }

    /// The grant inside a token that is authentic and not expired.
    pub fn verify(&self, token: &str) -> Option<FileGrant> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        validation.leeway = 0;
        jsonwebtoken::decode::<FileClaims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims.grant)
    }
}

/// `attachment; filename="…"; filename*=UTF-8''…` with the original name, safe for any name.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(ttl: u64) -> LinkSigner {
        LinkSigner::new(
            b"secret-secret-secret",
            Url::parse("http://127.0.0.1:8080/").unwrap(),
            Duration::from_secs(ttl),
        )
        .unwrap()
    }

    fn grant() -> FileGrant {
        FileGrant {
            op: "get".into(),
            id: Uuid::nil(),
            actor_id: Uuid::max(),
            max_bytes: 0,
        }
    }

    #[test]
    fn a_signed_link_verifies_and_a_tampered_one_does_not() {
        let signer = signer(60);
        let url = signer.sign(grant()).unwrap();
        let token = url.path().trim_start_matches("/files/").to_owned();
        assert_eq!(signer.verify(&token), Some(grant()));
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(signer.verify(&tampered), None);
        assert_eq!(
            LinkSigner::new(
                b"another-secret-xx",
                Url::parse("http://x/").unwrap(),
                Duration::from_secs(60)
            )
            .unwrap()
            .verify(&token),
            None
        );
    }

    #[test]
    fn a_link_carries_ids_and_no_file_name() {
        let url = signer(60).sign(grant()).unwrap();
        let token = url.path().trim_start_matches("/files/");
        let claims: serde_json::Value =
            jsonwebtoken::dangerous::insecure_decode_claims(token).unwrap();
        let mut keys: Vec<&str> = claims
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["actorId", "aud", "exp", "id", "maxBytes", "op"]);
    }

    #[test]
    fn content_disposition_keeps_accents_in_the_encoded_name() {
        let header = content_disposition("Attestation employeur é.pdf");
        assert!(
            header.contains("filename=\"Attestation employeur _.pdf\""),
            "{header}"
        );
        assert!(
            header.contains("filename*=UTF-8''Attestation%20employeur%20%C3%A9.pdf"),
            "{header}"
        );
    }
}
