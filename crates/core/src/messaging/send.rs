//! Sending: a new conversation or a message in one, and the rules on the way — who may
//! reach whom, message requests, spam holding, limits, out-of-office replies — then the push
//! to every participant's open streams.

use serde::Serialize;

use super::model::*;
use super::{spam, HOUR_MS, MAX_GROUP};
use crate::accounts::model::{Member, MemberId};
use crate::auth::Viewer;
use crate::error::Code;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::feed::Push;
use crate::lengths;
use crate::markup;
use crate::media::UploadKind;
use crate::network::state::node;
use crate::{now_ms, Guild};

/// What happened to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the recipients' inbox.
    Inbox,
    /// In the recipient's message requests, waiting for an answer.
    Request,
    /// Held as likely spam: not delivered; flagged for review.
    Held,
}

#[derive(Debug, Clone, Default)]
pub struct SendInput {
    /// The recipients (a new conversation only): handles, or names of members the sender may
    /// see ("Linh Reyes"), one per entry.
    pub to: Vec<String>,
    pub body: String,
    /// An attachment uploaded by the sender first.
    pub attachment: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Sent {
    pub conversation: Conversation,
    pub message: Message,
    pub delivery: Delivery,
    /// This message answered a request the sender had received, and so accepted it: the
    /// conversation is now an ordinary one in their inbox.
    pub accepted_request: bool,
}

impl Guild {
    /// Starts a conversation (or writes in the existing 1:1 one) with the members in `to`.
    pub async fn start_conversation(&self, viewer: &Viewer, input: &SendInput) -> CoreResult<Sent> {
        let me = viewer.require()?.clone();
        let mut errors = FieldErrors::default();
        let body = self.check_body(&me, input, &mut errors).await;
        let (mut handles, refused) = self
            .recipient_handles(viewer, &input.to, &mut errors)
            .await?;
        handles.sort_unstable();
        handles.dedup();
        let mut to: Vec<Member> = Vec::new();
        if refused {
            // Each refused entry's message is already beside "To".
        } else if handles.is_empty() {
            errors.add("to", "Choose who to write to.");
        } else if handles.len() >= MAX_GROUP {
            errors.add(
                "to",
                format!("A group has at most {MAX_GROUP} members, you included."),
            );
        } else {
            for h in &handles {
                match self.reachable_member(viewer, h).await {
                    Ok(m) if m.id == me.id => errors.add("to", "Write to someone else."),
                    Ok(m) => to.push(m),
                    Err(CoreError::NotFound) => errors.add("to", format!("No member @{h}.")),
                    Err(e) => return Err(e),
                }
            }
        }
        let group = to.len() > 1;
        if group && errors.is_empty() {
            let strangers: Vec<&str> = to
                .iter()
                .filter(|m| !self.is_connected(viewer, m.id))
                .map(|m| m.name.as_str())
                .collect();
            if !strangers.is_empty() {
                errors.add(
                    "to",
                    format!(
                        "Groups are for your connections; write to {} on their own first.",
                        strangers.join(", ")
                    ),
                );
            }
        }
        errors.into_result()?;
        let body = body.unwrap_or_default();
        if let [other] = to.as_slice() {
            if let Some(c) = self.store.direct_conversation(me.id, other.id).await? {
                return self.send_in(&me, c, body, input.attachment).await;
            }
            self.may_reach(&me, other).await?;
        }
        let now = now_ms();
        let max = self.settings.limits.conversations_per_hour;
        self.per_hour(
            Code::RateLimited,
            &format!("conversations:{}", me.id),
            max,
            |lift| {
                format!(
                    "You have started {max} conversations in the last hour. You can start another after {}.",
                    lift.at
                )
            },
        ).await?;
        let strangers: Vec<MemberId> = to
            .iter()
            .filter(|m| !self.is_connected(viewer, m.id))
            .map(|m| m.id)
            .collect();
        let held = !strangers.is_empty() && self.looks_like_spam(&me, &body.0, None).await?;
        let others = to
            .iter()
            .map(|m| {
                let state = if !strangers.contains(&m.id) {
                    ParticipantState::Active
                } else if held {
                    // Not delivered: the request appears only if a review releases it.
                    ParticipantState::Ignored
                } else {
                    ParticipantState::Request
                };
                (m.id, state)
            })
            .collect();
        let c = self
            .store
            .create_conversation(&NewConversation {
                group,
                title: None,
                created_by: me.id,
                others,
                created_at: now,
            })
            .await?;
        let delivery = match (held, strangers.is_empty()) {
            (true, _) => Delivery::Held,
            (false, true) => Delivery::Inbox,
            (false, false) => Delivery::Request,
        };
        self.deliver(
            &me,
            c,
            body,
            input.attachment,
            delivery,
            !strangers.is_empty(),
        )
        .await
    }

