//! Profiles: reading one (with visibility honoured), editing one's own — headline, about,
//! location, contact, visibility, handle, photo, positions, education, skills, featured links —
//! the profile events others will see as network updates, and the strength meter. This file
//! holds reading and the profile's own fields and photo; `experience.rs` has positions and
//! education, `skills_and_links.rs` the two lists a member curates.

use serde::Serialize;
use serde_json::json;

use crate::accounts::model::{Member, MemberId};
use crate::auth::{self, Viewer};
use crate::domain::{self, Handle, Visibility};
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::media::UploadKind;
use crate::strength::{self, Strength, StrengthInput};
use crate::{now_ms, Guild};

/// The days the home page's profile-view count covers.
pub const PROFILE_VIEW_DAYS: i64 = 90;

mod experience;
pub mod model;
mod skills_and_links;
pub mod store;

pub use experience::{EducationInput, PositionInput};
pub use skills_and_links::{MAX_LINKS, MAX_SKILLS};

use model::*;

/// A profile as one viewer may see it: contact details are present only when allowed.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    #[serde(skip)]
    pub member: Member,
    pub profile: Profile,
    pub positions: Vec<Position>,
    pub education: Vec<Education>,
    pub skills: Vec<String>,
    pub links: Vec<FeaturedLink>,
    /// Whether `profile.contact_*` are shown to this viewer.
    pub contact_visible: bool,
    pub is_self: bool,
    /// The meter, shown only to the member themself.
    pub strength: Option<Strength>,
    #[serde(skip)]
    pub network: ProfileNetwork,
}

/// How the viewer stands with the profile's member, and the member's network size.
#[derive(Debug, Clone, Default)]
pub struct ProfileNetwork {
    /// Degree, mutual count and relation to the viewer (`None` only if the card vanished).
    pub person: Option<crate::network::Person>,
    /// Whether the viewer follows the member.
    pub following: bool,
    pub connections: usize,
    pub followers: u64,
}

impl ProfileNetwork {
    /// "500+ connections" past 500, as members expect; the exact count otherwise.
    pub fn connections_label(&self) -> String {
        match self.connections {
            0 => "No connections yet".into(),
            1 => "1 connection".into(),
            n if n > 500 => "500+ connections".into(),
            n => format!("{n} connections"),
        }
    }
}

/// The card of a member whose profile is already loaded.
fn card_of(m: &Member, p: &Profile, positions: &[Position]) -> MemberCard {
    MemberCard {
        id: m.id,
        handle: m.handle.clone(),
        name: m.name.clone(),
        headline: p.headline.clone(),
        location: p.location.clone(),
        photo_key: p.photo_key.clone(),
        current_company: positions
            .iter()
            .filter(|x| x.is_current())
            .max_by_key(|x| x.start)
            .map(|x| x.company.clone()),
        visibility: p.visibility,
        sort_key: String::new(),
    }
}

impl ProfileView {
    pub fn current_position(&self) -> Option<&Position> {
        self.positions.iter().find(|p| p.is_current())
    }
}

/// Raw profile fields as typed; `None` leaves a field alone, an empty string clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub name: Option<String>,
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    pub visibility: Option<String>,
    pub contact_visibility: Option<String>,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

pub(super) fn opt<T>(
    errs: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    f: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    raw.and_then(|r| errs.take(field, f(r)))
}

impl Guild {
    async fn active_member_by_handle(&self, viewer: &Viewer, handle: &str) -> CoreResult<Member> {
        if handle.len() > 64 {
            return Err(CoreError::NotFound);
        }
        match self
            .store
            .member_by_handle(&handle.to_ascii_lowercase())
            .await?
        {
            // A block either way makes each unavailable to the other.
            Some(m) if m.active && !self.is_hidden(viewer, m.id) => Ok(m),
            _ => Err(CoreError::NotFound),
        }
    }

