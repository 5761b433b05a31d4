//! The one way an upload is kept: checked against its kind's limit, re-encoded when it is an
//! image (nothing a member sends is served as they sent it: no scripts in SVG, no EXIF),
//! written through [`MediaStorage`](super::store::MediaStorage) under a random key, and
//! recorded ([`MediaStore`](super::store::MediaStore)). An upload is claimed when a profile,
//! post or message uses it; one that nothing used within a day is deleted by
//! [`Guild::sweep_unused_uploads`].

use super::store::StoredUpload;
use super::UploadKind;
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::domain::Visibility;
use crate::error::{Code, CoreError, CoreResult};
use crate::{auth, feed, now_ms, photo, Guild, DAY_MS};

/// The longer side of an image attachment, in pixels, after re-encoding.
const ATTACHMENT_SIDE: u32 = 2_048;

/// An upload once kept.
#[derive(Debug, Clone)]
pub struct Kept {
    /// Its key: `photo_url(key, …)`, `media_url(key)`, or an attachment's storage key.
    pub key: String,
    /// The size of what was kept.
    pub bytes: usize,
    /// Whether it is an image (re-encoded as JPEG).
    pub image: bool,
}

/// A file as `/media/` serves it to one viewer.
#[derive(Debug, Clone)]
pub struct MediaFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub cache: MediaCache,
}

/// Who may keep a copy of a served file, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaCache {
    /// Anyone may see it and it never changes (a public profile's photo: its key changes
    /// with the photo): any cache, for good.
    Forever,
    /// Anyone may see it today (an image of a post anyone reads): any cache, for a while.
    Public,
    /// Only some viewers may see it: this viewer's browser only, briefly.
    Private,
}

