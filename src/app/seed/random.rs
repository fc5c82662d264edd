//! What makes a run repeatable: each candidate's own generator, seeded from the run's seed
//! and the candidate's number; ids and instants drawn from it and counted from `as_of` (the
//! system clock only caps them, when `as_of` is in the future); the first draws (application
//! date, creation instant), which also fix the order dossiers go in; and the small weighted
//! and uniform pick helpers. Apart so that every draw a dossier's content depends on goes
//! through one place, whose order of draws must not change.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use uuid::Uuid;

use super::SeedOptions;

pub(super) fn rng_for(seed: u64, n: u64) -> StdRng {
    // SplitMix64 of (seed, n), so neighbouring candidates get unrelated streams.
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(n)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

/// A UUIDv7 for an instant, its random part drawn from the candidate's generator.
pub(super) fn id_at(rng: &mut StdRng, at: DateTime<Utc>) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    uuid::Builder::from_unix_timestamp_millis(
        u64::try_from(at.timestamp_millis()).unwrap_or(0),
        &random,
    )
    .into_uuid()
}

/// The candidate's history, moving forward from the creation of the dossier and never past
/// the end of `as_of` (nor the present).
pub(super) struct Clock {
    pub(super) now: DateTime<Utc>,
    pub(super) limit: DateTime<Utc>,
}

impl Clock {
    pub(super) fn after(
        &mut self,
        rng: &mut StdRng,
        min_minutes: i64,
        max_minutes: i64,
    ) -> DateTime<Utc> {
        let step = Duration::minutes(rng.random_range(min_minutes..=max_minutes));
        self.now = (self.now + step).min(self.limit);
        self.now
    }
}

pub(super) fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for &(value, weight) in choices {
        if pick < weight {
            return value;
        }
        pick -= weight;
    }
    choices[choices.len() - 1].0
}

pub(super) fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// The day the data describes: `as_of`, unless that is in the future.
pub(super) fn effective_as_of(options: &SeedOptions) -> NaiveDate {
    options.as_of.min(Utc::now().date_naive())
}

/// The first draws of a candidate's generator: the application date and the moment the
/// dossier was created. Applications of the three years before `as_of`: most under the 2024
/// regime, some under the 2017 one.
pub(super) fn opening(rng: &mut StdRng, as_of: NaiveDate) -> (NaiveDate, DateTime<Utc>) {
    let application_date = as_of - Duration::days(rng.random_range(0..=1_095));
    let created_at = application_date.and_time(NaiveTime::MIN).and_utc()
        + Duration::minutes(rng.random_range(7 * 60..19 * 60));
    (application_date, created_at)
}

/// Candidate numbers `1..=dossiers` in the order their dossiers were created.
pub(super) fn creation_order(options: &SeedOptions) -> Vec<u64> {
    let as_of = effective_as_of(options);
    let mut order: Vec<(DateTime<Utc>, u64)> = (1..=options.dossiers)
        .map(|n| (opening(&mut rng_for(options.seed, n), as_of).1, n))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, n)| n).collect()
}
