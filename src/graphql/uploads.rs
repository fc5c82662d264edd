//! Files of a multipart request, handed to resolvers as streams read straight from the request
//! body: an upload goes to object storage as it arrives instead of being spooled first.

use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

/// Prefix async-graphql's `Upload` scalar expects in a variable (the index follows).
pub const UPLOAD_PLACEHOLDER: &str = "#__graphql_file__:";

/// A file of the request: its client-side name and its bytes.
pub struct IncomingFile {
    pub file_name: String,
    pub bytes: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Where resolvers take files from; the HTTP layer implements it over the request body.
pub trait UploadSource: Send + Sync {
    /// The file mapped to upload `index`. Files arrive in body order, so each can be taken once.
    fn take(&self, index: usize) -> BoxFuture<'_, Result<IncomingFile, String>>;
}

/// Request data carrying the files of a multipart request.
#[derive(Clone)]
pub struct UploadStreams(pub Arc<dyn UploadSource>);

/// True when a JSON value holds an upload placeholder anywhere: only the multipart layer may
/// put one there (async-graphql's scalar panics on a malformed or unknown one).
pub fn contains_placeholder(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.starts_with(UPLOAD_PLACEHOLDER),
        serde_json::Value::Array(items) => items.iter().any(contains_placeholder),
        serde_json::Value::Object(map) => map.values().any(contains_placeholder),
        _ => false,
    }
}