/// A new upload key: 24 letters and digits.
fn new_key() -> String {
    auth::new_secret("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(24)
        .collect()
}

/// Whether `key` is one [`new_key`] could have made.
pub(crate) fn is_key(key: &str) -> bool {
    key.len() == 24 && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_image(bytes: &[u8]) -> bool {
    matches!(
        image::guess_format(bytes),
        Ok(image::ImageFormat::Jpeg
            | image::ImageFormat::Png
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP)
    )
}

/// The files of one upload: each path and its bytes.
type Files = Vec<(String, Vec<u8>)>;

/// The files an upload is kept as, and whether it is an image. CPU work (decoding up to
/// `photo_max_pixels`), so it runs off the async workers.
fn process(
    kind: UploadKind,
    key: &str,
    bytes: Vec<u8>,
    max_bytes: usize,
    max_pixels: u64,
) -> Result<(Files, bool), String> {
    let paths = kind.paths(key);
    let files = match kind {
        UploadKind::Photo => {
            let set = photo::process(&bytes, max_bytes, max_pixels)?;
            vec![set.large, set.small]
        }
        UploadKind::PostImage => vec![photo::fit_jpeg(
            &bytes,
            max_bytes,
            max_pixels,
            feed::IMAGE_SIDE,
        )?],
        UploadKind::Attachment => {
            if bytes.is_empty() {
                return Err("The file is empty.".into());
            }
            if bytes.len() > max_bytes {
                return Err(format!(
                    "A file is at most {}.",
                    super::megabytes(max_bytes)
                ));
            }
            if is_image(&bytes) {
                let jpeg = photo::fit_jpeg(&bytes, max_bytes, max_pixels, ATTACHMENT_SIDE)?;
                return Ok((vec![(paths.concat(), jpeg)], true));
            }
            return Ok((vec![(paths.concat(), bytes)], false));
        }
        UploadKind::Contacts => return Err("Contact files are read, never kept.".into()),
    };
    Ok((paths.into_iter().zip(files).collect(), true))
}

impl Guild {
    /// Checks, re-encodes, writes and records one upload of `owner`. `used` records it as
    /// used at once (a profile photo is set as it arrives); otherwise it waits to be claimed.
    /// A refusal is on the kind's form field.
    pub(crate) async fn keep_upload(
        &self,
        owner: MemberId,
        kind: UploadKind,
        bytes: Vec<u8>,
        used: bool,
    ) -> CoreResult<Kept> {
        let key = new_key();
        let limits = &self.settings.limits;
        self.per_hour(
            Code::RateLimited,
            &format!("uploads:{owner}"),
            limits.uploads_per_hour,
            |lift| {
                format!(
                    "You have uploaded {} files in the last hour. Please try again in {} minute{} (at {}).",
                    limits.uploads_per_hour,
                    lift.minutes,
                    if lift.minutes == 1 { "" } else { "s" },
                    lift.at
                )
            },
        ).await?;
        let (max_bytes, max_pixels) = (kind.max_bytes(limits), limits.photo_max_pixels);
        let task_key = key.clone();
        // One decode per permit: uploads beyond `image_decodes_at_once` wait their turn
        // rather than each taking an image's worth of memory at the same time. The permit
        // goes with the work, so a request given up meanwhile still holds it until the
        // decode ends.
        let permit = self
            .decodes
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| CoreError::Internal(format!("decode permits: {e}")))?;
        let (files, image) = tokio::task::spawn_blocking(move || {
            let done = process(kind, &task_key, bytes, max_bytes, max_pixels);
            drop(permit);
            done
        })
        .await
        .map_err(|e| CoreError::Internal(format!("upload task: {e}")))?
        .map_err(|m| CoreError::invalid(kind.field(), m))?;
        let size: usize = files.iter().map(|(_, b)| b.len()).sum();
        for (path, data) in &files {
            self.media
                .put(path, data)
                .await
                .map_err(|e| CoreError::Internal(format!("writing {path}: {e}")))?;
        }
        let now = now_ms();
        self.store
            .record_upload(&StoredUpload {
                key: key.clone(),
                owner_id: owner,
                kind,
                bytes: i64::try_from(size).unwrap_or(i64::MAX),
                created_at: now,
                used_at: used.then_some(now),
            })
            .await?;
        Ok(Kept {
            key,
            bytes: size,
            image,
        })
    }

    /// Marks `owner`'s uploads of `kind` as used; the keys that are theirs come back.
    pub(crate) async fn claim_uploads(
        &self,
        owner: MemberId,
        kind: UploadKind,
        keys: &[String],
    ) -> CoreResult<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .claim_uploads(owner, kind, keys, now_ms())
            .await?)
    }

    /// Deletes an upload's files and forgets it (a replaced photo). A file that cannot be
    /// deleted is logged and left: its record goes all the same, as nothing refers to it.
    pub(crate) async fn discard_upload(&self, kind: UploadKind, key: &str) -> CoreResult<()> {
        self.delete_files(kind, key).await;
        self.store.forget_uploads(&[key.to_string()]).await?;
        Ok(())
    }

    /// Deletes every upload that nothing used within a day of being made; returns how many.
    /// The server runs this with its other periodic work. An upload whose files cannot be
    /// deleted is kept for the next round.
    pub async fn sweep_unused_uploads(&self, now: i64) -> CoreResult<usize> {
        let unused = self.store.unused_uploads(now - DAY_MS, 500).await?;
        let mut gone = Vec::with_capacity(unused.len());
        for u in unused {
            if self.delete_files(u.kind, &u.key).await {
                gone.push(u.key);
            }
        }
        if !gone.is_empty() {
            self.store.forget_uploads(&gone).await?;
            tracing::info!(count = gone.len(), "deleted uploads nothing used");
        }
        Ok(gone.len())
    }

    /// Whether every file of the upload is gone.
    async fn delete_files(&self, kind: UploadKind, key: &str) -> bool {
        let mut ok = true;
        for path in kind.paths(key) {
            if let Err(e) = self.media.delete(&path).await {
                tracing::warn!(path, "could not delete an upload's file: {e}");
                ok = false;
            }
        }
        ok
    }

    /// A file at `/media/<path>` if this viewer may see it: a profile photo to those who may
    /// see the profile, a post image to those who may read its post (and, before a post shows
    /// it, to its uploader only). Anything else (an attachment, a made-up path, a file the
    /// viewer may not see) is not found, whichever it is.
    pub async fn media_file(&self, viewer: &Viewer, path: &str) -> CoreResult<MediaFile> {
        let (dir, name) = path.split_once('/').ok_or(CoreError::NotFound)?;
        let stem = name.strip_suffix(".jpg").ok_or(CoreError::NotFound)?;
        let (key, kind) = match dir {
            "photos" => {
                let (key, size) = stem.rsplit_once('-').ok_or(CoreError::NotFound)?;
                let sizes = [photo::LARGE.to_string(), photo::SMALL.to_string()];
                if !sizes.iter().any(|s| s == size) {
                    return Err(CoreError::NotFound);
                }
                (key, UploadKind::Photo)
            }
            "posts" => (stem, UploadKind::PostImage),
            _ => return Err(CoreError::NotFound),
        };
        if !is_key(key) {
            return Err(CoreError::NotFound);
        }
        let upload = self
            .store
            .upload_use(key)
            .await?
            .filter(|u| u.kind == kind)
            .ok_or(CoreError::NotFound)?;
        let cache = match upload.post_id {
            _ if kind == UploadKind::Photo => self.photo_cache(viewer, upload.owner_id).await?,
            Some(post) => self.post_image_cache(viewer, post).await?,
            None if viewer.is(upload.owner_id) => MediaCache::Private,
            None => return Err(CoreError::NotFound),
        };
        let bytes = self
            .media
            .get(path)
            .await
            .map_err(|e| CoreError::Internal(format!("reading {path}: {e}")))?
            .ok_or(CoreError::NotFound)?;
        Ok(MediaFile {
            bytes,
            content_type: "image/jpeg",
            cache,
        })
    }

    /// How a member's photo may be cached for this viewer, who must be allowed to see their
    /// profile (a blocked member sees neither).
    async fn photo_cache(&self, viewer: &Viewer, owner: MemberId) -> CoreResult<MediaCache> {
        let vis = self.store.profile(owner).await?.visibility;
        if self.is_hidden(viewer, owner)
            || !auth::may_see(viewer, owner, vis, self.is_connected(viewer, owner))
        {
            return Err(CoreError::NotFound);
        }
        Ok(match vis {
            Visibility::Public => MediaCache::Forever,
            _ => MediaCache::Private,
        })
    }

    /// How an image of this post may be cached for this viewer, who must be allowed to read
    /// the post.
    async fn post_image_cache(&self, viewer: &Viewer, post: i64) -> CoreResult<MediaCache> {
        let (post, author) = self.readable_post(viewer, post).await?;
        Ok(
            if self.can_read(&Viewer::Anonymous, &post, author.card.visibility) {
                MediaCache::Public
            } else {
                MediaCache::Private
            },
        )
    }

    /// The bytes of an attachment's file (the caller has checked who may read it).
    pub(crate) async fn attachment_bytes(&self, key: &str) -> CoreResult<Vec<u8>> {
        // Keys made before the pipeline were 32 characters long.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CoreError::NotFound);
        }
        let path = UploadKind::Attachment.paths(key).concat();
        self.media
            .get(&path)
            .await
            .map_err(|e| CoreError::Internal(format!("reading {path}: {e}")))?
            .ok_or(CoreError::NotFound)
    }
}
