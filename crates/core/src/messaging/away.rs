//! Out of office: a member's away period, what others see of it (profile, composer,
//! invitations), the one automatic reply per sender per period, and the "while you were
//! away" summary when it ends.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::model::*;

use crate::accounts::model::{Member, MemberId};
use crate::accounts::unsubscribe::EmailKind;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::feed::model::{NewNotification, NotificationKind};
use crate::lengths;
use crate::mail::Letter;
use crate::markup;
use crate::network::Person;
use crate::{now_ms, Guild};

#[derive(Debug, Clone, Default)]
pub struct AwayInput {
    /// A date (`2026-06-03`, from its start, UTC) or an RFC 3339 time.
    pub start: String,
    /// A date (through its end, UTC) or an RFC 3339 time.
    pub end: String,
    pub message: String,
    pub message_for_others: Option<String>,
    pub contact_handle: Option<String>,
}

/// An away period as others see it.
#[derive(Debug, Clone, Serialize)]
pub struct AwayView {
    #[serde(skip)]
    pub away: Away,
    #[serde(skip)]
    pub member: Person,
    #[serde(skip)]
    pub contact: Option<Person>,
    /// "Bo Chan is away until 3 June — contact Cy Diaz."
    pub notice: String,
}

fn day_label(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_default()
}

/// The last day of a period ending (exclusively) at `end`: "until 3 June" for a period that
/// ends at the start of 4 June.
fn until_label(end: i64) -> String {
    day_label(end - 1)
}

pub fn notice(member: &str, a: &Away, contact: Option<&str>) -> String {
    let mut s = format!("{member} is away until {}", until_label(a.ends_at));
    if let Some(c) = contact {
        s.push_str(&format!(" — contact {c}"));
    }
    s.push('.');
    s
}

/// Parses a start or end: a date means the start of that day (`end`: the start of the next).
fn parse_time(raw: &str, end: bool) -> Option<i64> {
    let raw = raw.trim();
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let d = if end { d.succ_opt()? } else { d };
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    DateTime::parse_from_rfc3339(raw)
        .ok()
        .map(|t| t.timestamp_millis())
}

impl Guild {
    /// Sets (replacing any current or coming one) the viewer's away period.
    pub async fn set_away(&self, viewer: &Viewer, input: &AwayInput) -> CoreResult<Away> {
        let me = viewer.require()?.clone();
        let now = now_ms();
        let mut errors = FieldErrors::default();
        let start = parse_time(&input.start, false);
        let end = parse_time(&input.end, true);
        if start.is_none() {
            errors.add("start", "Give the first day away, like 2026-06-03.");
        }
        match (start, end) {
            (_, None) => errors.add("end", "Give the last day away, like 2026-06-14."),
            (Some(s), Some(e)) if e <= s => errors.add("end", "The end comes after the start."),
            (_, Some(e)) if e <= now => errors.add("end", "The end is in the past."),
            (Some(s), Some(e)) if e - s > 366 * 86_400_000 => {
                errors.add("end", "An away period lasts at most a year.")
            }
            _ => {}
        }
        let message = input.message.trim().to_string();
        let check = |text: &str, field: &str, errors: &mut FieldErrors| {
            let n = text.chars().count();
            if n > lengths::AWAY_MESSAGE {
                errors.add(
                    field,
                    format!(
                        "At most {} characters; this has {n}.",
                        lengths::AWAY_MESSAGE
                    ),
                );
            }
        };
        if message.is_empty() {
            errors.add(
                "message",
                "Write the message people get while you are away.",
            );
        }
        check(&message, "message", &mut errors);
        let others = input
            .message_for_others
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let Some(o) = &others {
            check(o, "message_for_others", &mut errors);
        }
        let mut contact = None;
        if let Some(h) = input
            .contact_handle
            .as_deref()
            .map(|h| h.trim().trim_start_matches('@'))
            .filter(|h| !h.is_empty())
        {
            // A handle, or the name of one member (the picker sends handles).
            match self.resolve_entry(viewer, h).await? {
                Ok(handle) => match self.reachable_member(viewer, &handle).await {
                    Ok(m) if m.id == me.id => {
                        errors.add("contact_handle", "Name someone else to contact.")
                    }
                    Ok(m) => contact = Some(m.id),
                    Err(CoreError::NotFound) => {
                        errors.add("contact_handle", format!("No member @{h}."))
                    }
                    Err(e) => return Err(e),
                },
                Err(message) => errors.add("contact_handle", message),
            }
        }
        errors.into_result()?;
        let (Some(start), Some(end)) = (start, end) else {
            return Err(CoreError::invalid("start", "Give the first day away."));
        };
        Ok(self
            .store
            .set_away(&NewAway {
                member_id: me.id,
                starts_at: start,
                ends_at: end,
                message,
                message_for_others: others,
                contact_id: contact,
                created_at: now,
            })
            .await?)
    }

