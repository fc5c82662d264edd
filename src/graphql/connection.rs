//! Relay cursor connections with `totalCount`, one concrete type per node type so the schema
//! reads exactly as the contract names them.

use async_graphql::SimpleObject;

use crate::app::pagination::{Page, encode_cursor};

#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Builds the edges and page info of a page whose items have ids.
pub fn parts<T, N>(
    page: Page<T>,
    id: impl Fn(&T) -> uuid::Uuid,
    node: impl Fn(T) -> N,
) -> (Vec<(String, N)>, PageInfo, i32) {
    let cursors: Vec<String> = page
        .items
        .iter()
        .map(|item| encode_cursor(id(item)))
        .collect();
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
            /// Number of items in the whole list, all pages together.
            pub total_count: i32,
        }

        impl $connection {
            pub fn new(
                (edges, page_info, total_count): (
                    Vec<(String, $node)>,
                    $crate::graphql::connection::PageInfo,
                    i32,
                ),
            ) -> Self {
                $connection {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { node, cursor })
                        .collect(),
                    page_info,
                    total_count,
                }
            }
        }
    };
}

pub(crate) use connection;
