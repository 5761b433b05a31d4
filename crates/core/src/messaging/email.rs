//! Email for unread messages: once a message has waited `message_email_after_minutes`
//! unread, one email per (member, conversation) covers everything unread there, unless the
//! member turned these emails off or muted the conversation. What was read meanwhile is
//! never emailed, and nothing is emailed twice.

use std::collections::HashMap;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::accounts::unsubscribe::EmailKind;
use crate::error::CoreResult;
use crate::mail::Letter;
use crate::{now_ms, Guild};

impl Guild {
    /// Sends what is due; returns how many emails went out. Run by the server every few
    /// minutes.
    pub async fn send_message_emails(&self) -> CoreResult<usize> {
        let after = i64::from(self.settings.limits.message_email_after_minutes) * 60_000;
        let batches = self.store.unread_for_email(now_ms() - after, 500).await?;
        if batches.is_empty() {
            return Ok(0);
        }
        let mut members: Vec<MemberId> = batches.iter().map(|b| b.member_id).collect();
        members.sort_unstable();
        members.dedup();
        let settings: HashMap<MemberId, MessageSettings> = self
            .store
            .message_settings_of(&members)
            .await?
            .into_iter()
            .collect();
        let convs: Vec<ConversationId> = batches.iter().map(|b| b.conversation_id).collect();
        let parts = self.store.participants_of(&convs).await?;
        let mut ids: Vec<MemberId> = parts.iter().map(|p| p.member_id).collect();
        ids.extend(&members);
        ids.sort_unstable();
        ids.dedup();
        let cards: HashMap<MemberId, String> = self
            .store
            .cards(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let mut sent = 0;
        for b in batches {
            let on = settings
                .get(&b.member_id)
                .is_none_or(|s| s.email_after_minutes > 0);
            if !on {
                // Marked as covered so the same messages are not looked at again.
                self.store
                    .mark_emailed(b.conversation_id, b.member_id, b.through)
                    .await?;
                continue;
            }
            let Some(member) = self.store.member_by_id(b.member_id).await? else {
                continue;
            };
            if !member.active {
                continue;
            }
            let others: Vec<&str> = parts
                .iter()
                .filter(|p| p.conversation_id == b.conversation_id && p.member_id != member.id)
                .filter(|p| p.state != ParticipantState::Left)
                .filter_map(|p| cards.get(&p.member_id).map(String::as_str))
                .collect();
            let with = match others.as_slice() {
                [] => "a conversation".to_string(),
                [one] => (*one).to_string(),
                [a, rest @ ..] => format!("{a} and {} others", rest.len()),
            };
            let what = if b.count == 1 {
                "1 unread message".to_string()
            } else {
                format!("{} unread messages", b.count)
            };
            let base = self.settings.public_url.trim_end_matches('/');
            let unsubscribe = self.unsubscribe_url(member.id, EmailKind::Messages).await?;
            let email = Letter::new(member.email.as_str(), &format!("{what} from {with}"))
                .hello(&member.name)
                .text(format!("You have {what} from {with} on Guild."))
                .button("Read and reply", format!("{base}/messages/{}", b.conversation_id))
                .small(format!(
                    "To choose when you get these emails, change your messaging settings: {base}/settings/messaging"
                ))
                .unsubscribe("Stop emails about unread messages", unsubscribe)
                .email();
            if let Err(e) = self.queue_email(email).await {
                tracing::warn!(member = member.id, "message email: {e}");
                continue;
            }
            self.store
                .mark_emailed(b.conversation_id, b.member_id, b.through)
                .await?;
            sent += 1;
        }
        Ok(sent)
    }
}
