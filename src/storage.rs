//! Evidence objects in an object store: the local filesystem by default, an S3-compatible
//! bucket in production, memory in unit tests. This module owns object keys (derived from ids,
//! never from client file names) and streams uploads so that a file is never held whole in
//! memory: it is sniffed, size-checked and hashed on the way through.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::signer::Signer;
use object_store::{
    ClientOptions, GetResultPayload, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    WriteMultipart,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::StorageConfig;
use crate::domain::evidence_file::{AcceptedType, FileName, FileTypeError, SNIFF_LEN, sniff};

/// Size of the parts sent to the store; S3's minimum part size.
const PART_SIZE: usize = 5 * 1024 * 1024;
/// Size of the reads from a local file.
const READ_CHUNK: usize = 256 * 1024;

/// Where an object lives. Built only from ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectKey(Path);

impl ObjectKey {
    pub fn evidence(dossier_id: Uuid, evidence_id: Uuid) -> ObjectKey {
        ObjectKey(Path::from(format!("evidence/{dossier_id}/{evidence_id}")))
    }

    /// Where the client of a staged upload `PUT`s its bytes. The evidence key is another one,
    /// which only a completion writes (by moving these bytes there before checking them), so
    /// nothing a client sends after the check can change what is served.
    pub fn staging(dossier_id: Uuid, evidence_id: Uuid) -> ObjectKey {
        ObjectKey(Path::from(format!(
            "evidence/{dossier_id}/{evidence_id}.upload"
        )))
    }

    /// Prefix of every evidence object of one dossier.
    pub fn dossier_prefix(dossier_id: Uuid) -> Path {
        Path::from(format!("evidence/{dossier_id}"))
    }

    pub fn parse(raw: &str) -> Option<ObjectKey> {
        Path::parse(raw)
            .ok()
            .filter(|p| p.as_ref().starts_with("evidence/"))
            .map(ObjectKey)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The (dossier, evidence) ids a key was built from.
    pub fn ids(&self) -> Option<(Uuid, Uuid)> {
        let mut parts = self.0.as_ref().split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("evidence"), Some(dossier), Some(evidence), None) => {
                Some((dossier.parse().ok()?, evidence.parse().ok()?))
            }
            _ => None,
        }
    }
}

/// Bytes received in full but not yet visible at their key.
pub struct PendingObject {
    writer: WriteMultipart,
    pub size: u64,
}

impl PendingObject {
    pub async fn commit(self) -> Result<u64, object_store::Error> {
        self.writer.finish().await?;
        Ok(self.size)
    }

    pub async fn discard(self) {
        if let Err(err) = self.writer.abort().await {
            tracing::warn!(error = %err, "discarding received bytes left parts behind; the sweep will remove them");
        }
    }
}

/// A fully written object and what was learnt while streaming it.
#[derive(Clone, Debug)]
pub struct StoredObject {
    pub size: u64,
    pub sha256: String,
    pub content_type: AcceptedType,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error(transparent)]
    FileType(#[from] FileTypeError),
    #[error("the upload was interrupted: {0}")]
    Body(String),
    #[error(transparent)]
    Store(#[from] object_store::Error),
}

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Present on S3: presigned URLs go straight to the bucket.
    s3: Option<Arc<AmazonS3>>,
    /// Present on the local filesystem, whose interrupted multipart writes leave staging files
    /// (`name#N`) that listings do not show.
    local_root: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("store", &self.store.to_string())
            .finish()
    }
}

