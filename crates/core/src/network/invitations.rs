//! Invitations: sending (every rule checked here, in a fixed order, each refusal saying which
//! rule and when it lifts), the received and sent lists, and the answers — accept, ignore,
//! "I don't know this person", report as spam, withdraw.

use serde::Serialize;

use super::model::{Invitation, InvitationBox, InvitationQuery, InvitationState, InvitePolicy};
use super::rules::{self, Cooldown, HistoryBar, Quota};
use super::{state, Person};
use crate::accounts::model::{Member, MemberId};
use crate::auth::Viewer;
use crate::domain::{bounded_text, Email};
use crate::error::Code;
use crate::error::{CoreError, CoreResult};
use crate::feed::model::NotificationKind;
use crate::lengths;
use crate::paging::{Page, PageRequest};
use crate::{now_ms, Guild};

#[derive(Debug, Clone, Default)]
pub struct InviteInput {
    /// The handle of the member to invite.
    pub to: String,
    pub note: Option<String>,
    /// The invitee's email address, when a rule asks for it.
    pub email: Option<String>,
}

#[derive(Debug, Clone)]
pub enum InviteOutcome {
    /// A new pending invitation.
    Sent(InvitationView),
    /// They had invited the viewer already: the two are now connected.
    Connected(Person),
}

/// An invitation as its sender or recipient sees it. To its sender an ignored invitation is
/// still "pending": ignoring is silent.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    pub id: i64,
    /// The other member: the sender in the received box, the recipient in the sent box.
    pub other: Person,
    pub note: Option<String>,
    pub state: InvitationState,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What the invite form shows before sending: the quota, whether an email address is needed
/// and why, and the refusal that would come, if any.
#[derive(Debug)]
pub struct InviteCheck {
    pub to: Person,
    pub quota: Quota,
    /// Why the invitee's email address is needed, if it is.
    pub email_required: Option<String>,
    /// The rule that stops this invitation now, if one does.
    pub refusal: Option<CoreError>,
}

impl Guild {
    /// The viewer's invitation quota this week.
    pub async fn invitation_quota(&self, viewer: &Viewer) -> CoreResult<Quota> {
        let me = Self::me(viewer)?;
        let now = now_ms();
        let sent = self
            .store
            .invitations_sent_since(me, rules::week_start(now))
            .await?;
        Ok(Quota::new(
            self.settings.limits.invitations_per_week,
            sent,
            now,
        ))
    }

    /// Pending invitations waiting for the viewer (the top-bar count).
    pub async fn pending_invitation_count(&self, viewer: &Viewer) -> CoreResult<i64> {
        let me = Self::me(viewer)?;
        Ok(self
            .store
            .count_pending_received(me, self.expired_before(now_ms()))
            .await?)
    }

    pub fn connection_count(&self, member: MemberId) -> usize {
        state::node(member)
            .map(|n| self.network.snapshot().connection_count(n))
            .unwrap_or(0)
    }

    /// Refuses when either member is at the connection cap.
    fn check_cap(&self, me: &Member, other: &Member) -> CoreResult<()> {
        let cap = self.settings.limits.max_connections as usize;
        if self.connection_count(me.id) >= cap {
            return Err(CoreError::refused(
                Code::ConnectionLimitReached,
                format!(
                    "You have {cap} connections, the most anyone can have. Remove a connection to add a new one."
                ),
            ));
        }
        if self.connection_count(other.id) >= cap {
            return Err(CoreError::refused(
                Code::ConnectionLimitReached,
                format!(
                    "{} has {cap} connections, the most anyone can have, and cannot add more.",
                    other.name
                ),
            ));
        }
        Ok(())
    }

