//! Who a new conversation's "To" entries mean. A member types handles ("@linh, ann-lee") or
//! names ("Linh Reyes"); the picker sends handles, and a page without JavaScript sends what
//! was typed. Each entry becomes one handle, or one message that names what was typed.

use crate::auth::Viewer;
use crate::directory::{LOOKUP_READ, LOOKUP_WORDS};
use crate::domain::search_words;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::Guild;

impl Guild {
    /// The handles the entries of `to` mean, and whether any entry was refused (its message
    /// is then in `errors`, on the field `to`). An entry with spaces that is no member's name
    /// may still be handles separated by spaces, as the field has always taken.
    pub(crate) async fn recipient_handles(
        &self,
        viewer: &Viewer,
        to: &[String],
        errors: &mut FieldErrors,
    ) -> CoreResult<(Vec<String>, bool)> {
        let mut handles = Vec::new();
        let mut refused = false;
        for entry in to.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            match self.resolve_entry(viewer, entry).await? {
                Ok(h) => handles.push(h),
                Err(message) => match self.all_handles(viewer, entry).await? {
                    Some(hs) => handles.extend(hs),
                    None => {
                        errors.add("to", message);
                        refused = true;
                    }
                },
            }
        }
        Ok((handles, refused))
    }

    /// One entry: a handle (with or without "@") of a member the viewer may reach, or the
    /// exact name (case and accents folded) of exactly one member the viewer may see, as the
    /// directory shows them. Several of one name are refused with their handles.
    pub(crate) async fn resolve_entry(
        &self,
        viewer: &Viewer,
        entry: &str,
    ) -> CoreResult<Result<String, String>> {
        let bare = entry.trim_start_matches('@');
        let spaced = bare.contains(char::is_whitespace);
        if !spaced {
            match self.reachable_member(viewer, bare).await {
                Ok(m) => return Ok(Ok(m.handle.as_str().to_owned())),
                Err(CoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
            if entry.starts_with('@') {
                return Ok(Err(format!("No member {entry}.")));
            }
        }
        let nobody = if spaced {
            format!("No member is called {entry}.")
        } else {
            format!("No member @{bare}.")
        };
        let words = search_words(entry);
        if words.is_empty() || words.len() > LOOKUP_WORDS {
            return Ok(Err(nobody));
        }
        let same: Vec<String> = self
            .visible_named(viewer, words.clone(), LOOKUP_READ)
            .await?
            .into_iter()
            .filter(|c| search_words(&c.name) == words)
            .map(|c| c.handle.as_str().to_owned())
            .collect();
        Ok(match same.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(nobody),
            many => Err(format!(
                "Several members are called {entry}: {}. Choose one.",
                many.iter()
                    .map(|h| format!("@{h}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
    }

    /// "ann bob": handles separated by spaces, if every word is one.
    async fn all_handles(&self, viewer: &Viewer, entry: &str) -> CoreResult<Option<Vec<String>>> {
        let words: Vec<&str> = entry.split_whitespace().collect();
        if words.len() < 2 {
            return Ok(None);
        }
        let mut out = Vec::new();
        for w in words {
            match self
                .reachable_member(viewer, w.trim_start_matches('@'))
                .await
            {
                Ok(m) => out.push(m.handle.as_str().to_owned()),
                Err(CoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(out))
    }
}