    /// A member's profile as `viewer` may see it.
    pub async fn view_profile(&self, viewer: &Viewer, handle: &str) -> CoreResult<ProfileView> {
        let member = self.active_member_by_handle(viewer, handle).await?;
        let profile = self.store.profile(member.id).await?;
        let connected = self.is_connected(viewer, member.id);
        if !auth::may_see(viewer, member.id, profile.visibility, connected) {
            // Nothing about the member (not even the name) to those who may not see them.
            return Err(match (viewer, profile.visibility) {
                (Viewer::Anonymous, Visibility::Members) => CoreError::Unauthenticated(
                    "This profile is shared with signed-in members. Please sign in.".into(),
                ),
                _ => CoreError::Forbidden(
                    "This profile is shared with the member's connections only.".into(),
                ),
            });
        }
        if let Some(me) = viewer.member() {
            if me.id != member.id {
                self.note_profile_view(member.id, me.id).await?;
            }
        }
        self.assemble(viewer, member, profile).await
    }

    /// How many times the viewer's own profile was opened by other members in the last
    /// `PROFILE_VIEW_DAYS` days (each viewer once a day).
    pub async fn my_profile_views(&self, viewer: &Viewer) -> CoreResult<i64> {
        let me = viewer.require()?;
        self.seen_written().await?;
        let today = now_ms() / crate::DAY_MS;
        Ok(self
            .store
            .profile_view_count(me.id, today - PROFILE_VIEW_DAYS + 1)
            .await?)
    }

    async fn assemble(
        &self,
        viewer: &Viewer,
        member: Member,
        mut profile: Profile,
    ) -> CoreResult<ProfileView> {
        let id = member.id;
        let positions = self.store.positions(id).await?;
        let education = self.store.education(id).await?;
        let skills = self.store.skills(id).await?;
        let links = self.store.links(id).await?;
        let connected = self.is_connected(viewer, id);
        let contact_visible = auth::may_see(viewer, id, profile.contact_visibility, connected);
        if !contact_visible {
            profile.contact_email = None;
            profile.phone = None;
            profile.website = None;
        }
        let is_self = viewer.is(id);
        let connection_count = self.connection_count(id);
        let (followers, _) = self.store.follow_counts(id).await?;
        let network = ProfileNetwork {
            person: self
                .people(viewer, vec![card_of(&member, &profile, &positions)])
                .await?
                .pop(),
            following: match viewer.id() {
                Some(me) if me != id => self.store.is_following(me, id).await?,
                _ => false,
            },
            connections: connection_count,
            followers: u64::try_from(followers).unwrap_or(0),
        };
        let strength = is_self.then(|| {
            strength::strength(&StrengthInput {
                has_photo: profile.photo_key.is_some(),
                has_headline: profile.headline.is_some(),
                has_location: profile.location.is_some(),
                current_position_with_description: positions
                    .iter()
                    .any(|p| p.is_current() && p.description.is_some()),
                past_positions: positions.iter().filter(|p| !p.is_current()).count(),
                education: education.len(),
                skills: skills.len(),
                connections: connection_count,
            })
        });
        Ok(ProfileView {
            member,
            profile,
            positions,
            education,
            skills,
            links,
            contact_visible,
            is_self,
            strength,
            network,
        })
    }

    /// The signed-in member's own profile, everything included.
    pub async fn my_profile(&self, viewer: &Viewer) -> CoreResult<ProfileView> {
        let me = viewer.require()?.clone();
        let profile = self.store.profile(me.id).await?;
        self.assemble(viewer, me, profile).await
    }