    /// Every rule between `me` inviting `to`, except the note and the email address typed.
    /// `Ok(Some(reason))` when the invitee's email address is needed.
    async fn invite_rules(&self, me: &Member, to: &Member, now: i64) -> CoreResult<Option<String>> {
        if me.id == to.id {
            return Err(CoreError::invalid("to", "You cannot invite yourself."));
        }
        if self.is_connected(&Viewer::Member(me.clone()), to.id) {
            return Err(CoreError::refused(
                Code::AlreadyConnected,
                format!("You and {} are already connected.", to.name),
            ));
        }
        let history = self.store.invitation_history(me.id, to.id).await?;
        let limits = &self.settings.limits;
        match rules::history_bar(&history, limits, now, self.expired_before(now)) {
            Some(HistoryBar::Pending(created_at)) => {
                return Err(CoreError::refused(
                    Code::InvitationPending,
                    format!(
                        "You invited {} on {}; the invitation is still pending.",
                        to.name,
                        rules::day_label(created_at)
                    ),
                ));
            }
            Some(HistoryBar::Cooldown(Cooldown::Never)) => {
                return Err(CoreError::refused(
                    Code::InvitationNotAllowed,
                    format!(
                        "{} answered that they don't know you, so you cannot invite them again.",
                        to.name
                    ),
                ))
            }
            Some(HistoryBar::Cooldown(Cooldown::Withdrawn(until))) => {
                return Err(cooldown_error(
                    format!(
                        "You withdrew an invitation to {}; you can invite them again on {}.",
                        to.name,
                        rules::day_label(until)
                    ),
                    until,
                ))
            }
            Some(HistoryBar::Cooldown(Cooldown::Ignored(until))) => {
                return Err(cooldown_error(
                    format!(
                        "Your earlier invitation to {} was not accepted; you can invite them again on {}.",
                        to.name,
                        rules::day_label(until)
                    ),
                    until,
                ))
            }
            None => {}
        }
        let sent = self
            .store
            .invitations_sent_since(me.id, rules::week_start(now))
            .await?;
        let quota = Quota::new(limits.invitations_per_week, sent, now);
        if quota.left() == 0 {
            return Err(quota_used_up(limits.invitations_per_week, now));
        }
        self.check_cap(me, to)?;
        let window = i64::from(limits.dont_know_window_days) * rules::DAY_MS;
        let answers = self
            .store
            .dont_know_answers_since(me.id, now - window - rules::DAY_MS * 31)
            .await?;
        if let Some(until) = rules::email_required_until(&answers, limits, now) {
            return Ok(Some(format!(
                "Several people said recently that they don't know you, so until {} you need the email address of each person you invite.",
                rules::day_label(until)
            )));
        }
        if self.store.invite_policy(to.id).await? == InvitePolicy::EmailRequired {
            return Ok(Some(format!(
                "{} accepts invitations only from people who know their email address.",
                to.name
            )));
        }
        Ok(None)
    }

    /// What the invite form for `handle` should say (quota, email needed, refusal).
    pub async fn invite_check(&self, viewer: &Viewer, handle: &str) -> CoreResult<InviteCheck> {
        let me = viewer.require()?.clone();
        let to = self.reachable_member(viewer, handle).await?;
        let now = now_ms();
        let quota = self.invitation_quota(viewer).await?;
        let (email_required, refusal) = match self.reverse_pending(&me, &to, now).await? {
            Some(_) => (None, None),
            None => match self.invite_rules(&me, &to, now).await {
                Ok(e) => (e, None),
                Err(e) => (None, Some(e)),
            },
        };
        let person = self
            .people_by_ids(viewer, &[to.id])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        Ok(InviteCheck {
            to: person,
            quota,
            email_required,
            refusal,
        })
    }

    /// An unexpired invitation `to` sent `me` that is still open: unanswered, or ignored (to
    /// its sender an ignored invitation is still pending, so inviting back connects too).
    async fn reverse_pending(
        &self,
        me: &Member,
        to: &Member,
        now: i64,
    ) -> CoreResult<Option<Invitation>> {
        let expired_before = self.expired_before(now);
        Ok(self
            .store
            .invitation_history(to.id, me.id)
            .await?
            .into_iter()
            .find(|i| i.state.is_open() && i.created_at > expired_before))
    }

