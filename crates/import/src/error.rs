//! The errors an upload can fail with, worded for the member who uploaded it.

/// Which bound in [`crate::Limits`] an upload exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// [`crate::Limits::max_bytes`].
    Bytes,
    /// [`crate::Limits::max_rows`].
    Rows,
}

/// Why an upload could not be read. Line numbers are 1-based lines of the file as uploaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The content is not a well-formed CSV or vCard file.
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    /// The upload exceeds one of the [`crate::Limits`].
    #[error("{}", too_large(*.kind, *.limit))]
    TooLarge { kind: LimitKind, limit: usize },
    /// The file has no content (nothing but whitespace).
    #[error("the file is empty")]
    Empty,
    /// The bytes are not text (an image, a spreadsheet, an archive, …).
    #[error(
        "line {line}: this is not a text file; upload a CSV file (LinkedIn's Connections.csv or \
         a spreadsheet saved as CSV) or a vCard (.vcf) file"
    )]
    NotText { line: usize },
}

impl ImportError {
    /// A malformed-input error at `line`.
    pub(crate) fn malformed(line: usize, reason: impl Into<String>) -> Self {
        ImportError::Malformed {
            line,
            reason: reason.into(),
        }
    }
}

fn too_large(kind: LimitKind, limit: usize) -> String {
    const MIB: usize = 1024 * 1024;
    match kind {
        LimitKind::Bytes if limit >= MIB && limit % MIB == 0 => {
            format!(
                "the file is larger than {} MB, the most one upload may be",
                limit / MIB
            )
        }
        LimitKind::Bytes => {
            format!("the file is larger than {limit} bytes, the most one upload may be")
        }
        LimitKind::Rows => format!(
            "the file has more than {limit} contacts, the most one upload may have; \
             split it into smaller files"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_line_or_the_limit() {
        let e = ImportError::malformed(7, "unterminated quote");
        assert_eq!(e.to_string(), "line 7: unterminated quote");
        let rows = ImportError::TooLarge {
            kind: LimitKind::Rows,
            limit: 20_000,
        };
        assert!(rows.to_string().contains("more than 20000 contacts"));
        let bytes = ImportError::TooLarge {
            kind: LimitKind::Bytes,
            limit: 5 * 1024 * 1024,
        };
        assert!(bytes.to_string().contains("larger than 5 MB"));
        let odd = ImportError::TooLarge {
            kind: LimitKind::Bytes,
            limit: 1000,
        };
        assert!(odd.to_string().contains("larger than 1000 bytes"));
        assert!(ImportError::NotText { line: 1 }
            .to_string()
            .starts_with("line 1: this is not a text file"));
    }
}