    /// Writes a message in a conversation the viewer takes part in.
    pub async fn send_message(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        input: &SendInput,
    ) -> CoreResult<Sent> {
        let me = viewer.require()?.clone();
        let (c, _) = self.my_place(viewer, id).await?;
        let mut errors = FieldErrors::default();
        let body = self.check_body(&me, input, &mut errors).await;
        errors.into_result()?;
        self.send_in(&me, c, body.unwrap_or_default(), input.attachment)
            .await
    }

    async fn send_in(
        &self,
        me: &Member,
        c: Conversation,
        body: (String, String),
        attachment: Option<i64>,
    ) -> CoreResult<Sent> {
        let ps = self.store.participants(c.id).await?;
        let mine = ps
            .iter()
            .find(|p| p.member_id == me.id)
            .ok_or(CoreError::NotFound)?;
        if mine.state == ParticipantState::Left {
            return Err(CoreError::refused(
                Code::Left,
                "You left this conversation.",
            ));
        }
        if self.blocked_in(me.id, &c, &ps) {
            return Err(CoreError::refused(
                Code::Blocked,
                "You can't message in this conversation.",
            ));
        }
        let accepted_request = matches!(
            mine.state,
            ParticipantState::Request | ParticipantState::Ignored
        );
        if accepted_request {
            // Answering a request accepts it.
            self.store
                .set_participant_state(c.id, me.id, ParticipantState::Active)
                .await?;
            self.feed.push(Push::Counts { member: me.id });
        }
        let others: Vec<&Participant> = ps
            .iter()
            .filter(|p| p.member_id != me.id && p.state != ParticipantState::Left)
            .collect();
        let waiting: Vec<&Participant> = others
            .iter()
            .copied()
            .filter(|p| {
                matches!(
                    p.state,
                    ParticipantState::Request | ParticipantState::Ignored
                )
            })
            .collect();
        if !waiting.is_empty() && c.created_by == me.id {
            return Err(CoreError::refused(
                Code::RequestPending,
                "Your message request has not been accepted yet: you can send one message until it is.",
            ));
        }
        let strangers = others.iter().any(|p| {
            node(p.member_id).is_ok_and(|o| {
                node(me.id).is_ok_and(|m| !self.network.snapshot().are_connected(m, o))
            })
        });
        let held = strangers && self.looks_like_spam(me, &body.0, Some(c.id)).await?;
        let delivery = if held {
            Delivery::Held
        } else if waiting.is_empty() {
            Delivery::Inbox
        } else {
            Delivery::Request
        };
        let mut sent = self
            .deliver(me, c, body, attachment, delivery, strangers)
            .await?;
        sent.accepted_request = accepted_request;
        Ok(sent)
    }

    /// Checks the text and the attachment; returns the text and its HTML when they are fine.
    async fn check_body(
        &self,
        me: &Member,
        input: &SendInput,
        errors: &mut FieldErrors,
    ) -> Option<(String, String)> {
        let body = input.body.trim().to_string();
        let chars = body.chars().count();
        if chars == 0 && input.attachment.is_none() {
            errors.add("body", "Write a message.");
            return None;
        }
        if chars > lengths::MESSAGE {
            errors.add(
                "body",
                format!(
                    "A message is at most {} characters; this one has {chars}.",
                    lengths::MESSAGE
                ),
            );
            return None;
        }
        if let Some(a) = input.attachment {
            let key = match self.store.attachment(a).await {
                Ok(Some(att)) if att.owner_id == me.id => Some(att.key),
                _ => None,
            };
            let unused = matches!(self.store.attachment_message(a).await, Ok(None));
            // Claimed before the message is written, so the sweep of unused uploads never
            // deletes a file a message carries.
            let available = match key {
                Some(key) if unused => self
                    .claim_uploads(me.id, UploadKind::Attachment, &[key])
                    .await
                    .is_ok(),
                _ => false,
            };
            if !available {
                errors.add(
                    "attachment",
                    "This attachment is not available; upload it again.",
                );
                return None;
            }
        }
        let html = markup::render(&body, &|_| false);
        Some((body, html))
    }

