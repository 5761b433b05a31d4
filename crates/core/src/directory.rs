//! The member directory: filters on name, company, location, school and skill, visibility
//! honoured, keyset-paginated by (folded name, id).

use crate::auth::{self, Viewer};
use crate::domain::fold_key;
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

impl Guild {
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
            visible: auth::visible_levels(viewer),
            viewer: viewer.id(),
            hidden: viewer
                .id()
                .map(|me| self.network.hidden_from(me).into_iter().collect())
                .unwrap_or_default(),
            after: page.after.clone(),
            limit: page.fetch(),
        };
        let items = self.store.directory(&q).await?;
        let (items, next_cursor) = page.finish(items, |m| (m.sort_key.clone(), m.id));
        let items = self.people(viewer, items).await?;
        Ok(Page { items, next_cursor })
    }
}
