//! Keyed pseudonyms of people: what outlives an erasure (the decision ledger, audit events)
//! names the person by an HMAC of their id under a deployment secret, so the link can be made
//! again only by whoever holds both the secret and the id (the certifier's own register).
//! Pseudonymised data remain personal data (GDPR art. 4(5)); they keep their own retention.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    pub fn new(secret: &[u8]) -> PseudonymKey {
        PseudonymKey(secret.to_vec())
    }

    fn digest(&self, person: Uuid) -> [u8; 32] {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key");
        mac.update(b"acquis-person:");
        mac.update(person.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// 64 hex digits: the subject of ledger rows and tombstones.
    pub fn subject(&self, person: Uuid) -> String {
        hex::encode(self.digest(person))
    }

    /// A UUID (version 8) standing for the person where an id column expects one.
    pub fn id(&self, person: Uuid) -> Uuid {
        let digest = self.digest(person);
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudonym_is_stable_under_one_key_and_unrelated_under_another() {
        let person = Uuid::from_u128(42);
        let key = PseudonymKey::new(b"one deployment secret");
        assert_eq!(key.subject(person), key.subject(person));
        assert_eq!(key.subject(person).len(), 64);
        assert_ne!(key.subject(person), key.subject(Uuid::from_u128(43)));
        let other = PseudonymKey::new(b"another deployment secret");
        assert_ne!(key.subject(person), other.subject(person));
        assert_ne!(key.id(person), person);
        assert_eq!(key.id(person).get_version_num(), 8);
    }
}