    /// Ends (or cancels) the viewer's away period; false when there was none.
    pub async fn end_away(&self, viewer: &Viewer) -> CoreResult<bool> {
        let me = Self::me(viewer)?;
        Ok(self.store.end_away(me, now_ms()).await?)
    }

    /// The viewer's own current or coming away period.
    pub async fn my_away(&self, viewer: &Viewer) -> CoreResult<Option<Away>> {
        let me = Self::me(viewer)?;
        Ok(self.store.away(me, now_ms()).await?)
    }

    /// The handle of the colleague the viewer's away period names, for the form that edits
    /// it (the viewer's own period only).
    pub async fn away_contact_handle(
        &self,
        viewer: &Viewer,
        away: &Away,
    ) -> CoreResult<Option<String>> {
        if away.member_id != Self::me(viewer)? {
            return Err(CoreError::NotFound);
        }
        Ok(match away.contact_id {
            Some(c) => self
                .store
                .member_by_id(c)
                .await?
                .map(|m| m.handle.into_string()),
            None => None,
        })
    }

    /// Who among `members` is away now, as the viewer may see them (blocked members and
    /// the viewer left out).
    pub async fn aways_for(
        &self,
        viewer: &Viewer,
        members: &[MemberId],
    ) -> CoreResult<Vec<AwayView>> {
        let Some(me) = viewer.id() else {
            // Only members see who is away.
            return Ok(Vec::new());
        };
        let me = Some(me);
        let members: Vec<MemberId> = members
            .iter()
            .copied()
            .filter(|m| Some(*m) != me && !self.is_hidden(viewer, *m))
            .collect();
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let aways = self.store.aways_at(&members, now_ms()).await?;
        if aways.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<MemberId> = aways.iter().map(|a| a.member_id).collect();
        ids.extend(aways.iter().filter_map(|a| a.contact_id));
        let cards = self.cards_by_id(viewer, &ids).await?;
        Ok(aways
            .into_iter()
            .filter_map(|a| {
                let member = cards.get(&a.member_id)?.clone();
                let contact = a.contact_id.and_then(|c| cards.get(&c).cloned());
                let notice = notice(
                    &member.card.name,
                    &a,
                    contact.as_ref().map(|c| c.card.name.as_str()),
                );
                Some(AwayView {
                    away: a,
                    member,
                    contact,
                    notice,
                })
            })
            .collect())
    }

    /// A member's away notice by handle, for a signed-in viewer who may reach them.
    pub async fn member_away(&self, viewer: &Viewer, handle: &str) -> CoreResult<Option<AwayView>> {
        Self::me(viewer)?;
        let m = self.reachable_member(viewer, handle).await?;
        self.away_of(viewer, m.id).await
    }

    /// One member's away notice for the viewer (profiles, invitations).
    pub async fn away_of(&self, viewer: &Viewer, member: MemberId) -> CoreResult<Option<AwayView>> {
        Ok(self.aways_for(viewer, &[member]).await?.pop())
    }

