//! Applying another node's changes to this node's memory: what each service does after its
//! own commit, done from the stream.
//!
//! Counts are not added up from the changes: the posts a batch touched are read again once
//! and put back with their stored counts, so a change read twice (around a start or a
//! reload) changes nothing. What has no stored total — a member's recent activity, who saw
//! what — is replayed, as loading at start does.

use std::collections::{BTreeSet, HashMap};

use guild_feed::Activity;

use super::model::{Change, ChangeKind as K, ChangeOp as Op};
use crate::error::CoreResult;
use crate::feed::model::IndexedPost;
use crate::feed::Push;
use crate::network::state::node;
use crate::Guild;

impl Guild {
    /// Applies the changes other nodes wrote; how many that was.
    pub(super) async fn apply_changes(&self, batch: &[Change]) -> CoreResult<u64> {
        if !self.store.origin_recorded() {
            // One node: every change is its own, already applied by its services.
            return Ok(0);
        }
        let me = self.store.node_id();
        let theirs: Vec<&Change> = batch
            .iter()
            .filter(|c| c.origin.as_deref() != Some(me))
            .collect();
        if theirs.is_empty() {
            return Ok(0);
        }
        // Members whose place, positions, education or active state changed: read again,
        // all of the batch's in one read (`network::affinity`).
        let profiles: BTreeSet<i64> = theirs
            .iter()
            .filter(|c| matches!(c.kind, Some(K::Profile | K::Member)))
            .filter_map(|c| c.a)
            .collect();
        self.refresh_affinities(&profiles.into_iter().collect::<Vec<_>>())
            .await?;
        // The posts this batch touched, as they are now: one query.
        let touched: BTreeSet<i64> = theirs
            .iter()
            .filter_map(|c| match c.kind? {
                K::Post => Some([c.a, c.c]),
                K::Reaction | K::Comment | K::Impression => Some([c.a, None]),
                _ => None,
            })
            .flatten()
            .flatten()
            .collect();
        let ids: Vec<i64> = touched.into_iter().collect();
        let posts: HashMap<i64, IndexedPost> = if ids.is_empty() {
            HashMap::new()
        } else {
            self.store
                .posts_by_ids(&ids)
                .await?
                .iter()
                .map(|p| (p.id, IndexedPost::from(p)))
                .collect()
        };
        let mut pushes = Vec::new();
        for c in &theirs {
            self.apply_one(c, &posts, &mut pushes).await?;
        }
        // Counts as stored, after every replay above.
        for p in posts.values() {
            self.feed.insert(p)?;
        }
        for p in pushes {
            self.feed.push(p);
        }
        Ok(theirs.len() as u64)
    }

    async fn apply_one(
        &self,
        c: &Change,
        posts: &HashMap<i64, IndexedPost>,
        pushes: &mut Vec<Push>,
    ) -> CoreResult<()> {
        let (Some(kind), Some(op)) = (c.kind, c.op) else {
            // Written by a newer version during an upgrade: nothing this one keeps.
            return Ok(());
        };
        let (a, b, cc) = (c.a.unwrap_or(0), c.b.unwrap_or(0), c.c);
        let at = c.written_at;
        match (kind, op) {
            // One row per direction: the pair is applied once.
            (K::Connection, Op::Insert) if a < b => self.network.connect(a, b)?,
            (K::Connection, Op::Delete) if a < b => self.network.disconnect(a, b)?,
            (K::Follow | K::HashtagFollow | K::Member, _) => self.feed_sources.forget(a),
            (K::Block, Op::Insert) => self.network.block(a, b),
            (K::Block, Op::Delete) => self.network.unblock(a, b),
            (K::Post, Op::Insert | Op::Update) => {
                if let Some(p) = posts.get(&a) {
                    self.feed.insert(p)?;
                }
                if let (Op::Insert, Some(original)) = (op, cc) {
                    self.feed
                        .index
                        .replay_activity(original, node(b)?, Activity::Reposted, at);
                }
            }
            (K::Post, Op::Delete) => self.feed.index.remove(a),
            (K::Reaction, Op::Insert) => {
                self.feed
                    .index
                    .replay_activity(a, node(b)?, Activity::Reacted, at)
            }
            (K::Comment, Op::Insert) => {
                self.feed
                    .index
                    .replay_activity(a, node(b)?, Activity::Commented, at)
            }
            (K::Impression, Op::Insert) => self.feed.index.replay_impression(a, node(b)?, at),
            // A new or regrouped notification is shown; one read changes the badge.
            (K::Notification, Op::Insert | Op::Update) if cc.is_none() => {
                pushes.push(Push::Notification { member: a, id: b })
            }
            (K::Notification, _) => pushes.push(Push::Counts { member: a }),
            (K::Message, Op::Insert | Op::Update) => {
                if let Some(m) = cc {
                    if let Some(message) = self.store.message(m).await? {
                        // Pushed now, before the batch's other pushes: its order is the
                        // stream's.
                        for p in pushes.drain(..) {
                            self.feed.push(p);
                        }
                        self.push_message(&message).await?;
                    }
                }
            }
            (K::Participant, _) => {
                // Read marks, accepted requests, archiving: the member's counts, and the
                // others' receipts.
                pushes.push(Push::Counts { member: b });
                if op == Op::Update {
                    for p in self.store.participants(a).await? {
                        if p.member_id != b {
                            pushes.push(Push::Read {
                                member: p.member_id,
                                conversation: a,
                            });
                        }
                    }
                }
            }
            (K::Invitation, _) => {
                pushes.push(Push::Counts { member: a });
                pushes.push(Push::Counts { member: b });
            }
            // Profiles and members: their affinities were read again above. The rest is read
            // from the store on every request: nothing held in memory yet.
            _ => {}
        }
        Ok(())
    }
}
