//! Positions and education: the input as typed, its validation, and adding, changing and
//! removing them. A current position or school is news to one's network (a profile event
//! and a network update in the feed); adding old history is not.

use serde_json::json;

use super::model::*;
use super::opt;
use crate::auth::Viewer;
use crate::domain::{self, YearMonth};
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::{now_ms, Guild};

#[derive(Debug, Clone, Default)]
pub struct PositionInput {
    pub company: String,
    pub title: String,
    pub start: String,
    /// Empty or absent: a current position.
    pub end: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EducationInput {
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<String>,
    pub end_year: Option<String>,
}

fn year(raw: &str, label: &str) -> Result<Option<i32>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i32>() {
        Ok(y) if domain::YEARS.contains(&y) => Ok(Some(y)),
        _ => Err(format!("{label} is a year like 2019.")),
    }
}

impl PositionInput {
    fn validate(&self) -> CoreResult<NewPosition> {
        let mut e = FieldErrors::new();
        let company = e.take(
            "company",
            domain::line(&self.company, "Company", 1, lengths::COMPANY),
        );
        let title = e.take(
            "title",
            domain::line(&self.title, "Title", 1, lengths::JOB_TITLE),
        );
        let start = e.take("start", YearMonth::parse(&self.start));
        let end = match self.end.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(None),
            Some(s) => e.take("end", YearMonth::parse(s)).map(Some),
        };
        let description = opt(&mut e, "description", self.description.as_deref(), |r| {
            domain::optional_text(r, "Description", lengths::DESCRIPTION)
        })
        .flatten();
        let location = opt(&mut e, "location", self.location.as_deref(), |r| {
            domain::optional_line(r, "Location", lengths::LOCATION)
        })
        .flatten();
        if let (Some(s), Some(Some(end))) = (start, end) {
            if end < s {
                e.add("end", "The end month comes after the start month.");
            }
        }
        if let Some(s) = start {
            if s > YearMonth::now() {
                e.add("start", "The start month cannot be in the future.");
            }
        }
        e.into_result()?;
        match (company, title, start, end) {
            (Some(company), Some(title), Some(start), Some(end)) => Ok(NewPosition {
                company,
                title,
                description,
                location,
                start,
                end,
            }),
            _ => Err(CoreError::Internal("validated fields missing".into())),
        }
    }
}

impl EducationInput {
    fn validate(&self) -> CoreResult<NewEducation> {
        let mut e = FieldErrors::new();
        let school = e.take(
            "school",
            domain::line(&self.school, "School", 1, lengths::SCHOOL),
        );
        let degree = opt(&mut e, "degree", self.degree.as_deref(), |r| {
            domain::optional_line(r, "Degree", lengths::DEGREE)
        })
        .flatten();
        let field = opt(&mut e, "field", self.field.as_deref(), |r| {
            domain::optional_line(r, "Field of study", lengths::FIELD_OF_STUDY)
        })
        .flatten();
        let start_year = opt(&mut e, "start_year", self.start_year.as_deref(), |r| {
            year(r, "Start year")
        })
        .flatten();
        let end_year = opt(&mut e, "end_year", self.end_year.as_deref(), |r| {
            year(r, "End year")
        })
        .flatten();
        if let (Some(s), Some(en)) = (start_year, end_year) {
            if en < s {
                e.add("end_year", "The end year comes after the start year.");
            }
        }
        e.into_result()?;
        let school =
            school.ok_or_else(|| CoreError::Internal("validated fields missing".into()))?;
        Ok(NewEducation {
            school,
            degree,
            field,
            start_year,
            end_year,
        })
    }
}

impl Guild {
    pub async fn add_position(
        &self,
        viewer: &Viewer,
        input: PositionInput,
    ) -> CoreResult<Position> {
        let me = viewer.require()?;
        let p = input.validate()?;
        // A current position is news to one's network; adding old history is not.
        let event = p.end.is_none().then(|| NewProfileEvent {
            kind: ProfileEventKind::NewPosition,
            detail: json!({ "company": p.company, "title": p.title }),
        });
        let position = self
            .store
            .add_position(me.id, &p, event.as_ref(), now_ms())
            .await?;
        self.affinity_changed(me.id).await;
        if event.is_some() {
            let text = format!("started a new position as {} at {}.", p.title, p.company);
            self.publish_update(me, &text, true).await?;
        }
        Ok(position)
    }

    pub async fn update_position(
        &self,
        viewer: &Viewer,
        id: i64,
        input: PositionInput,
    ) -> CoreResult<Position> {
        let me = viewer.require()?;
        let p = input.validate()?;
        let position = self
            .store
            .update_position(me.id, id, &p, now_ms())
            .await?
            .ok_or(CoreError::NotFound)?;
        self.affinity_changed(me.id).await;
        Ok(position)
    }

    pub async fn delete_position(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        let me = viewer.require()?;
        self.store
            .delete_position(me.id, id)
            .await?
            .then_some(())
            .ok_or(CoreError::NotFound)?;
        self.affinity_changed(me.id).await;
        Ok(())
    }

    pub async fn add_education(
        &self,
        viewer: &Viewer,
        input: EducationInput,
    ) -> CoreResult<Education> {
        let me = viewer.require()?;
        let ed = input.validate()?;
        let this_year = YearMonth::now().year;
        let event = ed
            .end_year
            .is_none_or(|y| y >= this_year)
            .then(|| NewProfileEvent {
                kind: ProfileEventKind::NewSchool,
                detail: json!({ "school": ed.school, "degree": ed.degree }),
            });
        let education = self
            .store
            .add_education(me.id, &ed, event.as_ref(), now_ms())
            .await?;
        self.affinity_changed(me.id).await;
        if event.is_some() {
            self.publish_update(me, &format!("started studying at {}.", ed.school), false)
                .await?;
        }
        Ok(education)
    }

    pub async fn delete_education(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        let me = viewer.require()?;
        self.store
            .delete_education(me.id, id)
            .await?
            .then_some(())
            .ok_or(CoreError::NotFound)?;
        self.affinity_changed(me.id).await;
        Ok(())
    }
}
