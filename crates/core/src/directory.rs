//! The member directory: filters on name, company, location, school and skill, visibility
//! honoured, keyset-paginated by (folded name, id).

use crate::auth::{self, Viewer};
use crate::domain::{fold_key, search_words};
use crate::error::{CoreError, CoreResult};
use crate::lengths;
use crate::network::Person;
use crate::paging::{Page, PageRequest};
use crate::profiles::model::DirectoryQuery;
use crate::Guild;

#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub q: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub school: Option<String>,
    pub skill: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

fn filter(raw: &Option<String>, label: &str) -> CoreResult<Option<String>> {
    match raw.as_deref().map(fold_key).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > lengths::SEARCH => Err(CoreError::invalid(
            label,
            format!("Use at most {} characters.", lengths::SEARCH),
        )),
        other => Ok(other),
    }
}

/// The most members the picker offers at once.
pub const LOOKUP_MAX: usize = 8;

/// Members read for one lookup (or one name resolved) before ordering by degree: connections come first from the
/// store, and among the rest the nearer degrees are kept.
pub(crate) const LOOKUP_READ: u32 = 24;

/// The most words of a query the lookup uses.
pub(crate) const LOOKUP_WORDS: usize = 5;

impl Guild {
    /// The member picker: members this viewer may see whose name has a word beginning with
    /// each word typed (case and accents folded), or whose handle begins with it; the
    /// viewer's connections first, then 2nd, 3rd and further degrees, at most
    /// [`LOOKUP_MAX`]. Exactly the directory's visibility: blocked and hidden members never
    /// appear, nor the viewer. One store query for the names, one for the viewer's
    /// invitations (in [`Guild::people`]); degrees come from the in-memory graph.
    pub async fn lookup_members(&self, viewer: &Viewer, q: &str) -> CoreResult<Vec<Person>> {
        let me = viewer.require()?.id;
        if q.chars().count() > lengths::SEARCH {
            return Err(CoreError::invalid(
                "q",
                format!("Use at most {} characters.", lengths::SEARCH),
            ));
        }
        let words: Vec<String> = search_words(q.trim().trim_start_matches('@'))
            .into_iter()
            .take(LOOKUP_WORDS)
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let cards = self.visible_named(viewer, words, LOOKUP_READ).await?;
        let cards = cards.into_iter().filter(|c| c.id != me).collect();
        let mut people = self.people(viewer, cards).await?;
        // Stable: the store's order (connections, then name) holds within a degree.
        people.sort_by_key(|p| p.degree.unwrap_or(u8::MAX));
        people.truncate(LOOKUP_MAX);
        Ok(people)
    }

    /// The directory's visibility rule for `viewer`, which every query of it starts from (the
    /// directory's pages and the picker alike): the profile levels they may see, and not the
    /// members hidden from them (blocks either way).
    fn visible_to(&self, viewer: &Viewer) -> DirectoryQuery {
        DirectoryQuery {
            visible: auth::visible_levels(viewer),
            viewer: viewer.id(),
            hidden: viewer
                .id()
                .map(|me| self.network.hidden_from(me).into_iter().collect())
                .unwrap_or_default(),
            ..DirectoryQuery::default()
        }
    }

    /// Members this viewer may see (the directory's rule) matching the picker's words.
    pub(crate) async fn visible_named(
        &self,
        viewer: &Viewer,
        words: Vec<String>,
        limit: u32,
    ) -> CoreResult<Vec<crate::profiles::model::MemberCard>> {
        let q = DirectoryQuery {
            limit,
            words,
            connections_first: true,
            ..self.visible_to(viewer)
        };
        Ok(self.store.directory(&q).await?)
    }

    pub async fn directory(
        &self,
        viewer: &Viewer,
        f: &DirectoryFilter,
    ) -> CoreResult<Page<Person>> {
        let page = PageRequest::<(String, i64)>::new(f.cursor.as_deref(), f.limit)?;
        let q = DirectoryQuery {
            name: filter(&f.q, "q")?,
            company: filter(&f.company, "company")?,
            location: filter(&f.location, "location")?,
            school: filter(&f.school, "school")?,
            skill: filter(&f.skill, "skill")?,
            after: page.after.clone(),
            limit: page.fetch(),
            ..self.visible_to(viewer)
        };
        let items = self.store.directory(&q).await?;
        let (items, next_cursor) = page.finish(items, |m| (m.sort_key.clone(), m.id));
        let items = self.people(viewer, items).await?;
        Ok(Page { items, next_cursor })
    }
}