impl Storage {
    pub fn from_config(config: &StorageConfig) -> anyhow::Result<Storage> {
        match config {
            StorageConfig::Memory => Ok(Storage {
                store: Arc::new(InMemory::new()),
                s3: None,
                local_root: None,
            }),
            StorageConfig::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the object directory {}: {e}", dir.display())
                })?;
                let store = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
                Ok(Storage {
                    store: Arc::new(store),
                    s3: None,
                    local_root: Some(dir.clone()),
                })
            }
            StorageConfig::S3 { bucket, endpoint } => {
                // A dead endpoint must fail a request in seconds, not after the default three
                // minutes of retries; uploads themselves have no overall timeout.
                let retry = RetryConfig {
                    backoff: Default::default(),
                    max_retries: 3,
                    retry_timeout: Duration::from_secs(20),
                };
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_retry(retry)
                    .with_client_options(
                        ClientOptions::new().with_connect_timeout(Duration::from_secs(5)),
                    );
                // Replacing the client options dropped AWS_ALLOW_HTTP: apply it again.
                if std::env::var("AWS_ALLOW_HTTP").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                    builder = builder.with_allow_http(true);
                }
                if let Some(endpoint) = endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                let s3 = Arc::new(builder.build()?);
                Ok(Storage {
                    store: s3.clone(),
                    s3: Some(s3),
                    local_root: None,
                })
            }
        }
    }

    pub fn is_s3(&self) -> bool {
        self.s3.is_some()
    }

    /// Streams `body` into `key`: the first bytes decide the type (checked against the file
    /// name) before anything is written; the size limit is enforced while reading; the SHA-256
    /// is computed on the way. On any failure nothing is left at `key`.
    pub async fn put_stream<S, E>(
        &self,
        key: &ObjectKey,
        body: S,
        file_name: &FileName,
        max_bytes: u64,
    ) -> Result<StoredObject, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let mut body = std::pin::pin!(body);
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(
            SNIFF_LEN.min(
                usize::try_from(max_bytes)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1),
            ),
        );
        let mut pending: Option<Bytes> = None;
        let mut size: u64 = 0;
        let mut ended = false;
        // Gather just enough to sniff the type, without writing anything yet.
        while head.len() < SNIFF_LEN {
            match body.next().await {
                None => {
                    ended = true;
                    break;
                }
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| UploadError::Body(e.to_string()))?;
                    size += chunk.len() as u64;
                    if size > max_bytes {
                        return Err(UploadError::TooLarge { limit: max_bytes });
                    }
                    let take = (SNIFF_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                    if take < chunk.len() {
                        pending = Some(chunk.slice(take..));
                    }
                }
            }
        }
        let content_type = sniff(&head, file_name)?;
        hasher.update(&head);
        if ended {
            self.store.put(&key.0, PutPayload::from(head)).await?;
            return Ok(StoredObject {
                size,
                sha256: hex::encode(hasher.finalize()),
                content_type,
            });
        }
        let upload = self.store.put_multipart(&key.0).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        writer.write(&head);
        drop(head);
        let result = async {
            if let Some(rest) = pending.take() {
                hasher.update(&rest);
                writer.write(&rest);
            }
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Body(e.to_string()))?;
                size += chunk.len() as u64;
                if size > max_bytes {
                    return Err(UploadError::TooLarge { limit: max_bytes });
                }
                hasher.update(&chunk);
                writer.wait_for_capacity(4).await?;
                writer.write(&chunk);
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                writer.finish().await?;
                Ok(StoredObject {
                    size,
                    sha256: hex::encode(hasher.finalize()),
                    content_type,
                })
            }
            Err(err) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, object.key = key.as_str(), "aborting a failed upload left parts behind; the sweep will remove them");
                }
                Err(err)
            }
        }
    }

    /// Streams `body` towards `key` as it comes, refusing more than `max_bytes`; used for
    /// staged uploads, whose content is checked when the client completes them. Nothing is
    /// visible at `key` until the caller commits the returned object, which it does only if the
    /// upload is still open once the last byte arrived.
    pub async fn receive_unchecked<S, E>(
        &self,
        key: &ObjectKey,
        body: S,
        max_bytes: u64,
    ) -> Result<PendingObject, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let mut body = std::pin::pin!(body);
        let upload = self.store.put_multipart(&key.0).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut size: u64 = 0;
        let result = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Body(e.to_string()))?;
                size += chunk.len() as u64;
                if size > max_bytes {
                    return Err(UploadError::TooLarge { limit: max_bytes });
                }
                writer.wait_for_capacity(4).await?;
                writer.write(&chunk);
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => Ok(PendingObject { writer, size }),
            Err(err) => {
                let _ = writer.abort().await;
                Err(err)
            }
        }
    }

    /// Moves an object to another key (on S3, a copy then a delete).
    pub async fn rename(
        &self,
        from: &ObjectKey,
        to: &ObjectKey,
    ) -> Result<(), object_store::Error> {
        self.store.rename(&from.0, &to.0).await
    }

    /// Reads a stored object through once to learn its hash and type, as a completed staged
    /// upload must be checked before it becomes evidence.
    pub async fn inspect(
        &self,
        key: &ObjectKey,
        file_name: &FileName,
    ) -> Result<StoredObject, UploadError> {
        let (_, mut stream) = self.get_stream(key).await?;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            if head.len() < SNIFF_LEN {
                let take = (SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
        }
        let content_type = sniff(&head, file_name)?;
        Ok(StoredObject {
            size,
            sha256: hex::encode(hasher.finalize()),
            content_type,
        })
    }

    /// Reads an object back as a stream of chunks. Local files are read [`READ_CHUNK`] bytes
    /// at a time: object_store's own file stream reads 8 KiB per blocking task, which held
    /// downloads and the check of staged uploads to about 200 MiB/s.
    pub async fn get_stream(
        &self,
        key: &ObjectKey,
    ) -> Result<
        (
            u64,
            impl Stream<Item = Result<Bytes, object_store::Error>> + use<>,
        ),
        object_store::Error,
    > {
        let result = self.store.get(&key.0).await?;
        let size = result.meta.size;
        let stream = match result.payload {
            GetResultPayload::File(file, path) => local_file_stream(file, path, result.range),
            GetResultPayload::Stream(stream) => stream,
        };
        Ok((size, stream))
    }

    /// Size of an object, or `None` when it does not exist.
    pub async fn size(&self, key: &ObjectKey) -> Result<Option<u64>, object_store::Error> {
        match self.store.head(&key.0).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes an object; a missing one is not an error.
    pub async fn delete(&self, key: &ObjectKey) -> Result<(), object_store::Error> {
        match self.store.delete(&key.0).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every evidence object with its last-modified time, for the orphan sweep.
    pub async fn list_evidence(
        &self,
    ) -> Result<Vec<(ObjectKey, chrono::DateTime<chrono::Utc>)>, object_store::Error> {
        let prefix = Path::from("evidence");
        let mut listing = self.store.list(Some(&prefix));
        let mut found = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            found.push((ObjectKey(meta.location), meta.last_modified));
        }
        Ok(found)
    }

    /// Every object under one dossier's prefix (evidence and staged uploads).
    pub async fn list_dossier(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<ObjectKey>, object_store::Error> {
        let prefix = ObjectKey::dossier_prefix(dossier_id);
        let mut listing = self.store.list(Some(&prefix));
        let mut found = Vec::new();
        while let Some(meta) = listing.next().await {
            found.push(ObjectKey(meta?.location));
        }
        Ok(found)
    }

    /// Deletes every object of a dossier, then lists the prefix again: `Ok` only when nothing
    /// is left, with the number of objects deleted.
    pub async fn erase_dossier(&self, dossier_id: Uuid) -> Result<usize, object_store::Error> {
        let keys = self.list_dossier(dossier_id).await?;
        for key in &keys {
            self.delete(key).await?;
        }
        let left = self.list_dossier(dossier_id).await?;
        if !left.is_empty() {
            return Err(object_store::Error::Generic {
                store: "erase",
                source: format!(
                    "{} objects of an erased dossier are still listed",
                    left.len()
                )
                .into(),
            });
        }
        Ok(keys.len())
    }

    /// Keeps an erasure record beside the objects, out of the database's backups: a database
    /// restored from before the erasure learns it again from here.
    pub async fn put_tombstone(&self, id: Uuid, record: Bytes) -> Result<(), object_store::Error> {
        let location = Path::from(format!("tombstones/{id}.json"));
        self.store.put(&location, record.into()).await.map(|_| ())
    }

    /// Every erasure record kept in the store.
    pub async fn tombstones(&self) -> Result<Vec<Bytes>, object_store::Error> {
        let prefix = Path::from("tombstones");
        let mut listing = self.store.list(Some(&prefix));
        let mut locations = Vec::new();
        while let Some(meta) = listing.next().await {
            locations.push(meta?.location);
        }
        let mut records = Vec::with_capacity(locations.len());
        for location in locations {
            records.push(self.store.get(&location).await?.bytes().await?);
        }
        Ok(records)
    }

    /// Confirms the store answers within a few seconds (a missing probe object is a valid answer).
    pub async fn ping(&self) -> Result<(), object_store::Error> {
        let location = Path::from("readyz-probe");
        let probe = self.store.head(&location);
        match tokio::time::timeout(Duration::from_secs(3), probe).await {
            Ok(Ok(_) | Err(object_store::Error::NotFound { .. })) => Ok(()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(object_store::Error::Generic {
                store: "ping",
                source: "the object store did not answer within 3 s".into(),
            }),
        }
    }

    /// Removes staging files of local multipart writes older than `cutoff` (a process killed
    /// mid-upload leaves them); other stores clean up incomplete uploads themselves (on S3, with
    /// an AbortIncompleteMultipartUpload lifecycle rule).
    pub async fn remove_stale_staging(
        &self,
        cutoff: std::time::SystemTime,
    ) -> std::io::Result<usize> {
        let Some(root) = self.local_root.clone() else {
            return Ok(0);
        };
        tokio::task::spawn_blocking(move || {
            let mut removed = 0;
            let mut pending = vec![root];
            while let Some(dir) = pending.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    let Ok(meta) = entry.metadata() else { continue };
                    if meta.is_dir() {
                        pending.push(path);
                        continue;
                    }
                    let staging = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.rsplit_once('#'))
                        .is_some_and(|(_, n)| {
                            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                        });
                    if staging
                        && meta.modified().is_ok_and(|m| m < cutoff)
                        && std::fs::remove_file(&path).is_ok()
                    {
                        removed += 1;
                    }
                }
            }
            Ok(removed)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// A presigned S3 URL, or `None` on stores that cannot presign (the service then signs a
    /// route of its own).
    pub async fn presign(
        &self,
        method: object_store::signer::Method,
        key: &ObjectKey,
        ttl: Duration,
        query: Vec<(String, String)>,
    ) -> Result<Option<url::Url>, object_store::Error> {
        let Some(s3) = &self.s3 else { return Ok(None) };
        let mut options = object_store::signer::SignedUrlOptions::new();
        options.extra_query = query;
        Ok(Some(
            s3.signed_url_opts(method, &key.0, ttl, &options).await?,
        ))
    }

    /// The origin browsers send staged uploads to when the store presigns them (S3): the web
    /// application's page must be allowed to connect there. Read off a URL signed for a key
    /// no upload uses, so it is exactly what the store will hand out.
    pub async fn direct_upload_origin(&self) -> Option<String> {
        let probe = ObjectKey::staging(Uuid::nil(), Uuid::nil());
        let url = self
            .presign(
                object_store::signer::Method::PUT,
                &probe,
                Duration::from_secs(60),
                Vec::new(),
            )
            .await
            .ok()??;
        Some(url.origin().ascii_serialization()).filter(|o| o != "null")
    }
}

/// Bytes `range` of a local file, read in chunks of [`READ_CHUNK`] bytes.
fn local_file_stream(
    mut file: std::fs::File,
    path: std::path::PathBuf,
    range: std::ops::Range<u64>,
) -> BoxStream<'static, Result<Bytes, object_store::Error>> {
    use std::io::{Seek, SeekFrom};
    use tokio::io::AsyncReadExt;
    let error = move |source: std::io::Error| object_store::Error::Generic {
        store: "LocalFileSystem",
        source: format!("cannot read {}: {source}", path.display()).into(),
    };
    if let Err(source) = file.seek(SeekFrom::Start(range.start)) {
        return futures::stream::once(std::future::ready(Err(error(source)))).boxed();
    }
    let reader = tokio::fs::File::from_std(file).take(range.end - range.start);
    tokio_util::io::ReaderStream::with_capacity(reader, READ_CHUNK)
        .map_err(error)
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
        futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    fn memory() -> Storage {
        Storage::from_config(&StorageConfig::Memory).unwrap()
    }

    #[tokio::test]
    async fn a_streamed_file_is_stored_with_its_hash() {
        let storage = memory();
        let key = ObjectKey::evidence(Uuid::nil(), Uuid::max());
        let stored = storage
            .put_stream(
                &key,
                chunks(vec![b"%PDF-1.4\n", b"rest of the file"]),
                &FileName::parse("a.pdf").unwrap(),
                1000,
            )
            .await
            .unwrap();
        assert_eq!(stored.size, 25);
        assert_eq!(
            stored.sha256,
            hex::encode(Sha256::digest(b"%PDF-1.4\nrest of the file"))
        );
        assert_eq!(storage.size(&key).await.unwrap(), Some(25));
        assert_eq!(key.ids(), Some((Uuid::nil(), Uuid::max())));
    }

    #[tokio::test]
    async fn an_oversized_file_is_refused_and_leaves_nothing() {
        let storage = memory();
        let key = ObjectKey::evidence(Uuid::nil(), Uuid::nil());
        let big: &'static [u8] = Box::leak(vec![b'a'; 100_000].into_boxed_slice());
        let err = storage
            .put_stream(
                &key,
                chunks(vec![big, big]),
                &FileName::parse("a.txt").unwrap(),
                150_000,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, UploadError::TooLarge { limit: 150_000 }));
        assert_eq!(storage.size(&key).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_local_file_is_read_back_whole_in_large_chunks() {
        struct TempDir(std::path::PathBuf);
        impl Drop for TempDir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        let dir = TempDir(std::env::temp_dir().join(format!("acquis-storage-{}", Uuid::new_v4())));
        let storage = Storage::from_config(&StorageConfig::Local(dir.0.clone())).unwrap();
        let key = ObjectKey::evidence(Uuid::nil(), Uuid::max());
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend((0..3 * READ_CHUNK + 17).map(|i| (i % 251) as u8));
        let body: &'static [u8] = Box::leak(bytes.clone().into_boxed_slice());
        storage
            .put_stream(
                &key,
                chunks(vec![body]),
                &FileName::parse("a.pdf").unwrap(),
                1 << 30,
            )
            .await
            .unwrap();
        let (size, stream) = storage.get_stream(&key).await.unwrap();
        let parts: Vec<Bytes> = stream.try_collect().await.unwrap();
        assert_eq!(size, bytes.len() as u64);
        assert_eq!(parts.concat(), bytes);
        assert!(parts.len() <= 5, "{} chunks", parts.len());
    }
}
