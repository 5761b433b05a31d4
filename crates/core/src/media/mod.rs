//! Uploads: what each kind may weigh and where its files go ([`UploadKind`]), and (in
//! [`pipeline`]) the one way every uploaded file is checked, re-encoded, written through the
//! [`store::MediaStorage`] port and recorded, so that profile photos, post images and message
//! attachments obey the same rules.

use crate::settings::Limits;

pub mod pipeline;
pub mod store;

pub use pipeline::{Kept, MediaFile};

/// What a member uploads, and so which limit and which form field apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// A profile photo (field `photo`).
    Photo,
    /// An image for a post or an article cover (field `image`).
    PostImage,
    /// A file for a message (field `file`).
    Attachment,
    /// A contacts file to find one's contacts (field `file`); read, never kept.
    Contacts,
}

/// Room for the multipart framing and a form's other fields around the files of a request.
const FRAMING_BYTES: usize = 64 * 1024;

impl UploadKind {
    /// How the record of uploads names the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::Photo => "photo",
            UploadKind::PostImage => "post_image",
            UploadKind::Attachment => "attachment",
            UploadKind::Contacts => "contacts",
        }
    }

    pub fn parse(s: &str) -> Option<UploadKind> {
        [
            UploadKind::Photo,
            UploadKind::PostImage,
            UploadKind::Attachment,
            UploadKind::Contacts,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Where the files of an upload with `key` are kept: both sizes of a photo, one image
    /// of a post, one file of an attachment.
    pub fn paths(self, key: &str) -> Vec<String> {
        match self {
            UploadKind::Photo => [crate::photo::LARGE, crate::photo::SMALL]
                .iter()
                .map(|size| format!("photos/{key}-{size}.jpg"))
                .collect(),
            UploadKind::PostImage => vec![format!("posts/{key}.jpg")],
            UploadKind::Attachment => vec![format!("files/{key}")],
            UploadKind::Contacts => Vec::new(),
        }
    }

    /// The multipart field the API reads the file from.
    pub fn field(self) -> &'static str {
        match self {
            UploadKind::Photo => "photo",
            UploadKind::PostImage => "image",
            UploadKind::Attachment | UploadKind::Contacts => "file",
        }
    }

    /// The largest file of this kind, from the settings.
    pub fn max_bytes(self, limits: &Limits) -> usize {
        match self {
            UploadKind::Photo | UploadKind::PostImage => limits.photo_max_bytes,
            UploadKind::Attachment => limits.attachment_max_bytes,
            UploadKind::Contacts => guild_import::Limits::DEFAULT_MAX_BYTES,
        }
    }

    /// The largest request body that carries `files` uploads of this kind: what the web
    /// layer lets through, so that the settings, not a number in the router, decide.
    pub fn body_limit(self, limits: &Limits, files: usize) -> usize {
        self.max_bytes(limits)
            .saturating_mul(files)
            .saturating_add(FRAMING_BYTES)
    }

    /// "The photo is larger than 5 MB.": what a member reads when the body broke off.
    pub fn too_large(self, limits: &Limits) -> String {
        let what = match self {
            UploadKind::Photo => "The photo is",
            UploadKind::PostImage => "The image is",
            UploadKind::Attachment | UploadKind::Contacts => "The file is",
        };
        format!("{what} larger than {}.", megabytes(self.max_bytes(limits)))
    }

    /// What a member reads when the form came without a file.
    pub fn missing(self) -> &'static str {
        match self {
            UploadKind::Photo | UploadKind::PostImage => "Choose an image file to upload.",
            UploadKind::Attachment => "Choose a file to attach.",
            UploadKind::Contacts => "Choose a file to upload.",
        }
    }

    /// "up to 10 MB", for the hint beside a file field.
    pub fn hint(self, limits: &Limits) -> String {
        format!("up to {}", megabytes(self.max_bytes(limits)))
    }
}

/// Bytes in words: "5 MB", "10.5 MB", "200 KB".
pub fn megabytes(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        if bytes.is_multiple_of(MB) {
            format!("{} MB", bytes / MB)
        } else {
            format!("{:.1} MB", bytes as f64 / MB as f64)
        }
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_settings() {
        let mut limits = Limits::default();
        assert_eq!(
            UploadKind::Attachment.too_large(&limits),
            "The file is larger than 10 MB."
        );
        limits.attachment_max_bytes = 24 * 1024 * 1024;
        assert_eq!(UploadKind::Attachment.hint(&limits), "up to 24 MB");
        assert!(UploadKind::Attachment.body_limit(&limits, 1) > 24 * 1024 * 1024);
        assert_eq!(
            UploadKind::PostImage.body_limit(&limits, 5),
            5 * limits.photo_max_bytes + FRAMING_BYTES
        );
        assert_eq!(megabytes(1536 * 1024), "1.5 MB");
        assert_eq!(megabytes(200 * 1024), "200 KB");
    }
}
