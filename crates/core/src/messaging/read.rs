//! Reading: the conversation lists, one conversation's messages with receipts and the away
//! notice, search, and what a participant does to their own place (read, archive, mute,
//! leave, delete for me, accept, ignore, report, remove from a group they started).

use std::collections::HashMap;

use serde::Serialize;

use super::model::*;
use super::{AwayView, MessageView};
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::Code;
use crate::error::{CoreError, CoreResult};
use crate::feed::Push;
use crate::network::Person;
use crate::paging::{Page, PageRequest};
use crate::{now_ms, Guild};

/// One row of the conversation list.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationView {
    #[serde(skip)]
    pub conversation: Conversation,
    #[serde(skip)]
    pub me: Participant,
    /// The other participants still in it (blocked members left out).
    #[serde(skip)]
    pub others: Vec<Person>,
    pub unread: i64,
    #[serde(skip)]
    pub last: Option<MessageView>,
}

impl ConversationView {
    /// "Ann Lee", "Ann Lee, Bo Chan and 1 other", "Ann Lee, Bo Chan and 3 others".
    pub fn title(&self) -> String {
        if let Some(t) = &self.conversation.title {
            return t.clone();
        }
        let names: Vec<&str> = self.others.iter().map(|p| p.card.name.as_str()).collect();
        title_of(&names)
    }
}

/// A conversation's title from the names of the others in it.
fn title_of(names: &[&str]) -> String {
    match names.len() {
        0 => "Nobody else".into(),
        1 | 2 => names.join(", "),
        3 => format!("{}, {} and 1 other", names[0], names[1]),
        n => format!("{}, {} and {} others", names[0], names[1], n - 2),
    }
}

/// One conversation as a participant sees it.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub conversation: ConversationView,
    /// Why the viewer cannot write, if they cannot ("You left this conversation.").
    pub read_only: Option<String>,
    /// The viewer's own request waiting for an answer: no second message until it is.
    pub awaiting_answer: bool,
    /// Others who are away now.
    pub away: Vec<AwayView>,
}

