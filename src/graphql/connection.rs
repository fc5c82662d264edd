//! Relay cursor connections with `totalCount`, one concrete type per node type so the schema
//! reads exactly as the contract names them.

use async_graphql::SimpleObject;

use crate::app::pagination::{Cursor, Page};

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// What a connection is made of: its edges with their cursors, the page info, the total and
/// whether the total is exact.
pub type Parts<N> = (Vec<(String, N)>, PageInfo, i32, bool);

/// Builds the edges and page info of a page whose items have ids.
pub fn parts<T, N>(
    page: Page<T>,
    id: impl Fn(&T) -> uuid::Uuid,
    node: impl Fn(T) -> N,
) -> Parts<N> {
    parts_by(page, |item| id(item).encode(), node)
}

/// Builds the edges and page info of a page whose items carry their own cursor.
pub fn parts_by<T, N>(
    page: Page<T>,
    cursor: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> Parts<N> {
    let cursors: Vec<String> = page.items.iter().map(cursor).collect();
    let info = PageInfo {
        has_next_page: page.has_next,
        has_previous_page: page.has_previous,
        start_cursor: cursors.first().cloned(),
        end_cursor: cursors.last().cloned(),
    };
    let total = i32::try_from(page.total).unwrap_or(i32::MAX);
    (
        cursors
            .into_iter()
            .zip(page.items.into_iter().map(node))
            .collect(),
        info,
        total,
        page.total_is_exact,
    )
}

macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            pub node: $node,
            pub cursor: String,
        }

        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: $crate::graphql::connection::PageInfo,
            /// Number of items in the whole list, all pages together; when
            /// `totalCountIsExact` is false, the number found before a search stopped gathering
            /// matches, so at least this many.
            pub total_count: i32,
            /// False only for a search with more matches than it gathers (see `searchEvidence`):
            /// `totalCount` is then a lower bound. Lists always count exactly.
            pub total_count_is_exact: bool,
        }

        impl $connection {
            pub fn new(
                (edges, page_info, total_count, total_count_is_exact): $crate::graphql::connection::Parts<$node>,
            ) -> Self {
                $connection {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { node, cursor })
                        .collect(),
                    page_info,
                    total_count,
                    total_count_is_exact,
                }
            }
        }
    };
}

pub(crate) use connection;