    pub async fn update_profile(
        &self,
        viewer: &Viewer,
        input: ProfileInput,
    ) -> CoreResult<ProfileView> {
        let me = viewer.require()?;
        let mut e = FieldErrors::new();
        let patch = ProfilePatch {
            name: opt(&mut e, "name", input.name.as_deref(), domain::display_name),
            headline: opt(&mut e, "headline", input.headline.as_deref(), |r| {
                domain::optional_line(r, "Headline", lengths::HEADLINE)
            }),
            about: opt(&mut e, "about", input.about.as_deref(), |r| {
                domain::optional_text(r, "About", lengths::ABOUT)
            }),
            location: opt(&mut e, "location", input.location.as_deref(), |r| {
                domain::optional_line(r, "Location", lengths::LOCATION)
            }),
            visibility: opt(
                &mut e,
                "visibility",
                input.visibility.as_deref(),
                Visibility::parse,
            ),
            contact_visibility: opt(
                &mut e,
                "contact_visibility",
                input.contact_visibility.as_deref(),
                Visibility::parse,
            ),
            contact_email: opt(
                &mut e,
                "contact_email",
                input.contact_email.as_deref(),
                |r| {
                    if r.trim().is_empty() {
                        Ok(None)
                    } else {
                        domain::Email::parse(r).map(|e| Some(e.as_str().to_string()))
                    }
                },
            ),
            phone: opt(&mut e, "phone", input.phone.as_deref(), domain::phone),
            website: opt(&mut e, "website", input.website.as_deref(), |r| {
                if r.trim().is_empty() {
                    Ok(None)
                } else {
                    domain::web_url(r, "Website").map(Some)
                }
            }),
        };
        e.into_result()?;
        let before = self.store.profile(me.id).await?;
        let mut events = Vec::new();
        if let Some(Some(h)) = &patch.headline {
            if before.headline.as_deref() != Some(h.as_str()) {
                events.push(NewProfileEvent {
                    kind: ProfileEventKind::NewHeadline,
                    detail: json!({ "headline": h }),
                });
            }
        }
        self.store
            .update_profile(me.id, &patch, &events, now_ms())
            .await?;
        // The place may have changed: People You May Know's "Also in …".
        self.affinity_changed(me.id).await;
        self.my_profile(&self.refreshed(me.id).await?).await
    }

    async fn refreshed(&self, id: MemberId) -> CoreResult<Viewer> {
        Ok(Viewer::Member(
            self.store
                .member_by_id(id)
                .await?
                .ok_or(CoreError::NotFound)?,
        ))
    }

    pub async fn change_handle(&self, viewer: &Viewer, raw: &str) -> CoreResult<Member> {
        let me = viewer.require()?;
        let handle = Handle::parse(raw).map_err(|m| CoreError::invalid("handle", m))?;
        self.store.set_handle(me.id, handle.as_str()).await?;
        self.store
            .member_by_id(me.id)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// Checks and re-encodes an uploaded photo, keeps both sizes, and sets it on the
    /// profile; the photo it replaces is deleted.
    pub async fn set_photo(&self, viewer: &Viewer, bytes: Vec<u8>) -> CoreResult<String> {
        let me = viewer.require()?;
        let kept = self
            .keep_upload(me.id, UploadKind::Photo, bytes, true)
            .await?;
        let old = self.store.profile(me.id).await?.photo_key;
        self.store
            .set_photo(me.id, Some(&kept.key), now_ms())
            .await?;
        if let Some(old) = old {
            self.discard_upload(UploadKind::Photo, &old).await?;
        }
        Ok(kept.key)
    }

    pub async fn remove_photo(&self, viewer: &Viewer) -> CoreResult<()> {
        let me = viewer.require()?;
        let old = self.store.profile(me.id).await?.photo_key;
        self.store.set_photo(me.id, None, now_ms()).await?;
        if let Some(old) = old {
            self.discard_upload(UploadKind::Photo, &old).await?;
        }
        Ok(())
    }

    /// The viewer's own profile events, newest first.
    pub async fn my_profile_events(
        &self,
        viewer: &Viewer,
        limit: u32,
    ) -> CoreResult<Vec<ProfileEvent>> {
        Ok(self
            .store
            .profile_events(viewer.require()?.id, limit.min(100))
            .await?)
    }
}

/// The public URL path of a photo of the given size.
pub fn photo_url(key: &str, size: u32) -> String {
    format!("/media/photos/{key}-{size}.jpg")
}
