//! The GraphQL multipart request spec, streamed: `operations` and `map` are read first, then
//! the request executes while its files are still arriving, each read by the resolver that
//! takes it. Nothing is spooled to disk or held whole in memory.

use std::collections::HashMap;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::graphql::uploads::{
    IncomingFile, UPLOAD_PLACEHOLDER, UploadSource, contains_placeholder,
};

/// Files a multipart request may carry.
pub const MAX_FILES: usize = 5;
const MAX_OPERATIONS: u64 = 1 << 20;
const MAX_MAP: u64 = 64 * 1024;

/// The `operations` object, with placeholders where files go, and the source of those files.
pub struct MultipartRequest {
    pub operations: Value,
    pub files: FileFields,
}

pub async fn receive<S>(stream: S, boundary: &str) -> Result<MultipartRequest, String>
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
{
    let limits = multer::SizeLimit::new()
        .for_field("operations", MAX_OPERATIONS)
        .for_field("map", MAX_MAP);
    let mut multipart = multer::Multipart::with_constraints(
        stream,
        boundary.to_owned(),
        multer::Constraints::new().size_limit(limits),
    );
    let mut operations: Value =
        serde_json::from_str(&text_part(&mut multipart, "operations").await?)
            .map_err(|e| format!("the 'operations' part is not valid JSON: {e}"))?;
    if !operations.is_object() {
        return Err("the 'operations' part must hold one operation (a JSON object); send batches without files".into());
    }
    if contains_placeholder(&operations) {
        return Err("the 'operations' part may not contain upload placeholders".into());
    }
    let map: HashMap<String, Vec<String>> =
        serde_json::from_str(&text_part(&mut multipart, "map").await?)
            .map_err(|e| format!("the 'map' part must map file names to variable paths: {e}"))?;
    if map.len() > MAX_FILES {
        return Err(format!("at most {MAX_FILES} files per request"));
    }
    let mut names: Vec<String> = map.keys().cloned().collect();
    names.sort_by_key(|name| (name.parse::<u64>().unwrap_or(u64::MAX), name.clone()));
    for (index, name) in names.iter().enumerate() {
        for path in &map[name] {
            let slot = variable_slot(&mut operations, path).ok_or_else(|| {
                format!("the 'map' names {path:?}, which is not a variable of the operation")
            })?;
            *slot = Value::String(format!("{UPLOAD_PLACEHOLDER}{index}"));
        }
    }
    Ok(MultipartRequest {
        operations,
        files: FileFields {
            multipart: Mutex::new(multipart),
            names,
        },
    })
}

async fn text_part(
    multipart: &mut multer::Multipart<'static>,
    expected: &str,
) -> Result<String, String> {
    let field = multipart
        .next_field()
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the '{expected}' part is missing"))?;
    if field.name() != Some(expected) {
        return Err(format!(
            "expected the '{expected}' part, found {:?}",
            field.name().unwrap_or("an unnamed part")
        ));
    }
    field
        .text()
        .await
        .map_err(|e| format!("the '{expected}' part could not be read: {e}"))
}

/// `variables.input.file` (or `variables.files.0`) inside the operations object.
fn variable_slot<'a>(operations: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut parts = path.split('.');
    if parts.next() != Some("variables") {
        return None;
    }
    let mut current = operations.get_mut("variables")?;
    for part in parts {
        current = match current {
            Value::Object(map) => map.get_mut(part)?,
            Value::Array(items) => items.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The file parts of the body, in order.
pub struct FileFields {
    multipart: Mutex<multer::Multipart<'static>>,
    /// Part names by upload index.
    names: Vec<String>,
}

impl UploadSource for FileFields {
    fn take(&self, index: usize) -> BoxFuture<'_, Result<IncomingFile, String>> {
        Box::pin(async move {
            let wanted = self
                .names
                .get(index)
                .ok_or("no file is mapped to this variable")?;
            let mut multipart = self.multipart.lock().await;
            loop {
                let field = multipart
                    .next_field()
                    .await
                    .map_err(|e| format!("the upload was interrupted: {e}"))?
                    .ok_or_else(|| {
                        format!("the file part '{wanted}' is missing or was already read")
                    })?;
                if field.name() != Some(wanted.as_str()) {
                    // An earlier file nobody asked for: skip its bytes.
                    continue;
                }
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.map_err(std::io::Error::other).boxed();
                return Ok(IncomingFile { file_name, bytes });
            }
        })
    }
}
