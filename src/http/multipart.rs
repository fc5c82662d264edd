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

/// Why a multipart request was refused, with the code the client sees.
pub struct MultipartError {
    pub code: &'static str,
    pub message: String,
}

impl From<String> for MultipartError {
    fn from(message: String) -> MultipartError {
        MultipartError {
            code: "BAD_REQUEST",
            message,
        }
    }
}

impl From<&str> for MultipartError {
    fn from(message: &str) -> MultipartError {
        message.to_owned().into()
    }
}

/// Reads `operations` and `map`; the files stay in the body for the resolvers. `drain_budget`
/// bounds what is read and dropped of a refused request's body, so the client, still sending,
/// gets to read the answer instead of a broken pipe.
pub async fn receive<S>(
    stream: S,
    boundary: &str,
    drain_budget: u64,
) -> Result<MultipartRequest, MultipartError>
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
    match leading_parts(&mut multipart).await {
        Ok((operations, names)) => Ok(MultipartRequest {
            operations,
            files: FileFields {
                multipart: Mutex::new(multipart),
                names,
                drain_budget,
            },
        }),
        Err(err) => {
            drain(&mut multipart, drain_budget).await;
            Err(err)
        }
    }
}

/// The operations with placeholders where the files go, and the part names by upload index.
async fn leading_parts(
    multipart: &mut multer::Multipart<'static>,
) -> Result<(Value, Vec<String>), MultipartError> {
    let mut operations: Value = serde_json::from_str(&text_part(multipart, "operations").await?)
        .map_err(|e| format!("the 'operations' part is not valid JSON: {e}"))?;
    if !operations.is_object() {
        return Err("the 'operations' part must hold one operation (a JSON object); send batches without files".into());
    }
    if contains_placeholder(&operations) {
        return Err("the 'operations' part may not contain upload placeholders".into());
    }
    let map: HashMap<String, Vec<String>> =
        serde_json::from_str(&text_part(multipart, "map").await?)
            .map_err(|e| format!("the 'map' part must map file names to variable paths: {e}"))?;
    if map.len() > MAX_FILES {
        return Err(format!("at most {MAX_FILES} files per request").into());
    }
    // A file streams once, to one evidence: a part mapped to two variables (as Apollo's upload
    // link does with one File used twice) is refused before anything is read or stored.
    if let Some((name, paths)) = map.iter().find(|(_, paths)| paths.len() > 1) {
        return Err(MultipartError {
            code: "UPLOAD_MAPPED_TWICE",
            message: format!(
                "the file part {name:?} is mapped to {} variables ({}); send one part per file variable, or upload the file once and link it with linkEvidence",
                paths.len(),
                paths.join(", ")
            ),
        });
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
    Ok((operations, names))
}

/// Reads and drops what is left of the body, up to `budget` bytes: hyper closes a connection
/// whose request body was left unread, and a client still sending then never sees the answer.
async fn drain(multipart: &mut multer::Multipart<'static>, budget: u64) {
    let mut left = budget;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            let Some(rest) = left.checked_sub(chunk.len() as u64) else {
                return;
            };
            left = rest;
        }
    }
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
    /// Most bytes [`UploadSource::finish`] reads and drops.
    drain_budget: u64,
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

    fn finish(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut multipart = self.multipart.lock().await;
            drain(&mut multipart, self.drain_budget).await;
        })
    }
}
