//! Messaging: conversations (1:1 and groups of up to 50), message requests, spam holding,
//! attachments, read receipts, and away periods with their automatic replies.
//!
//! Every service takes the [`Viewer`] and checks here, once, that they take part in the
//! conversation ([`Guild::my_place`]); a conversation they are not in is "not found", never
//! "forbidden", so ids reveal nothing. What a participant sees is bounded by their own row
//! (joined, left, cleared), and a held message is seen by its sender only.

use std::collections::HashMap;

use serde::Serialize;

use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::network::Person;
use crate::Guild;

mod away;
mod email;
mod files;
pub mod model;
mod read;
mod recipients;
mod send;
mod spam;
pub mod store;

pub use away::{notice as away_notice, summary_text, AwayInput, AwayView};
pub use files::Download;
pub use read::{ConversationView, ThreadView};
pub use send::{Delivery, SendInput, Sent};

use model::*;

/// The most members of a group, the creator included.
pub const MAX_GROUP: usize = 50;
use crate::HOUR_MS;

/// A message as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    #[serde(skip)]
    pub m: Message,
    #[serde(skip)]
    pub sender: Option<Person>,
    /// Seen by every other participant (only where receipts are on both ways).
    pub seen: bool,
}

impl Guild {
    /// The viewer's row in the conversation, or "not found" (absent, or not theirs).
    pub(crate) async fn my_place(
        &self,
        viewer: &Viewer,
        id: ConversationId,
    ) -> CoreResult<(Conversation, Participant)> {
        let me = Self::me(viewer)?;
        let p = self
            .store
            .participant(id, me)
            .await?
            .ok_or(CoreError::NotFound)?;
        let c = self
            .store
            .conversation(id)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok((c, p))
    }

    /// Whether a 1:1 conversation is read-only for `me`: a block stands between the two.
    pub(crate) fn blocked_in(&self, me: MemberId, c: &Conversation, ps: &[Participant]) -> bool {
        !c.group
            && ps
                .iter()
                .any(|p| p.member_id != me && self.network.is_hidden(me, p.member_id))
    }

    /// Cards of these members keyed by id, for the viewer (blocked members left out).
    pub(crate) async fn cards_by_id(
        &self,
        viewer: &Viewer,
        ids: &[MemberId],
    ) -> CoreResult<HashMap<MemberId, Person>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .people_by_ids(viewer, &ids)
            .await?
            .into_iter()
            .map(|p| (p.card.id, p))
            .collect())
    }
}

/// A held message as an administrator reviews it.
#[derive(Debug, Clone)]
pub struct HeldView {
    pub message: Message,
    pub sender: Option<crate::profiles::model::MemberCard>,
    /// Who it was addressed to.
    pub recipients: Vec<crate::profiles::model::MemberCard>,
}

impl Guild {
    /// Held messages for review, newest first (administrators only).
    pub async fn held_messages(
        &self,
        viewer: &Viewer,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<crate::paging::Page<HeldView>> {
        crate::auth::require_admin(viewer)?;
        let page = crate::paging::PageRequest::<MessageId>::new(cursor, limit)?;
        let ms = self.store.held_messages(page.after, page.fetch()).await?;
        let (ms, next_cursor) = page.finish(ms, |m| m.id);
        let convs: Vec<ConversationId> = ms.iter().map(|m| m.conversation_id).collect();
        let parts = self.store.participants_of(&convs).await?;
        let mut ids: Vec<MemberId> = parts.iter().map(|p| p.member_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let cards: HashMap<MemberId, crate::profiles::model::MemberCard> = self
            .store
            .cards(&ids)
            .await?
            .into_iter()
            .map(|c| {
                let connected = self.is_connected(viewer, c.id);
                (c.id, crate::network::redact(viewer, c, connected))
            })
            .collect();
        let items = ms
            .into_iter()
            .map(|m| HeldView {
                sender: cards.get(&m.sender_id).cloned(),
                recipients: parts
                    .iter()
                    .filter(|p| {
                        p.conversation_id == m.conversation_id && p.member_id != m.sender_id
                    })
                    .filter_map(|p| cards.get(&p.member_id).cloned())
                    .collect(),
                message: m,
            })
            .collect();
        Ok(crate::paging::Page { items, next_cursor })
    }

    /// Review: deliver a held message (`release`) or delete it. Administrators only.
    pub async fn review_held(
        &self,
        viewer: &Viewer,
        id: MessageId,
        release: bool,
    ) -> CoreResult<()> {
        let admin = crate::auth::require_admin(viewer)?.id;
        if release {
            let m = self
                .store
                .release_held(id)
                .await?
                .ok_or(CoreError::NotFound)?;
            tracing::info!(admin, message = id, "held message released");
            self.push_message(&m).await?;
            for p in self.store.participants(m.conversation_id).await? {
                self.feed.push(crate::feed::Push::Counts {
                    member: p.member_id,
                });
            }
        } else {
            if !self.store.delete_held(id).await? {
                return Err(CoreError::NotFound);
            }
            tracing::info!(admin, message = id, "held message deleted");
        }
        Ok(())
    }
}