    /// Refuses a member the recipient does not accept messages from.
    async fn may_reach(&self, me: &Member, to: &Member) -> CoreResult<()> {
        let s = self.store.message_settings(to.id).await?;
        let degree = match (node(me.id), node(to.id)) {
            (Ok(a), Ok(b)) => self.network.snapshot().degree(a, b),
            _ => None,
        };
        let ok = match s.who_can_message {
            WhoCanMessage::Everyone => true,
            WhoCanMessage::SecondDegree => degree.is_some_and(|d| d <= 2),
            WhoCanMessage::Connections => degree == Some(1),
        };
        if ok {
            return Ok(());
        }
        let who = match s.who_can_message {
            WhoCanMessage::Connections => "connections",
            _ => "their network (connections and their connections)",
        };
        Err(CoreError::refused(
            Code::NotAccepting,
            format!("{} accepts messages only from {who}.", to.name),
        ))
    }

    /// The spam rule: the same (or nearly the same) text already sent to
    /// `spam_recipients_per_hour - 1` other non-connections within the hour.
    async fn looks_like_spam(
        &self,
        me: &Member,
        body: &str,
        this: Option<ConversationId>,
    ) -> CoreResult<bool> {
        let limit = self.settings.limits.spam_recipients_per_hour as usize;
        let sent = self
            .store
            .stranger_messages_since(me.id, now_ms() - HOUR_MS)
            .await?;
        let new = spam::shape(body);
        let mut convs: Vec<ConversationId> = sent
            .iter()
            .filter(|(c, _)| Some(*c) != this)
            .filter(|(_, b)| spam::near(&new, &spam::shape(b)))
            .map(|(c, _)| *c)
            .collect();
        convs.sort_unstable();
        convs.dedup();
        Ok(convs.len() + 1 >= limit.max(1))
    }

    /// Writes the message, then pushes it and answers for the away.
    async fn deliver(
        &self,
        me: &Member,
        c: Conversation,
        body: (String, String),
        attachment: Option<i64>,
        delivery: Delivery,
        to_stranger: bool,
    ) -> CoreResult<Sent> {
        let now = now_ms();
        let max = self.settings.limits.messages_per_hour;
        self.per_hour(
            Code::RateLimited,
            &format!("messages:{}", me.id),
            max,
            |lift| {
                format!(
                    "You can send {max} messages an hour. Try again after {}.",
                    lift.at
                )
            },
        )
        .await?;
        // `delivery` says where the message went, and only the participants' states decide
        // that: a first message to a non-connection is a request (or held) whatever the
        // sender's age, and a message to a non-connection who accepted (or whose request the
        // sender is answering) goes to their inbox. Calling the latter a "request" told a
        // member that their own answer to a request was one.
        let message = self
            .store
            .add_message(&NewMessage {
                conversation_id: c.id,
                sender_id: me.id,
                body: body.0,
                body_html: body.1,
                automatic: false,
                held: delivery == Delivery::Held,
                to_stranger,
                attachment_id: attachment,
                created_at: now,
            })
            .await?;
        if delivery == Delivery::Held {
            tracing::info!(
                sender = me.id,
                message = message.id,
                "message held as likely spam"
            );
        }
        self.push_message(&message).await?;
        if delivery != Delivery::Held {
            self.auto_replies(me, &c, &message).await?;
        }
        let conversation = self.store.conversation(c.id).await?.unwrap_or(c);
        Ok(Sent {
            conversation,
            message,
            delivery,
            accepted_request: false,
        })
    }

    /// Tells every participant who may see `m` (its sender only, when held).
    pub(crate) async fn push_message(&self, m: &Message) -> CoreResult<()> {
        let ps = self.store.participants(m.conversation_id).await?;
        for p in ps {
            let sees = p.sees(m.id)
                && p.state != ParticipantState::Ignored
                && (!m.held || p.member_id == m.sender_id);
            if sees {
                self.feed.push(Push::Message {
                    member: p.member_id,
                    conversation: m.conversation_id,
                    id: m.id,
                });
            }
        }
        Ok(())
    }
}
