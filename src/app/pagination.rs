//! Cursor pagination shared by every list: opaque cursors are row ids (with the rank, for a
//! list ranked by relevance), pages have a maximum size.

use uuid::Uuid;

pub use crate::db::search::Ranked;
use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// The page size asked for: `first`, or the default; refused past [`MAX_PAGE_SIZE`].
pub fn page_size(first: Option<i32>) -> AppResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if n < 0 => Err(AppError::invalid(
            &["first"],
            "INVALID_PAGE_SIZE",
            "first must not be negative",
        )),
        Some(n) if n as u64 > MAX_PAGE_SIZE => Err(AppError::invalid(
            &["first"],
            "INVALID_PAGE_SIZE",
            format!("first must be at most {MAX_PAGE_SIZE}"),
        )),
        Some(n) => Ok(n as u64),
    }
}

/// Where a page starts: the cursor of the last item of the previous page.
pub trait Cursor: Sized {
    fn encode(&self) -> String;
    fn decode(text: &str) -> Option<Self>;
}

impl Cursor for Uuid {
    fn encode(&self) -> String {
        self.simple().to_string()
    }

    fn decode(text: &str) -> Option<Uuid> {
        Uuid::try_parse(text).ok()
    }
}

impl Cursor for Ranked {
    /// The score's exact bits, so that the next page starts exactly after it.
    fn encode(&self) -> String {
        format!("{:016x}{}", self.score.to_bits(), self.id.simple())
    }

    fn decode(text: &str) -> Option<Ranked> {
        let (bits, id_text) = (text.get(..16)?, text.get(16..)?);
        let score = f64::from_bits(u64::from_str_radix(bits, 16).ok()?);
        let id = Uuid::try_parse(id_text).ok()?;
        // Only the form `encode` writes: one text per place, so a cursor is never two places.
        (score.is_finite() && id.simple().to_string() == id_text).then_some(Ranked { score, id })
    }
}

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest<C = Uuid> {
    pub after: Option<C>,
    pub first: u64,
    /// Whether the caller shows the size of the whole list; counting a long list costs more
    /// than reading a page of it, so lists skip it when nobody asked.
    pub with_total: bool,
}

impl<C: Cursor> PageRequest<C> {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> AppResult<PageRequest<C>> {
        let first = page_size(first)?;
        let after = match after {
            None => None,
            Some(cursor) => Some(C::decode(cursor).ok_or_else(|| {
                AppError::invalid(
                    &["after"],
                    "INVALID_CURSOR",
                    "the cursor is not one this API gave out",
                )
            })?),
        };
        Ok(PageRequest {
            after,
            first,
            with_total: true,
        })
    }

    /// The same page, counting the whole list only when `wanted`; a page that does not count
    /// reports a total of 0.
    pub fn total_if(self, wanted: bool) -> PageRequest<C> {
        PageRequest {
            with_total: wanted,
            ..self
        }
    }

    /// Rows to fetch: one more than asked tells whether another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

/// A page of rows with what the connection needs.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: u64,
    /// False when `total` is a lower bound: a search that stopped gathering matches.
    pub total_is_exact: bool,
}

impl<T> Page<T> {
    /// A page of a whole list already in memory, sorted by `id` (as the database pages are).
    pub fn of_sorted(all: Vec<T>, request: &PageRequest, id: impl Fn(&T) -> Uuid) -> Page<T> {
        let total = all.len() as u64;
        let rows: Vec<T> = all
            .into_iter()
            .filter(|item| request.after.is_none_or(|after| id(item) > after))
            .take(request.fetch_limit() as usize)
            .collect();
        Page::from_rows(rows, request, total)
    }

    pub fn from_rows<C>(mut rows: Vec<T>, request: &PageRequest<C>, total: u64) -> Page<T> {
        let has_next = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Page {
            items: rows,
            has_next,
            has_previous: request.after.is_some(),
            total,
            total_is_exact: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ranked_cursor_gives_back_its_exact_score_and_id_and_nothing_else_decodes() {
        let place = Ranked {
            score: 0.060_792_710_632_085_8,
            id: Uuid::from_u128(0x0193_8a2b_7c00_7000_8000_0000_0000_0042),
        };
        assert_eq!(Ranked::decode(&place.encode()), Some(place));
        let id = place.id.simple().to_string();
        for refused in [
            id.clone(),
            format!("{:016x}{}", f64::NAN.to_bits(), id),
            format!("{:016x}{}", place.score.to_bits(), place.id.hyphenated()),
            format!("{:016X}{}", place.score.to_bits(), id.to_uppercase()),
            "é".repeat(24),
        ] {
            assert_eq!(Ranked::decode(&refused), None, "{refused}");
        }
    }
}
