//! What members saw — feed impressions and profile views — written in batches.
//!
//! Every feed page and every profile opened notes who saw what. Written one request at a
//! time, those notes made most reads queue behind the database's writer. Here a request
//! adds its notes to a pending list and returns. A server runs one writer task
//! ([`Guild::write_seen_continuously`]) that writes everything pending in one transaction,
//! again and again until nothing is left, so no request waits for it (group commit). Without
//! that task (a service used directly, as tests do), whoever finds no write in flight writes
//! the pending notes before answering; alone, a request writes its own, exactly as before.
//!
//! The feed index counts an impression once the store says it was the first of that viewer,
//! post and day. Reads of the counts ([`Guild::seen_written`]) first write what is pending. A
//! crash loses at most the notes not yet written (milliseconds' worth) — views, never
//! anything a member wrote.

use std::sync::atomic::Ordering;
use std::sync::Mutex;

use crate::accounts::model::MemberId;
use crate::error::CoreResult;
use crate::feed::model::{Impression, PostId};
use crate::guild::Guild;
use crate::network::state::node;
use crate::profiles::model::ProfileViewed;
use crate::{now_ms, DAY_MS};

#[derive(Default)]
pub(crate) struct SeenLog {
    pending: Mutex<Pending>,
    /// Held by the one request writing a batch.
    writing: tokio::sync::Mutex<()>,
    /// A writer task runs ([`Guild::write_seen_continuously`]): requests only wake it.
    background: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
}

#[derive(Default)]
struct Pending {
    impressions: Vec<Impression>,
    views: Vec<ProfileViewed>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.impressions.is_empty() && self.views.is_empty()
    }
}

impl SeenLog {
    fn add(&self, f: impl FnOnce(&mut Pending)) {
        if let Ok(mut p) = self.pending.lock() {
            f(&mut p);
        }
    }

    fn take(&self) -> Pending {
        self.pending
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    fn nothing_pending(&self) -> bool {
        self.pending.lock().map(|p| p.is_empty()).unwrap_or(true)
    }
}

impl Guild {
    /// `viewer` saw these posts now: one impression each per day (see the module).
    pub(crate) async fn note_impressions(
        &self,
        viewer: MemberId,
        posts: &[PostId],
    ) -> CoreResult<()> {
        if posts.is_empty() {
            return Ok(());
        }
        let at = now_ms();
        self.seen.add(|p| {
            p.impressions.extend(posts.iter().map(|&post| Impression {
                post,
                viewer,
                day: at / DAY_MS,
                at,
            }))
        });
        self.seen_noted().await
    }

    /// `viewer` opened `member`'s profile now (once a day counts).
    pub(crate) async fn note_profile_view(
        &self,
        member: MemberId,
        viewer: MemberId,
    ) -> CoreResult<()> {
        let at = now_ms();
        self.seen.add(|p| {
            p.views.push(ProfileViewed {
                member,
                viewer,
                day: at / DAY_MS,
                at,
            })
        });
        self.seen_noted().await
    }

    async fn seen_noted(&self) -> CoreResult<()> {
        if self.seen.background.load(Ordering::Acquire) {
            self.seen.wake.notify_one();
            Ok(())
        } else {
            self.write_seen(false).await
        }
    }

    /// Writes impressions and profile views as they are noted, until the task is dropped
    /// (`guild serve` runs it). A batch that fails is logged and dropped: views only.
    pub async fn write_seen_continuously(&self) {
        self.seen.background.store(true, Ordering::Release);
        loop {
            self.seen.wake.notified().await;
            if let Err(e) = self.write_seen(true).await {
                tracing::warn!("writing impressions and profile views: {e}");
            }
        }
    }

    /// Writes every pending note (before counts are read, and when the server stops),
    /// waiting for a batch in flight.
    pub async fn seen_written(&self) -> CoreResult<()> {
        self.write_seen(true).await
    }

    async fn write_seen(&self, wait: bool) -> CoreResult<()> {
        loop {
            let guard = if wait {
                self.seen.writing.lock().await
            } else {
                match self.seen.writing.try_lock() {
                    Ok(g) => g,
                    // The writer in flight looks again after its batch (below).
                    Err(_) => return Ok(()),
                }
            };
            loop {
                let batch = self.seen.take();
                if batch.is_empty() {
                    break;
                }
                self.write_batch(batch).await?;
            }
            drop(guard);
            // A note added between the last look and letting go would wait for the next
            // request: look once more now that the lock is free.
            if self.seen.nothing_pending() {
                return Ok(());
            }
        }
    }

    async fn write_batch(&self, batch: Pending) -> CoreResult<()> {
        if !batch.views.is_empty() {
            self.store.record_profile_views(&batch.views).await?;
        }
        if !batch.impressions.is_empty() {
            for i in self.store.record_impressions(&batch.impressions).await? {
                self.feed.index.impression(i.post, node(i.viewer)?, i.at);
            }
        }
        Ok(())
    }
}