    /// After `m` from `sender` was delivered: every other participant away now answers once
    /// per sender per period, in the same conversation, marked automatic. An automatic
    /// message never gets one (two away members do not loop).
    pub(crate) async fn auto_replies(
        &self,
        sender: &Member,
        c: &Conversation,
        m: &Message,
    ) -> CoreResult<()> {
        if m.automatic {
            return Ok(());
        }
        let ps = self.store.participants(c.id).await?;
        let others: Vec<MemberId> = ps
            .iter()
            .filter(|p| {
                p.member_id != sender.id
                    && matches!(
                        p.state,
                        ParticipantState::Active | ParticipantState::Request
                    )
            })
            .map(|p| p.member_id)
            .collect();
        if others.is_empty() {
            return Ok(());
        }
        for a in self.store.aways_at(&others, now_ms()).await? {
            if !self.store.claim_auto_reply(a.id, sender.id).await? {
                continue;
            }
            let connected = self.is_connected(&Viewer::Member(sender.clone()), a.member_id);
            let text = match (&a.message_for_others, connected) {
                (Some(o), false) => o.clone(),
                _ => a.message.clone(),
            };
            let contact = match a.contact_id {
                Some(id) => self.store.member_by_id(id).await?,
                None => None,
            };
            let mut body = format!("{text}\n\nBack after {}.", until_label(a.ends_at));
            if let Some(c) = &contact {
                body.push_str(&format!(" Meanwhile, contact @{}.", c.handle));
            }
            let body: String = body.chars().take(lengths::MESSAGE).collect();
            let html = markup::render_named(&body, markup::Blocks::Post, &|h: &str| {
                contact
                    .as_ref()
                    .filter(|c| c.handle.as_str() == h)
                    .map(|c| c.name.clone())
            });
            let reply = self
                .store
                .add_message(&NewMessage {
                    conversation_id: c.id,
                    sender_id: a.member_id,
                    body,
                    body_html: html,
                    automatic: true,
                    held: false,
                    to_stranger: false,
                    attachment_id: None,
                    created_at: now_ms(),
                })
                .await?;
            self.push_message(&reply).await?;
        }
        Ok(())
    }

    /// Sends the "while you were away" summary for every period that ended; returns how
    /// many went out. Run by the server every few minutes.
    pub async fn send_away_summaries(&self) -> CoreResult<usize> {
        let now = now_ms();
        let mut sent = 0;
        for a in self.store.aways_to_summarize(now, 100).await? {
            let s = self
                .store
                .away_summary(a.member_id, a.starts_at, a.ends_at)
                .await?;
            let Some(member) = self.store.member_by_id(a.member_id).await? else {
                self.store.mark_away_summarized(a.id, now).await?;
                continue;
            };
            self.notify_and_push(&[NewNotification {
                member_id: member.id,
                kind: NotificationKind::AwaySummary,
                actor_id: member.id,
                post_id: None,
                comment_id: None,
                invitation_id: None,
                group_key: format!("away:{}", a.id),
                created_at: now,
            }])
            .await?;
            if !self.wants_away_email(member.id).await? {
                self.store.mark_away_summarized(a.id, now).await?;
                continue;
            }
            let text = summary_text(&s);
            let base = self.settings.public_url.trim_end_matches('/');
            let unsubscribe = self.unsubscribe_url(member.id, EmailKind::Away).await?;
            let email = Letter::new(member.email.as_str(), "While you were away")
                .hello(&member.name)
                .text(format!("Welcome back. {text}"))
                .button("Open your messages", format!("{base}/messages"))
                .text(format!("Notifications: {base}/notifications"))
                .unsubscribe("Stop the “while you were away” summary email", unsubscribe)
                .email();
            if let Err(e) = self.queue_email(email).await {
                tracing::warn!(member = member.id, "away summary email: {e}");
                continue;
            }
            self.store.mark_away_summarized(a.id, now).await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// The summary of the viewer's period `away` (the notification's page).
    pub async fn away_summary(&self, viewer: &Viewer, away: i64) -> CoreResult<(Away, String)> {
        let me = Self::me(viewer)?;
        let a = self
            .store
            .away_by_id(away)
            .await?
            .filter(|a| a.member_id == me)
            .ok_or(CoreError::NotFound)?;
        let s = self
            .store
            .away_summary(me, a.starts_at, a.ends_at.min(now_ms()))
            .await?;
        Ok((a, summary_text(&s)))
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "While you were away: 12 messages in 4 conversations, 3 invitations and 2 mentions."
pub fn summary_text(s: &AwaySummary) -> String {
    format!(
        "While you were away: {} in {}, {} and {}.",
        plural(s.messages, "message", "messages"),
        plural(s.conversations, "conversation", "conversations"),
        plural(s.invitations, "invitation", "invitations"),
        plural(s.mentions, "mention", "mentions"),
    )
}