impl Guild {
    /// The viewer's conversations in `in_box`, newest first.
    pub async fn conversations(
        &self,
        viewer: &Viewer,
        in_box: MessageBox,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<ConversationView>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<(i64, ConversationId)>::new(cursor, limit)?;
        let rows = self
            .store
            .conversations(me, in_box, page.after, page.fetch())
            .await?;
        let (rows, next_cursor) = page.finish(rows, |r| {
            (r.conversation.last_message_at, r.conversation.id)
        });
        let items = self.conversation_views(viewer, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// Decorates list rows: others' cards, unread counts and the last message, with one
    /// query each for all the rows.
    async fn conversation_views(
        &self,
        viewer: &Viewer,
        rows: Vec<ConversationEntry>,
    ) -> CoreResult<Vec<ConversationView>> {
        let me = Self::me(viewer)?;
        let ids: Vec<ConversationId> = rows.iter().map(|r| r.conversation.id).collect();
        let parts = self.store.participants_of(&ids).await?;
        let unread: HashMap<ConversationId, i64> = self
            .store
            .unread_counts(me, &ids)
            .await?
            .into_iter()
            .collect();
        let mut last: HashMap<ConversationId, Message> = self
            .store
            .last_messages(me, &ids)
            .await?
            .into_iter()
            .map(|m| (m.conversation_id, m))
            .collect();
        let mut members: Vec<MemberId> = parts.iter().map(|p| p.member_id).collect();
        members.extend(last.values().map(|m| m.sender_id));
        let cards = self.cards_by_id(viewer, &members).await?;
        let mut by_conv: HashMap<ConversationId, Vec<Person>> = HashMap::new();
        for p in &parts {
            if p.member_id != me && p.state != ParticipantState::Left {
                if let Some(card) = cards.get(&p.member_id) {
                    by_conv
                        .entry(p.conversation_id)
                        .or_default()
                        .push(card.clone());
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let id = r.conversation.id;
                ConversationView {
                    others: by_conv.remove(&id).unwrap_or_default(),
                    unread: unread.get(&id).copied().unwrap_or(0),
                    last: last.remove(&id).map(|m| MessageView {
                        sender: cards.get(&m.sender_id).cloned(),
                        m,
                        seen: false,
                    }),
                    conversation: r.conversation,
                    me: r.me,
                }
            })
            .collect())
    }

    /// One conversation's header: who is in it, whether the viewer may write, who is away.
    pub async fn thread(&self, viewer: &Viewer, id: ConversationId) -> CoreResult<ThreadView> {
        let me = Self::me(viewer)?;
        let (c, p) = self.my_place(viewer, id).await?;
        let ps = self.store.participants(id).await?;
        let view = self
            .conversation_views(
                viewer,
                vec![ConversationEntry {
                    conversation: c.clone(),
                    me: p.clone(),
                }],
            )
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        let read_only = if p.state == ParticipantState::Left {
            Some("You left this conversation.".to_string())
        } else if self.blocked_in(me, &c, &ps) {
            Some("You can't message in this conversation.".to_string())
        } else {
            None
        };
        let awaiting_answer = c.created_by == me
            && ps.iter().any(|o| {
                o.member_id != me
                    && matches!(
                        o.state,
                        ParticipantState::Request | ParticipantState::Ignored
                    )
            });
        let others: Vec<MemberId> = view.others.iter().map(|o| o.card.id).collect();
        let away = self.aways_for(viewer, &others).await?;
        Ok(ThreadView {
            conversation: view,
            read_only,
            awaiting_answer,
            away,
        })
    }

    /// A page of the conversation's messages, newest page first, each page oldest first;
    /// `next_cursor` leads to older messages. Reading the newest page marks the conversation
    /// read.
    pub async fn messages(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<MessageView>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<MessageId>::new(cursor, limit)?;
        let (_, p) = self.my_place(viewer, id).await?;
        if p.state == ParticipantState::Ignored {
            return Err(CoreError::NotFound);
        }
        let ms = self
            .store
            .messages(id, Visible::from(&p), page.after, page.fetch())
            .await?;
        let (mut ms, next_cursor) = page.finish(ms, |m| m.id);
        ms.reverse();
        let ps = self.store.participants(id).await?;
        let senders: Vec<MemberId> = ms.iter().map(|m| m.sender_id).collect();
        let cards = self.cards_by_id(viewer, &senders).await?;
        // Receipts: seen by every other participant who shows receipts, when the viewer does.
        let members: Vec<MemberId> = ps.iter().map(|p| p.member_id).collect();
        let settings: HashMap<MemberId, MessageSettings> = self
            .store
            .message_settings_of(&members)
            .await?
            .into_iter()
            .collect();
        let shows = |m: MemberId| settings.get(&m).is_none_or(|s| s.read_receipts);
        let readers: Vec<&Participant> = ps
            .iter()
            .filter(|o| o.member_id != me && o.state == ParticipantState::Active)
            .collect();
        let receipts =
            shows(me) && !readers.is_empty() && readers.iter().all(|o| shows(o.member_id));
        let seen_through = readers.iter().map(|o| o.last_read).min().unwrap_or(0);
        let items: Vec<MessageView> = ms
            .into_iter()
            .map(|m| MessageView {
                sender: cards.get(&m.sender_id).cloned(),
                seen: receipts && m.sender_id == me && !m.held && m.id <= seen_through,
                m,
            })
            .collect();
        if page.after.is_none() {
            if let Some(newest) = items.last() {
                if self
                    .store
                    .mark_conversation_read(id, me, newest.m.id)
                    .await?
                {
                    self.feed.push(Push::Counts { member: me });
                    // The others' "seen" may change.
                    for o in &readers {
                        self.feed.push(Push::Read {
                            member: o.member_id,
                            conversation: id,
                        });
                    }
                }
            }
        }
        Ok(Page { items, next_cursor })
    }

    /// One message by id, if the viewer may see it (the live stream's payload).
    pub async fn message_for(
        &self,
        viewer: &Viewer,
        id: MessageId,
    ) -> CoreResult<Option<MessageView>> {
        let me = Self::me(viewer)?;
        let Some(m) = self.store.message(id).await? else {
            return Ok(None);
        };
        let Some(p) = self.store.participant(m.conversation_id, me).await? else {
            return Ok(None);
        };
        if !p.sees(m.id) || (m.held && m.sender_id != me) || p.state == ParticipantState::Ignored {
            return Ok(None);
        }
        let sender = self
            .cards_by_id(viewer, &[m.sender_id])
            .await?
            .remove(&m.sender_id);
        Ok(Some(MessageView {
            sender,
            m,
            seen: false,
        }))
    }

    /// Messages the viewer may see with ids above `after`, oldest first (stream catch-up).
    pub async fn messages_after(
        &self,
        viewer: &Viewer,
        after: MessageId,
    ) -> CoreResult<Vec<MessageView>> {
        let me = Self::me(viewer)?;
        let ms = self.store.messages_after(me, after, 200).await?;
        let senders: Vec<MemberId> = ms.iter().map(|m| m.sender_id).collect();
        let cards = self.cards_by_id(viewer, &senders).await?;
        Ok(ms
            .into_iter()
            .map(|m| MessageView {
                sender: cards.get(&m.sender_id).cloned(),
                m,
                seen: false,
            })
            .collect())
    }

    pub async fn latest_message_id(&self, viewer: &Viewer) -> CoreResult<MessageId> {
        Ok(self.store.latest_message_id(Self::me(viewer)?).await?)
    }

    /// (inbox conversations with unread messages, waiting requests).
    pub async fn message_counts(&self, viewer: &Viewer) -> CoreResult<(i64, i64)> {
        Ok(self.store.unread_totals(Self::me(viewer)?).await?)
    }

    /// Search in the viewer's own messages.
    pub async fn search_messages(
        &self,
        viewer: &Viewer,
        q: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<MessageView>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<MessageId>::new(cursor, limit)?;
        let q = q.trim();
        if q.chars().count() < 2 {
            return Err(CoreError::invalid("q", "Search for at least 2 characters."));
        }
        let ms = self
            .store
            .search_messages(me, &q.to_lowercase(), page.after, page.fetch())
            .await?;
        let (ms, next_cursor) = page.finish(ms, |m| m.id);
        let senders: Vec<MemberId> = ms.iter().map(|m| m.sender_id).collect();
        let cards = self.cards_by_id(viewer, &senders).await?;
        let items = ms
            .into_iter()
            .map(|m| MessageView {
                sender: cards.get(&m.sender_id).cloned(),
                m,
                seen: false,
            })
            .collect();
        Ok(Page { items, next_cursor })
    }

    pub async fn set_archived(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        on: bool,
    ) -> CoreResult<()> {
        let (_, p) = self.my_place(viewer, id).await?;
        self.store
            .set_conversation_archived(id, p.member_id, on)
            .await?;
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    pub async fn set_muted(&self, viewer: &Viewer, id: ConversationId, on: bool) -> CoreResult<()> {
        let (_, p) = self.my_place(viewer, id).await?;
        self.store
            .set_conversation_muted(id, p.member_id, on)
            .await?;
        Ok(())
    }

    /// The newest message of the conversation that this participant may see.
    async fn newest_visible(
        &self,
        id: ConversationId,
        p: &Participant,
    ) -> CoreResult<Option<MessageId>> {
        let newest = self.store.messages(id, Visible::from(p), None, 1).await?;
        Ok(newest.first().map(|m| m.id))
    }

    /// "Delete for me": the messages so far disappear for the viewer only.
    pub async fn clear_conversation(&self, viewer: &Viewer, id: ConversationId) -> CoreResult<()> {
        let (c, p) = self.my_place(viewer, id).await?;
        // Through the conversation's last message, and the viewer's own held ones after it.
        let newest_mine = self.newest_visible(id, &p).await?.unwrap_or(0);
        let through = c.last_message_id.max(newest_mine);
        self.store
            .clear_conversation(id, p.member_id, through)
            .await?;
        self.store
            .mark_conversation_read(id, p.member_id, through)
            .await?;
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    /// Leaves a group: nothing sent afterwards reaches the viewer.
    pub async fn leave_group(&self, viewer: &Viewer, id: ConversationId) -> CoreResult<()> {
        let (c, p) = self.my_place(viewer, id).await?;
        if !c.group {
            return Err(CoreError::refused(
                Code::NotAGroup,
                "Only a group can be left; archive or delete this conversation instead.",
            ));
        }
        if p.state == ParticipantState::Left {
            return Ok(());
        }
        self.store
            .leave_conversation(id, p.member_id, c.last_message_id)
            .await?;
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    /// The group's creator removes a member: nothing sent afterwards reaches them.
    pub async fn remove_from_group(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        handle: &str,
    ) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let (c, _) = self.my_place(viewer, id).await?;
        if !c.group || c.created_by != me {
            return Err(CoreError::Forbidden(
                "Only the member who started a group can remove someone from it.".into(),
            ));
        }
        let m = self
            .store
            .member_by_handle(&handle.trim().trim_start_matches('@').to_ascii_lowercase())
            .await?
            .ok_or(CoreError::NotFound)?;
        let p = self
            .store
            .participant(id, m.id)
            .await?
            .filter(|p| p.state != ParticipantState::Left && p.member_id != me)
            .ok_or(CoreError::NotFound)?;
        self.store
            .leave_conversation(id, p.member_id, c.last_message_id)
            .await?;
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    /// Answers a message request: accept (to the inbox) or ignore (silently gone).
    pub async fn answer_request(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        accept: bool,
    ) -> CoreResult<()> {
        let (_, p) = self.my_place(viewer, id).await?;
        if !matches!(
            p.state,
            ParticipantState::Request | ParticipantState::Ignored
        ) {
            return Err(CoreError::refused(
                Code::NotARequest,
                "This conversation is not a message request.",
            ));
        }
        let state = if accept {
            ParticipantState::Active
        } else {
            ParticipantState::Ignored
        };
        self.store
            .set_participant_state(id, p.member_id, state)
            .await?;
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    /// Reports a conversation (and ignores it, if it was a request).
    pub async fn report_conversation(&self, viewer: &Viewer, id: ConversationId) -> CoreResult<()> {
        let (_, p) = self.my_place(viewer, id).await?;
        let newest = self.newest_visible(id, &p).await?;
        self.store
            .report_conversation(id, p.member_id, newest, now_ms())
            .await?;
        if p.state == ParticipantState::Request {
            self.store
                .set_participant_state(id, p.member_id, ParticipantState::Ignored)
                .await?;
        }
        self.feed.push(Push::Counts {
            member: p.member_id,
        });
        Ok(())
    }

    /// The viewer's messaging settings.
    pub async fn message_settings(&self, viewer: &Viewer) -> CoreResult<MessageSettings> {
        Ok(self.store.message_settings(Self::me(viewer)?).await?)
    }

    pub async fn set_message_settings(
        &self,
        viewer: &Viewer,
        s: &MessageSettings,
    ) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        if s.email_after_minutes < 0 {
            return Err(CoreError::invalid("email", "Choose whether to get emails."));
        }
        self.store.set_message_settings(me, s).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::title_of;

    #[test]
    fn titles_count_the_others_in_words() {
        assert_eq!(title_of(&[]), "Nobody else");
        assert_eq!(title_of(&["Ann"]), "Ann");
        assert_eq!(title_of(&["Ann", "Bo"]), "Ann, Bo");
        assert_eq!(title_of(&["Ann", "Bo", "Cy"]), "Ann, Bo and 1 other");
        assert_eq!(title_of(&["Ann", "Bo", "Cy", "Di"]), "Ann, Bo and 2 others");
    }
}
