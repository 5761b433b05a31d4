//! A member's live stream and the top bar's badges: what `/api/v1/events` sends and every
//! page's top bar shows, decided once here.
//!
//! A stream starts with what the member missed since the mark their client last saw (its
//! `Last-Event-ID`) and their counts, then follows the pushes of [`crate::feed::Push`]. Its
//! mark is the last notification id and the last message id sent (`"12_345"`), so one
//! reconnect catches up on both; a message pushed twice, or whose push was lagged, is sent
//! once and in order, because each push sends everything after the mark.

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::CoreResult;
use crate::feed::{NotificationView, Push};
use crate::messaging::MessageView;
use crate::ops::StreamGuard;
use crate::Guild;

/// The counts beside the top bar's links. `None` is a count that could not be read: the
/// cause is logged, and the member sees it as unknown rather than as a false "0".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BadgeCounts {
    /// Unread notifications.
    pub notifications: Option<i64>,
    /// Invitations waiting for an answer.
    pub invitations: Option<i64>,
    /// Inbox conversations with unread messages.
    pub messages: Option<i64>,
    /// Message requests waiting for an answer.
    pub message_requests: Option<i64>,
}

/// Where a stream stands: the last notification and the last message it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub notification: i64,
    pub message: i64,
}

impl Mark {
    /// The event id that carries the mark: `"12_345"`.
    pub fn id(self) -> String {
        format!("{}_{}", self.notification, self.message)
    }

    /// `"12_345"`, or a plain notification id from an older client; a part that does not
    /// read is `None` (that part starts afresh rather than failing the stream).
    pub fn parse(raw: &str) -> (Option<i64>, Option<i64>) {
        let mut parts = raw.trim().splitn(2, '_');
        let n = parts.next().and_then(|p| p.parse().ok());
        let m = parts.next().and_then(|p| p.parse().ok());
        (n, m)
    }
}

/// One event of a stream.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A notification; `id` is the stream's mark after it.
    Notification {
        view: NotificationView,
        id: String,
    },
    /// A message in one of the member's conversations (their own too, for other tabs).
    Message {
        view: MessageView,
        id: String,
    },
    /// Someone read a conversation: its receipts may have changed.
    Read {
        conversation: i64,
    },
    Counts(BadgeCounts),
}

/// An open stream: the member, the pushes it listens to and its mark.
pub struct LiveStream {
    viewer: Viewer,
    member: MemberId,
    pushes: Receiver<Push>,
    mark: Mark,
    /// The counts last sent: after a message only the message counts are read again.
    counts: Option<BadgeCounts>,
    /// Counts the stream among the open ones until it is dropped (metrics).
    _open: StreamGuard,
}

fn known<T>(what: &str, r: CoreResult<T>) -> Option<T> {
    r.map_err(|e| tracing::error!("badge count of {what}: {e}"))
        .ok()
}

impl Guild {
    /// The viewer's badge counts, each read on its own so one failure hides only itself.
    pub async fn badge_counts(&self, viewer: &Viewer) -> BadgeCounts {
        if viewer.member().is_none() {
            return BadgeCounts::default();
        }
        let counts = BadgeCounts {
            notifications: known("notifications", self.unread_notifications(viewer).await),
            invitations: known("invitations", self.pending_invitation_count(viewer).await),
            ..BadgeCounts::default()
        };
        self.with_message_counts(viewer, counts).await
    }

    /// `counts` with the message counts read again (what a new message changes).
    async fn with_message_counts(&self, viewer: &Viewer, counts: BadgeCounts) -> BadgeCounts {
        let messages = known("messages", self.message_counts(viewer).await);
        BadgeCounts {
            messages: messages.map(|m| m.0),
            message_requests: messages.map(|m| m.1),
            ..counts
        }
    }

