//! My network: invitations with their limits, connections, follows, blocks, degrees, mutual
//! connections, "how you're connected", People You May Know and finding one's contacts.
//!
//! Every service takes the [`Viewer`] and decides here, once, what they may read or change.
//! Writes go to the store first; the in-memory [`state::NetworkState`] changes only after the
//! commit, so a failed write never shows in the graph.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::accounts::model::MemberId;
use crate::auth::{self, Viewer};
use crate::error::{CoreError, CoreResult};
use crate::profiles::model::MemberCard;
use crate::Guild;

pub mod affinity;
mod connections;
pub mod contacts;

mod invitations;
pub mod model;
mod pymk;
pub mod rules;
pub mod state;
pub mod store;

pub use connections::{NetworkStats, PathView, RelatedPerson};
pub use invitations::{InvitationView, InviteCheck, InviteInput, InviteOutcome};
pub use pymk::SuggestionView;

/// How the viewer stands with a member shown on a card or profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The viewer themself.
    Me,
    Connected,
    /// The viewer invited them; waiting.
    InvitedByMe,
    /// They invited the viewer; the viewer can accept.
    InvitedMe,
    #[default]
    None,
}

/// A member as any list shows them to this viewer: the card (headline, place and company
/// only when the viewer may see the profile), the degree badge and the mutual count.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    #[serde(skip)]
    pub card: MemberCard,
    /// 1, 2 or 3; `None` for the viewer themself, anonymous viewers and beyond the 3rd.
    pub degree: Option<u8>,
    pub mutual_count: u32,
    pub relation: Relation,
}

impl Person {
    /// "1st", "2nd", "3rd" or "" (the badge).
    pub fn badge(&self) -> &'static str {
        match self.degree {
            Some(1) => "1st",
            Some(2) => "2nd",
            Some(3) => "3rd",
            _ => "",
        }
    }
    /// "22 mutual connections", or "" when there are none.
    pub fn mutual_label(&self) -> String {
        match self.mutual_count {
            0 => String::new(),
            1 => "1 mutual connection".into(),
            n => format!("{n} mutual connections"),
        }
    }
}

impl Guild {
    /// The viewer's member id, or "please sign in".
    pub(crate) fn me(viewer: &Viewer) -> CoreResult<MemberId> {
        Ok(viewer.require()?.id)
    }

    /// When an invitation sent at or before this time has expired.
    pub(crate) fn expired_before(&self, now: i64) -> i64 {
        now - i64::from(self.settings.limits.invitation_expiry_days) * rules::DAY_MS
    }

    /// Whether `viewer` is connected to `other` (false for anonymous viewers).
    pub fn is_connected(&self, viewer: &Viewer, other: MemberId) -> bool {
        match (viewer.id(), state::node(other)) {
            (Some(me), Ok(o)) => state::node(me)
                .map(|m| self.network.snapshot().are_connected(m, o))
                .unwrap_or(false),
            _ => false,
        }
    }

    /// Whether a block stands between the viewer and `other`.
    pub fn is_hidden(&self, viewer: &Viewer, other: MemberId) -> bool {
        viewer
            .id()
            .is_some_and(|me| self.network.is_hidden(me, other))
    }

    /// Resolves a handle to an active member the viewer may act on: present, not the subject
    /// of a block either way. Otherwise "not found" — a blocked member is simply unavailable.
    pub(crate) async fn reachable_member(
        &self,
        viewer: &Viewer,
        handle: &str,
    ) -> CoreResult<crate::accounts::model::Member> {
        let m = self
            .store
            .member_by_handle(&handle.trim().to_ascii_lowercase())
            .await?
            .filter(|m| m.active)
            .ok_or(CoreError::NotFound)?;
        if self.is_hidden(viewer, m.id) {
            return Err(CoreError::NotFound);
        }
        Ok(m)
    }

    /// Decorates cards for this viewer: redaction by visibility, degree, mutual count and
    /// relation, with one store query for the viewer's open invitations.
    pub async fn people(&self, viewer: &Viewer, cards: Vec<MemberCard>) -> CoreResult<Vec<Person>> {
        let Some(me) = viewer.id() else {
            return Ok(cards
                .into_iter()
                .map(|c| Person {
                    card: redact(viewer, c, false),
                    degree: None,
                    mutual_count: 0,
                    relation: Relation::None,
                })
                .collect());
        };
        let pending: HashMap<MemberId, bool> = self
            .store
            .open_invitation_peers(me, self.expired_before(crate::now_ms()))
            .await?
            .into_iter()
            .collect();
        let snap = self.network.snapshot();
        let my_node = state::node(me)?;
        // With blocks in play, a degree counts only chains the viewer may see (as the path
        // does); without, the plain degree is the same answer and cheaper.
        let hidden = self.network.hidden_from(me);
        Ok(cards
            .into_iter()
            .map(|c| {
                let other = state::node(c.id).unwrap_or(u32::MAX);
                let degree = if c.id == me {
                    None
                } else if hidden.is_empty() {
                    snap.degree(my_node, other)
                } else {
                    snap.path_avoiding(my_node, other, |n| hidden.contains(&MemberId::from(n)))
                        .and_then(|p| u8::try_from(p.len().saturating_sub(1)).ok())
                        .filter(|d| *d >= 1)
                };
                let mutual_count = if c.id == me {
                    0
                } else {
                    u32::try_from(snap.mutual_count(my_node, other)).unwrap_or(u32::MAX)
                };
                let relation = if c.id == me {
                    Relation::Me
                } else if degree == Some(1) {
                    Relation::Connected
                } else {
                    match pending.get(&c.id) {
                        Some(true) => Relation::InvitedByMe,
                        Some(false) => Relation::InvitedMe,
                        None => Relation::None,
                    }
                };
                Person {
                    card: redact(viewer, c, degree == Some(1)),
                    degree,
                    mutual_count,
                    relation,
                }
            })
            .collect())
    }

    /// Cards of these members in the order given, decorated for the viewer; members that are
    /// gone or hidden from the viewer are left out.
    pub async fn people_by_ids(
        &self,
        viewer: &Viewer,
        ids: &[MemberId],
    ) -> CoreResult<Vec<Person>> {
        let hidden: HashSet<MemberId> = viewer
            .id()
            .map(|me| self.network.hidden_from(me))
            .unwrap_or_default();
        let mut cards: HashMap<MemberId, MemberCard> = self
            .store
            .cards(ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let ordered: Vec<MemberCard> = ids
            .iter()
            .filter(|id| !hidden.contains(id))
            .filter_map(|id| cards.remove(id))
            .collect();
        self.people(viewer, ordered).await
    }
}

/// Hides a card's photo, headline, place and company from a viewer who may not see the
/// profile (the photo's file is not served to them either).
pub(crate) fn redact(viewer: &Viewer, mut c: MemberCard, connected: bool) -> MemberCard {
    if !auth::may_see(viewer, c.id, c.visibility, connected) {
        c.photo_key = None;
        c.headline = None;
        c.location = None;
        c.current_company = None;
    }
    c
}
