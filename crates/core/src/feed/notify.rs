//! Notifications: written when something happens to a member's posts, comments, invitations
//! or network; listed, counted and marked read; pushed live to open event streams; and
//! gathered into an email digest. Each kind can be switched off in-app and by email.
//!
//! A member only hears of what they may read: a mention in a post they cannot see, or an
//! action by someone hidden from them by a block, makes no notification.

use std::collections::HashMap;

use serde::Serialize;

use super::model::*;
use crate::accounts::model::{Member, MemberId};
use crate::accounts::unsubscribe::EmailKind;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::mail::Letter;
use crate::network::Person;
use crate::paging::{Page, PageRequest};
use crate::{now_ms, Guild};

/// What goes out to a member's open event streams.
#[derive(Debug, Clone)]
pub enum Push {
    /// A new or changed notification (its id is the event id).
    Notification { member: MemberId, id: i64 },
    /// The member's counts changed (read, a new invitation): re-read them.
    Counts { member: MemberId },
    /// A message the member may see was sent (its id orders the stream's catch-up).
    Message {
        member: MemberId,
        conversation: i64,
        id: i64,
    },
    /// Someone read a conversation the member takes part in: its receipts may have changed.
    Read { member: MemberId, conversation: i64 },
    /// The server is stopping: streams end (clients reconnect to the next one).
    Closing,
}

impl Push {
    pub fn member(&self) -> MemberId {
        match self {
            Push::Notification { member, .. }
            | Push::Counts { member }
            | Push::Message { member, .. }
            | Push::Read { member, .. } => *member,
            Push::Closing => 0,
        }
    }
}

/// A notification as the member sees it.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    #[serde(skip)]
    pub n: Notification,
    #[serde(skip)]
    pub actor: Person,
    /// "Ann Lee and 12 others reacted to your post."
    pub text: String,
    /// Where clicking it leads.
    pub link: String,
}

fn text_for(kind: NotificationKind, actor: &str, count: i64, excerpt: &str) -> String {
    let who = match count {
        c if c <= 1 => actor.to_string(),
        2 => format!("{actor} and 1 other"),
        c => format!("{actor} and {} others", c - 1),
    };
    match kind {
        NotificationKind::InvitationReceived => format!("{who} invited you to connect."),
        NotificationKind::InvitationAccepted => format!("{who} accepted your invitation."),
        NotificationKind::Mention => format!("{who} mentioned you."),
        NotificationKind::Comment => format!("{who} commented on your post."),
        NotificationKind::Reply => format!("{who} replied to your comment."),
        NotificationKind::Reaction => format!("{who} reacted to your post."),
        NotificationKind::Repost => format!("{who} reposted your post."),
        NotificationKind::NewPosition if excerpt.is_empty() => {
            format!("{who} started a new position.")
        }
        NotificationKind::NewPosition => format!("{who} {excerpt}"),
        NotificationKind::AwaySummary => {
            "Welcome back: here is what happened while you were away.".into()
        }
    }
}

impl Guild {
    /// The kinds the member wants in-app (or by email).
    async fn kinds_on(&self, member: MemberId, email: bool) -> CoreResult<Vec<NotificationKind>> {
        let set: HashMap<NotificationKind, NotificationSetting> = self
            .store
            .notification_settings(member)
            .await?
            .into_iter()
            .map(|s| (s.kind, s))
            .collect();
        Ok(NotificationKind::ALL
            .into_iter()
            .filter(|k| {
                set.get(k)
                    .is_none_or(|s| if email { s.email } else { s.in_app })
            })
            .collect())
    }

    /// Writes notifications and pushes each to its member's open streams.
    pub(crate) async fn notify_and_push(&self, new: &[NewNotification]) -> CoreResult<()> {
        for n in self.store.notify(new).await? {
            self.feed.push(Push::Notification {
                member: n.member_id,
                id: n.id,
            });
        }
        Ok(())
    }

