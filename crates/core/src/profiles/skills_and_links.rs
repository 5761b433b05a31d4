//! Skills and featured links: the two lists a member curates on their profile, each with its
//! limit.

use super::model::FeaturedLink;
use crate::auth::Viewer;
use crate::domain;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::Guild;

pub const MAX_SKILLS: usize = 50;
pub const MAX_LINKS: usize = 10;

impl Guild {
    /// Replaces the skill list: at most 50, each unique ignoring case.
    pub async fn set_skills(&self, viewer: &Viewer, raw: &[String]) -> CoreResult<Vec<String>> {
        let me = viewer.require()?;
        if raw.len() > MAX_SKILLS * 2 {
            return Err(CoreError::invalid(
                "skills",
                format!("List at most {MAX_SKILLS} skills."),
            ));
        }
        let mut skills: Vec<String> = Vec::new();
        let mut keys = std::collections::HashSet::new();
        for s in raw {
            if s.trim().is_empty() {
                continue;
            }
            let s = domain::line(s, "A skill", 1, lengths::SKILL)
                .map_err(|m| CoreError::invalid("skills", m))?;
            if !keys.insert(domain::fold_key(&s)) {
                return Err(CoreError::invalid(
                    "skills",
                    format!("“{s}” is listed twice."),
                ));
            }
            skills.push(s);
        }
        if skills.len() > MAX_SKILLS {
            return Err(CoreError::invalid(
                "skills",
                format!(
                    "List at most {MAX_SKILLS} skills (you gave {}).",
                    skills.len()
                ),
            ));
        }
        self.store.set_skills(me.id, &skills).await?;
        Ok(skills)
    }

    pub async fn add_link(
        &self,
        viewer: &Viewer,
        title: &str,
        url: &str,
    ) -> CoreResult<FeaturedLink> {
        let me = viewer.require()?;
        let mut e = FieldErrors::new();
        let title = e.take(
            "title",
            domain::line(title, "Title", 1, lengths::LINK_TITLE),
        );
        let url = e.take("url", domain::web_url(url, "Address"));
        if self.store.links(me.id).await?.len() >= MAX_LINKS {
            e.add("url", format!("Feature at most {MAX_LINKS} links."));
        }
        e.into_result()?;
        let (Some(title), Some(url)) = (title, url) else {
            return Err(CoreError::Internal("validated fields missing".into()));
        };
        Ok(self.store.add_link(me.id, &title, &url).await?)
    }

    pub async fn delete_link(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        let me = viewer.require()?;
        self.store
            .delete_link(me.id, id)
            .await?
            .then_some(())
            .ok_or(CoreError::NotFound)
    }
}
