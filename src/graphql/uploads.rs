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
    /// Reads what no resolver took, so that the answer can be read by a client still sending.
    fn finish(&self) -> BoxFuture<'_, ()>;
}

/// Request data carrying the files of a multipart request.
#[derive(Clone)]
pub struct UploadStreams(pub Arc<dyn UploadSource>);

/// The `Upload` scalar of the multipart request spec: which file part of the request a
/// variable stands for. async-graphql's own scalar panics on a placeholder whose index is not
/// a number, which a query could carry as a string literal; this one refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRef(pub usize);

impl async_graphql::InputType for FileRef {
    type RawValueType = Self;

    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Upload")
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        registry.create_input_type::<Self, _>(async_graphql::registry::MetaTypeId::Scalar, |_| {
            async_graphql::registry::MetaType::Scalar {
                name: Self::type_name().to_string(),
                description: Some("A multipart file upload".to_owned()),
                is_valid: Some(Arc::new(|value| {
                    matches!(value, async_graphql::Value::String(_))
                })),
                visible: None,
                inaccessible: false,
                tags: Vec::new(),
                specified_by_url: Some(
                    "https://github.com/jaydenseric/graphql-multipart-request-spec".to_owned(),
                ),
                directive_invocations: Vec::new(),
                requires_scopes: Vec::new(),
            }
        })
    }

    fn parse(value: Option<async_graphql::Value>) -> async_graphql::InputValueResult<Self> {
        match value {
            Some(async_graphql::Value::String(s)) => s
                .strip_prefix(UPLOAD_PLACEHOLDER)
                .and_then(|index| index.parse().ok())
                .map(FileRef)
                .ok_or_else(|| {
                    async_graphql::InputValueError::custom(
                        "an Upload is a file part of a multipart request, named in its 'map' part",
                    )
                }),
            other => Err(async_graphql::InputValueError::expected_type(
                other.unwrap_or_default(),
            )),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::Null
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

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