    /// Tells `to` that `actor` did something, unless it is the actor themself or a block
    /// stands between them; pushes it to their open streams.
    pub(crate) async fn notify_one(
        &self,
        actor: &Member,
        to: MemberId,
        kind: NotificationKind,
        post_id: Option<PostId>,
        comment_id: Option<i64>,
        group_key: String,
    ) -> CoreResult<()> {
        if to == actor.id || self.network.is_hidden(actor.id, to) {
            return Ok(());
        }
        self.notify_and_push(&[NewNotification {
            member_id: to,
            kind,
            actor_id: actor.id,
            post_id,
            comment_id,
            invitation_id: None,
            group_key,
            created_at: now_ms(),
        }])
        .await
    }

    /// Invitations: received (to the invitee) and accepted (to the sender).
    pub(crate) async fn notify_invitation(
        &self,
        actor: MemberId,
        to: MemberId,
        kind: NotificationKind,
        invitation: i64,
    ) -> CoreResult<()> {
        self.notify_and_push(&[NewNotification {
            member_id: to,
            kind,
            actor_id: actor,
            post_id: None,
            comment_id: None,
            invitation_id: Some(invitation),
            group_key: format!("{}:{invitation}", kind.as_str()),
            created_at: now_ms(),
        }])
        .await
    }

    /// Whether member `id` (active) may read `post`, as [`Guild::can_read`] decides for them.
    pub(crate) async fn member_can_read(&self, id: MemberId, post: &Post) -> CoreResult<bool> {
        let Some(m) = self.store.member_by_id(id).await?.filter(|m| m.active) else {
            return Ok(false);
        };
        let as_them = Viewer::Member(m);
        let author_vis = self
            .people_by_ids(&as_them, &[post.author_id])
            .await?
            .pop()
            .map(|p| p.card.visibility);
        Ok(author_vis.is_some_and(|vis| self.can_read(&as_them, post, vis)))
    }

    /// Mentions in a post (or a comment on it) tell each mentioned member who may read it.
    pub(crate) async fn notify_mentions(
        &self,
        actor: &Member,
        post: &Post,
        comment_id: Option<i64>,
        mentioned: &[Member],
    ) -> CoreResult<()> {
        for m in mentioned {
            if !self.member_can_read(m.id, post).await? {
                continue;
            }
            let key = match comment_id {
                Some(c) => format!("mention:c{c}"),
                None => format!("mention:{}", post.id),
            };
            self.notify_one(
                actor,
                m.id,
                NotificationKind::Mention,
                Some(post.id),
                comment_id,
                key,
            )
            .await?;
        }
        Ok(())
    }

    /// A network update goes to every connection of its author, in one statement.
    pub(crate) async fn notify_connections_of(&self, me: &Member, post: &Post) -> CoreResult<()> {
        self.store
            .notify_connections(
                me.id,
                &NewNotification {
                    member_id: 0,
                    kind: NotificationKind::NewPosition,
                    actor_id: me.id,
                    post_id: Some(post.id),
                    comment_id: None,
                    invitation_id: None,
                    group_key: format!("update:{}", post.id),
                    created_at: post.created_at,
                },
            )
            .await?;
        if let Ok(n) = crate::network::state::node(me.id) {
            for &c in self.network.snapshot().neighbours(n) {
                self.feed.push(Push::Counts {
                    member: MemberId::from(c),
                });
            }
        }
        Ok(())
    }

