//! Cursor pagination shared by every list: opaque cursors are row ids, pages have a maximum size.

use uuid::Uuid;

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

/// A validated page request.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub after: Option<Uuid>,
    pub first: u64,
    /// Whether the caller shows the size of the whole list; counting a long list costs more
    /// than reading a page of it, so lists skip it when nobody asked.
    pub with_total: bool,
}

impl PageRequest {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> AppResult<PageRequest> {
        let first = page_size(first)?;
        let after = match after {
            None => None,
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
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
    pub fn total_if(self, wanted: bool) -> PageRequest {
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

pub fn encode_cursor(id: Uuid) -> String {
    id.simple().to_string()
}

fn decode_cursor(cursor: &str) -> Option<Uuid> {
    Uuid::try_parse(cursor).ok()
}

/// A page of rows with what the connection needs.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: u64,
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

    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, total: u64) -> Page<T> {
        let has_next = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Page {
            items: rows,
            has_next,
            has_previous: request.after.is_some(),
            total,
        }
    }
}