    /// Opens the viewer's stream: the events missed since `last_event_id` (nothing to catch
    /// up without one) and the counts, then [`LiveStream::next`] for each change.
    pub async fn open_stream(
        &self,
        viewer: &Viewer,
        last_event_id: Option<&str>,
    ) -> CoreResult<(LiveStream, Vec<LiveEvent>)> {
        let member = Self::me(viewer)?;
        // Subscribed before reading, so nothing pushed meanwhile is lost.
        let pushes = self.subscribe();
        let (last_n, last_m) = last_event_id.map(Mark::parse).unwrap_or((None, None));
        let mark = Mark {
            notification: match last_n {
                Some(n) => n,
                None => self.latest_notification_id(viewer).await?,
            },
            message: match last_m {
                Some(m) => m,
                None => self.latest_message_id(viewer).await?,
            },
        };
        let mut stream = LiveStream {
            viewer: viewer.clone(),
            member,
            pushes,
            mark,
            counts: None,
            _open: self.ops.stream_opened(),
        };
        let mut first = Vec::new();
        if last_n.is_some() {
            for n in self.notifications_after(viewer, mark.notification).await? {
                first.push(stream.notification(n));
            }
        }
        if last_m.is_some() {
            stream.messages_through(self, i64::MAX, &mut first).await?;
        }
        let counts = self.badge_counts(viewer).await;
        stream.counts = Some(counts);
        first.push(LiveEvent::Counts(counts));
        Ok((stream, first))
    }
}

impl LiveStream {
    /// The events of the next push for this member; `None` once the server is stopping.
    pub async fn next(&mut self, guild: &Guild) -> Option<Vec<LiveEvent>> {
        loop {
            let push = match self.pushes.recv().await {
                Ok(Push::Closing) | Err(RecvError::Closed) => return None,
                // Missed pushes: the counts are re-read, and messages catch up on the next.
                Err(RecvError::Lagged(_)) => None,
                Ok(p) if p.member() != self.member => continue,
                Ok(p) => Some(p),
            };
            let mut out = Vec::new();
            // A message changes the message counts alone; anything else, any of them.
            let a_message = matches!(push, Some(Push::Message { .. }));
            match push {
                Some(Push::Notification { id, .. }) => {
                    if let Ok(Some(n)) = guild.notification(&self.viewer, id).await {
                        out.push(self.notification(n));
                    }
                }
                Some(Push::Read { conversation, .. }) => {
                    return Some(vec![LiveEvent::Read { conversation }]);
                }
                Some(Push::Message { id, .. }) if id > self.mark.message => {
                    if let Err(e) = self.messages_through(guild, id, &mut out).await {
                        tracing::warn!("live stream catching up on messages: {e}");
                    }
                }
                _ => {}
            }
            let counts = match (a_message, self.counts) {
                (true, Some(last)) => guild.with_message_counts(&self.viewer, last).await,
                _ => guild.badge_counts(&self.viewer).await,
            };
            self.counts = Some(counts);
            out.push(LiveEvent::Counts(counts));
            return Some(out);
        }
    }

    fn notification(&mut self, view: NotificationView) -> LiveEvent {
        self.mark.notification = self.mark.notification.max(view.n.id);
        LiveEvent::Notification {
            view,
            id: self.mark.id(),
        }
    }

    /// Every message after the mark up to `through`, in order, each moving the mark.
    async fn messages_through(
        &mut self,
        guild: &Guild,
        through: i64,
        out: &mut Vec<LiveEvent>,
    ) -> CoreResult<()> {
        for view in guild
            .messages_after(&self.viewer, self.mark.message)
            .await?
        {
            if view.m.id > through {
                break;
            }
            self.mark.message = self.mark.message.max(view.m.id);
            out.push(LiveEvent::Message {
                view,
                id: self.mark.id(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Mark;

    #[test]
    fn marks_read_both_parts_or_an_old_single_id() {
        let m = Mark {
            notification: 12,
            message: 345,
        };
        assert_eq!(Mark::parse(&m.id()), (Some(12), Some(345)));
        assert_eq!(Mark::parse("12"), (Some(12), None));
        assert_eq!(Mark::parse("x_9"), (None, Some(9)));
    }
}
