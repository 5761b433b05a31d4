//! The demo's messages: the demo member has a few conversations with connections (some
//! unread), a group, a message request from someone outside her network, and one connection
//! who is away — so every part of messaging shows something at once. Deterministic for a
//! seed, and small whatever the demo's size.

use std::collections::HashSet;

use anyhow::{Context, Result};
use guild_core::accounts::model::MemberId;
use guild_core::markup;
use guild_core::messaging::model::{NewAway, NewConversation, NewMessage, ParticipantState};
use guild_core::store::Store;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// Short exchanges: (from the connection, from the demo member) turns, in order.
const TALKS: &[&[&str]] = &[
    &[
        "Hi! Are you still looking for someone to review the onboarding flow?",
        "Yes — would Thursday work for a call?",
        "Thursday at 10 is perfect. I'll send notes before.",
    ],
    &[
        "Congratulations on the new role!",
        "Thank you! Still finding my way around.",
    ],
    &[
        "Quick question: who ran the accessibility audit last spring?",
        "That was Priya's team, I'll introduce you.",
        "Thanks, much appreciated.",
    ],
    &["Are you going to the meetup next week? We could grab lunch before."],
];

/// What [`seed_messages`] wrote.
#[derive(Debug, Default)]
pub struct MessageStats {
    pub conversations: usize,
    pub messages: usize,
}

async fn say(
    store: &dyn Store,
    conversation_id: i64,
    from: MemberId,
    text: &str,
    at: i64,
    to_stranger: bool,
) -> Result<guild_core::messaging::model::Message> {
    store
        .add_message(&NewMessage {
            conversation_id,
            sender_id: from,
            body: text.to_string(),
            body_html: markup::render(text, &|_| false),
            automatic: false,
            held: false,
            to_stranger,
            attachment_id: None,
            created_at: at,
        })
        .await
        .context("writing a demo message")
}

pub async fn seed_messages(store: &dyn Store, seed: u64, now: i64) -> Result<MessageStats> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6d65_7373);
    let Some(me) = store
        .member_by_email(super::MEMBER.email)
        .await
        .context("looking up the demo member")?
    else {
        return Ok(MessageStats::default());
    };
    let mut friends: HashSet<MemberId> = HashSet::new();
    let mut everyone: HashSet<MemberId> = HashSet::new();
    for (a, b) in store
        .all_connections()
        .await
        .context("reading connections")?
    {
        if a == me.id {
            friends.insert(b);
        } else if b == me.id {
            friends.insert(a);
        }
        everyone.insert(a);
        everyone.insert(b);
    }
    let mut friends: Vec<MemberId> = friends.into_iter().collect();
    friends.sort_unstable();
    friends.shuffle(&mut rng);
    let mut strangers: Vec<MemberId> = everyone
        .into_iter()
        .filter(|m| *m != me.id && !friends.contains(m))
        .collect();
    strangers.sort_unstable();
    let mut stats = MessageStats::default();
    // 1:1 conversations, the last one left unread.
    for (i, (talk, &friend)) in TALKS.iter().zip(friends.iter()).enumerate() {
        let start = now - (i as i64 + 1) * DAY_MS / 2;
        let c = store
            .create_conversation(&NewConversation {
                group: false,
                title: None,
                created_by: friend,
                others: vec![(me.id, ParticipantState::Active)],
                created_at: start,
            })
            .await
            .context("writing a demo conversation")?;
        for (turn, text) in talk.iter().enumerate() {
            let from = if turn % 2 == 0 { friend } else { me.id };
            let at = start + turn as i64 * 7 * MINUTE_MS;
            let m = say(store, c.id, from, text, at, false).await?;
            stats.messages += 1;
            if from == friend && i > 0 && turn + 1 < talk.len() {
                store
                    .mark_conversation_read(c.id, me.id, m.id)
                    .await
                    .context("marking a demo message read")?;
            }
        }
    }
    let mut conversations = TALKS.len().min(friends.len());
    // A group of three connections.
    if let [a, b, c, ..] = friends.get(TALKS.len()..).unwrap_or_default() {
        let g = store
            .create_conversation(&NewConversation {
                group: true,
                title: None,
                created_by: me.id,
                others: vec![
                    (*a, ParticipantState::Active),
                    (*b, ParticipantState::Active),
                    (*c, ParticipantState::Active),
                ],
                created_at: now - 3 * DAY_MS,
            })
            .await
            .context("writing the demo group")?;
        let lines = [
            (
                me.id,
                "Kick-off for the mentoring circle: first session next Tuesday?",
            ),
            (*a, "Works for me."),
            (*b, "Same here, I'll bring the reading list."),
        ];
        for (k, (from, text)) in lines.iter().enumerate() {
            say(
                store,
                g.id,
                *from,
                text,
                now - 3 * DAY_MS + k as i64 * 30 * MINUTE_MS,
                false,
            )
            .await?;
            stats.messages += 1;
        }
        conversations += 1;
    }
    // A message request from someone outside the demo member's network.
    if let Some(&s) = strangers.first() {
        let r = store
            .create_conversation(&NewConversation {
                group: false,
                title: None,
                created_by: s,
                others: vec![(me.id, ParticipantState::Request)],
                created_at: now - 2 * 60 * MINUTE_MS,
            })
            .await
            .context("writing the demo request")?;
        let text =
            "Hello! I saw your talk on design systems — could I ask you two questions about it?";
        say(store, r.id, s, text, now - 2 * 60 * MINUTE_MS, true).await?;
        stats.messages += 1;
        conversations += 1;
    }
    // One connection is away this week, naming a colleague.
    if let [away, contact, ..] = friends.as_slice() {
        store
            .set_away(&NewAway {
                member_id: *away,
                starts_at: now - DAY_MS,
                ends_at: now + 4 * DAY_MS,
                message: "I'm on leave this week with limited access to messages. I'll reply when I'm back.".into(),
                message_for_others: None,
                contact_id: Some(*contact),
                created_at: now - DAY_MS,
            })
            .await
            .context("writing the demo away period")?;
    }
    stats.conversations = conversations;
    Ok(stats)
}