    /// The viewer's notifications, newest first.
    pub async fn notifications(
        &self,
        viewer: &Viewer,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<NotificationView>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<(i64, i64)>::new(cursor, limit)?;
        let kinds = self.kinds_on(me, false).await?;
        let rows = self
            .store
            .notifications(me, &kinds, page.after, page.fetch())
            .await?;
        let (rows, next_cursor) = page.finish(rows, |n| (n.created_at, n.id));
        let items = self.notification_views(viewer, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// Notifications after an event id (a stream's catch-up), oldest first.
    pub async fn notifications_after(
        &self,
        viewer: &Viewer,
        after_id: i64,
    ) -> CoreResult<Vec<NotificationView>> {
        let me = Self::me(viewer)?;
        let kinds = self.kinds_on(me, false).await?;
        let rows = self
            .store
            .notifications_after(me, &kinds, after_id, 100)
            .await?;
        self.notification_views(viewer, rows).await
    }

    /// The viewer's highest notification id: where a new live stream starts.
    pub async fn latest_notification_id(&self, viewer: &Viewer) -> CoreResult<i64> {
        Ok(self.store.latest_notification_id(Self::me(viewer)?).await?)
    }

    /// One notification by id, if it is the viewer's (for a live push).
    pub async fn notification(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> CoreResult<Option<NotificationView>> {
        Ok(self
            .notifications_after(viewer, id - 1)
            .await?
            .into_iter()
            .find(|v| v.n.id == id))
    }

    async fn notification_views(
        &self,
        viewer: &Viewer,
        rows: Vec<Notification>,
    ) -> CoreResult<Vec<NotificationView>> {
        let actors: Vec<MemberId> = rows.iter().map(|n| n.actor_id).collect();
        let people: HashMap<MemberId, Person> = self
            .people_by_ids(viewer, &actors)
            .await?
            .into_iter()
            .map(|p| (p.card.id, p))
            .collect();
        // Updates carry their text ("started a new position as … at …") in the post.
        let update_ids: Vec<PostId> = rows
            .iter()
            .filter(|n| n.kind == NotificationKind::NewPosition)
            .filter_map(|n| n.post_id)
            .collect();
        let updates: HashMap<PostId, String> = if update_ids.is_empty() {
            HashMap::new()
        } else {
            self.store
                .posts_by_ids(&update_ids)
                .await?
                .into_iter()
                .map(|p| (p.id, p.body))
                .collect()
        };
        Ok(rows
            .into_iter()
            .filter_map(|n| {
                // An actor since blocked or gone: the notification is no longer shown.
                let actor = people.get(&n.actor_id)?.clone();
                let excerpt = n
                    .post_id
                    .and_then(|p| updates.get(&p))
                    .map_or("", String::as_str);
                let link = match (n.kind, n.post_id) {
                    (NotificationKind::InvitationReceived, _) => "/network".to_string(),
                    (NotificationKind::InvitationAccepted, _) => {
                        format!("/in/{}", actor.card.handle)
                    }
                    (NotificationKind::AwaySummary, _) => format!(
                        "/me/away/{}",
                        n.group_key.strip_prefix("away:").unwrap_or_default()
                    ),
                    (_, Some(p)) => format!("/posts/{p}"),
                    (_, None) => format!("/in/{}", actor.card.handle),
                };
                Some(NotificationView {
                    text: text_for(n.kind, &actor.card.name, n.count, excerpt),
                    link,
                    actor,
                    n,
                })
            })
            .collect())
    }

    /// Unread notifications of the kinds the viewer wants in-app (the badge).
    pub async fn unread_notifications(&self, viewer: &Viewer) -> CoreResult<i64> {
        let me = Self::me(viewer)?;
        let kinds = self.kinds_on(me, false).await?;
        Ok(self.store.unread_count(me, &kinds).await?)
    }

    /// Marks these notifications (all, with `None`) read.
    pub async fn mark_notifications_read(
        &self,
        viewer: &Viewer,
        ids: Option<&[i64]>,
    ) -> CoreResult<u64> {
        let me = Self::me(viewer)?;
        if ids.is_some_and(|i| i.len() > 500) {
            return Err(CoreError::invalid("ids", "Mark at most 500 at a time."));
        }
        let n = self.store.mark_read(me, ids, now_ms()).await?;
        self.feed.push(Push::Counts { member: me });
        Ok(n)
    }

    /// Every kind with the viewer's choice (on for both unless changed).
    pub async fn notification_settings(
        &self,
        viewer: &Viewer,
    ) -> CoreResult<Vec<NotificationSetting>> {
        let me = Self::me(viewer)?;
        let set: HashMap<NotificationKind, NotificationSetting> = self
            .store
            .notification_settings(me)
            .await?
            .into_iter()
            .map(|s| (s.kind, s))
            .collect();
        Ok(NotificationKind::ALL
            .into_iter()
            .map(|k| {
                set.get(&k).copied().unwrap_or(NotificationSetting {
                    kind: k,
                    in_app: true,
                    email: true,
                })
            })
            .collect())
    }

    pub async fn set_notification_setting(
        &self,
        viewer: &Viewer,
        kind: &str,
        in_app: bool,
        email: bool,
    ) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let kind = NotificationKind::parse(kind.trim())
            .ok_or_else(|| CoreError::invalid("kind", "There is no such kind of notification."))?;
        self.store
            .set_notification_setting(
                me,
                NotificationSetting {
                    kind,
                    in_app,
                    email,
                },
            )
            .await?;
        self.feed.push(Push::Counts { member: me });
        Ok(())
    }

    /// How often the viewer gets the digest email.
    pub async fn digest(&self, viewer: &Viewer) -> CoreResult<Digest> {
        Ok(self.store.feed_prefs(Self::me(viewer)?).await?.digest)
    }

    pub async fn set_digest(&self, viewer: &Viewer, raw: &str) -> CoreResult<Digest> {
        let me = Self::me(viewer)?;
        let d = Digest::parse(raw).map_err(|m| CoreError::invalid("digest", m))?;
        self.store.set_digest(me, d).await?;
        Ok(d)
    }

    /// Emails each member whose digest is due a summary of their unread notifications (of
    /// the kinds they want by email) since the last one; members with nothing new get no
    /// email. Returns how many were sent. The server calls this every few minutes.
    pub async fn send_due_digests(&self, now: i64) -> CoreResult<usize> {
        let mut sent = 0;
        for (member, digest) in self.store.digests_due(now, 500).await? {
            if digest.period_ms().is_none() {
                continue;
            }
            let Some(m) = self.store.member_by_id(member).await?.filter(|m| m.active) else {
                self.store.mark_digest_sent(member, now).await?;
                continue;
            };
            let viewer = Viewer::Member(m.clone());
            let kinds = self.kinds_on(member, true).await?;
            let since = self.store.feed_prefs(member).await?.digest_sent_at;
            let rows = self.store.unread_since(member, &kinds, since, 50).await?;
            let views = self.notification_views(&viewer, rows).await?;
            if views.is_empty() {
                self.store.mark_digest_sent(member, now).await?;
                continue;
            }
            let base = self.settings.public_url.trim_end_matches('/');
            let subject = match views.len() {
                1 => "1 new notification on Guild".to_string(),
                n => format!("{n} new notifications on Guild"),
            };
            let unsubscribe = self.unsubscribe_url(member, EmailKind::Digest).await?;
            let letter = Letter::new(m.email.as_str(), &subject)
                .hello(&m.name)
                .text(format!(
                    "Here is what happened on Guild since your last {} digest:",
                    digest.as_str()
                ))
                .items(
                    views
                        .iter()
                        .map(|v| (v.text.clone(), format!("{base}{}", v.link)))
                        .collect(),
                )
                .button("Open Guild", format!("{base}/notifications"))
                .small(format!(
                    "Choose what you are emailed about, or how often: {base}/notifications/settings"
                ))
                .unsubscribe("Turn the digest off", unsubscribe);
            // Marked sent once it is in the outbox; one failing does not hold up the rest.
            match self.queue_email(letter.email()).await {
                Ok(()) => {
                    self.store.mark_digest_sent(member, now).await?;
                    sent += 1;
                }
                Err(e) => tracing::warn!("digest for member {member} not sent: {e}"),
            }
        }
        Ok(sent)
    }

    /// Ends every open event stream (the server is stopping).
    pub fn close_streams(&self) {
        self.feed.push(Push::Closing);
    }

    /// Listens for pushes (the web layer filters by member).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Push> {
        self.feed.subscribe()
    }
}