    /// Sends an invitation, or connects at once when the other member had invited the viewer.
    pub async fn invite(&self, viewer: &Viewer, input: &InviteInput) -> CoreResult<InviteOutcome> {
        let me = viewer.require()?.clone();
        let note = match input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(n) => Some(
                bounded_text(n, "The note", 0, lengths::INVITATION_NOTE)
                    .map_err(|m| CoreError::invalid("note", m))?,
            ),
            None => None,
        };
        let to = self.reachable_member(viewer, &input.to).await?;
        let now = now_ms();
        if let Some(theirs) = self.reverse_pending(&me, &to, now).await? {
            self.check_cap(&me, &to)?;
            return self
                .accept(viewer, &me, theirs.id)
                .await
                .map(InviteOutcome::Connected);
        }
        if let Some(reason) = self.invite_rules(&me, &to, now).await? {
            let typed = input.email.as_deref().map(str::trim).unwrap_or("");
            let matches = Email::parse(typed).is_ok_and(|e| e == to.email);
            if !matches {
                let message = if typed.is_empty() {
                    format!("{reason} Enter it to send the invitation.")
                } else {
                    format!("{reason} The address you entered is not theirs.")
                };
                return Err(CoreError::invalid("email", message));
            }
        }
        // An expired invitation still holds the pair's one open slot: close it first.
        for old in self.store.invitation_history(me.id, to.id).await? {
            if old.state.is_open() {
                self.store.close_invitation(old.id, now).await?;
            }
        }
        let limits = &self.settings.limits;
        let inv = match self
            .store
            .create_invitation_within(
                me.id,
                to.id,
                note.as_deref(),
                now,
                rules::week_start(now),
                limits.invitations_per_week,
            )
            .await
        {
            Ok(Some(inv)) => inv,
            // Sent meanwhile through another tab or node: the store counts exactly.
            Ok(None) => return Err(quota_used_up(limits.invitations_per_week, now)),
            // Two tabs sending at once: the unique index keeps one.
            Err(crate::error::StoreError::Conflict(_)) => {
                return Err(CoreError::refused(
                    Code::InvitationPending,
                    format!("You have already invited {}.", to.name),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        self.notify_invitation(me.id, to.id, NotificationKind::InvitationReceived, inv.id)
            .await?;
        let mut views = self
            .invitation_views(viewer, vec![inv], InvitationBox::Sent)
            .await?;
        views
            .pop()
            .map(InviteOutcome::Sent)
            .ok_or(CoreError::NotFound)
    }

    async fn invitation_views(
        &self,
        viewer: &Viewer,
        invs: Vec<Invitation>,
        box_: InvitationBox,
    ) -> CoreResult<Vec<InvitationView>> {
        let me = Self::me(viewer)?;
        let others: Vec<MemberId> = invs
            .iter()
            .map(|i| if i.from == me { i.to } else { i.from })
            .collect();
        let people = self.people_by_ids(viewer, &others).await?;
        let expiry = i64::from(self.settings.limits.invitation_expiry_days) * rules::DAY_MS;
        Ok(invs
            .into_iter()
            .filter_map(|i| {
                let other = if i.from == me { i.to } else { i.from };
                let person = people.iter().find(|p| p.card.id == other)?.clone();
                Some(InvitationView {
                    id: i.id,
                    other: person,
                    note: i.note,
                    state: match (box_, i.state) {
                        (InvitationBox::Sent, InvitationState::Ignored) => InvitationState::Pending,
                        (_, s) => s,
                    },
                    created_at: i.created_at,
                    expires_at: i.created_at + expiry,
                })
            })
            .collect())
    }

    /// The viewer's received or sent invitations that are still open, newest first.
    pub async fn invitations(
        &self,
        viewer: &Viewer,
        box_: InvitationBox,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<InvitationView>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<(i64, i64)>::new(cursor, limit)?;
        let invs = self
            .store
            .list_invitations(&InvitationQuery {
                member: me,
                box_,
                expired_before: self.expired_before(now_ms()),
                before: page.after,
                limit: page.fetch(),
            })
            .await?;
        let (invs, next_cursor) = page.finish(invs, |i| (i.created_at, i.id));
        let items = self.invitation_views(viewer, invs, box_).await?;
        Ok(Page { items, next_cursor })
    }

    /// Accepts an invitation addressed to the viewer: the two are connected and follow each
    /// other. Someone else's invitation, or one no longer pending, is "not found".
    pub async fn accept_invitation(&self, viewer: &Viewer, id: i64) -> CoreResult<Person> {
        let me = viewer.require()?.clone();
        let inv = self
            .store
            .invitation(id)
            .await?
            .ok_or(CoreError::NotFound)?;
        if inv.to != me.id
            || inv.state != InvitationState::Pending
            || inv.created_at <= self.expired_before(now_ms())
        {
            return Err(CoreError::NotFound);
        }
        let from = self
            .store
            .member_by_id(inv.from)
            .await?
            .filter(|m| m.active)
            .ok_or(CoreError::NotFound)?;
        self.check_cap(&me, &from)?;
        self.accept(viewer, &me, id).await
    }

    async fn accept(&self, viewer: &Viewer, me: &Member, id: i64) -> CoreResult<Person> {
        let inv = self
            .store
            .accept_invitation(id, me.id, now_ms())
            .await?
            .ok_or(CoreError::NotFound)?;
        self.network.connect(inv.from, inv.to)?;
        self.notify_invitation(
            me.id,
            inv.from,
            NotificationKind::InvitationAccepted,
            inv.id,
        )
        .await?;
        self.invitation_settled(me.id, inv.id).await?;
        self.people_by_ids(viewer, &[inv.from])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Ignore (silent), "I don't know this person", or report as spam.
    pub async fn answer_invitation(
        &self,
        viewer: &Viewer,
        id: i64,
        answer: InvitationState,
    ) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        if !matches!(
            answer,
            InvitationState::Ignored | InvitationState::DontKnow | InvitationState::Spam
        ) {
            return Err(CoreError::invalid(
                "answer",
                "Not an answer to an invitation.",
            ));
        }
        self.store
            .answer_invitation(id, me, answer, now_ms())
            .await?
            .ok_or(CoreError::NotFound)?;
        self.invitation_settled(me, id).await
    }

    /// An answered or withdrawn invitation's "… invited you" notification is read: there is
    /// nothing left to do about it.
    async fn invitation_settled(&self, invitee: MemberId, id: i64) -> CoreResult<()> {
        if self
            .store
            .mark_invitation_read(invitee, id, now_ms())
            .await?
            > 0
        {
            self.feed
                .push(crate::feed::Push::Counts { member: invitee });
        }
        Ok(())
    }

    /// The sender takes back an invitation that is still open.
    pub async fn withdraw_invitation(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let inv = self
            .store
            .withdraw_invitation(id, me, now_ms())
            .await?
            .ok_or(CoreError::NotFound)?;
        self.invitation_settled(inv.to, id).await
    }

    /// Who may invite the viewer: everyone, or only people who know their email address.
    pub async fn set_invite_policy(&self, viewer: &Viewer, raw: &str) -> CoreResult<InvitePolicy> {
        let me = Self::me(viewer)?;
        let policy =
            InvitePolicy::parse(raw).map_err(|m| CoreError::invalid("invite_policy", m))?;
        self.store.set_invite_policy(me, policy).await?;
        Ok(policy)
    }

    pub async fn invite_policy(&self, viewer: &Viewer) -> CoreResult<InvitePolicy> {
        let me = Self::me(viewer)?;
        Ok(self.store.invite_policy(me).await?)
    }
}

fn cooldown_error(message: String, until: i64) -> CoreError {
    CoreError::RateLimited {
        code: Code::InvitationCooldown,
        message,
        retry_after: rules::utc(until),
    }
}

/// The refusal when the week's invitations are used up, saying when more may be sent.
fn quota_used_up(per_week: u32, now: i64) -> CoreError {
    let quota = Quota::new(per_week, i64::from(per_week), now);
    CoreError::RateLimited {
        code: Code::InvitationQuotaExceeded,
        message: format!(
            "You have sent your {} invitations for this week. You can send more from Monday {}.",
            quota.limit,
            rules::day_label(quota.resets_at)
        ),
        retry_after: rules::utc(quota.resets_at),
    }
}
