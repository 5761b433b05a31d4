//! The network held in memory: the connection graph and the blocks, loaded from the store at
//! start and changed only after the store has committed (the store stays the source of truth).
//!
//! Readers take a graph snapshot (an `Arc`, swapped by writers) and never wait for a writer
//! beyond that swap. Blocks are two small maps behind one `RwLock`, held only to copy out a
//! member's set.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use guild_graph::{Graph, Node, Snapshot};

use crate::accounts::model::MemberId;
use crate::error::CoreError;

/// Delta entries after which the graph is compacted in the background.
const COMPACT_AT: usize = 4_096;

#[derive(Default)]
pub struct NetworkState {
    /// Swapped whole only when the node reloads (see [`NetworkState::replace_with`]).
    graph: RwLock<Arc<Graph>>,
    blocks: RwLock<Blocks>,
    compacting: Arc<AtomicBool>,
}

#[derive(Default)]
struct Blocks {
    /// blocker → members they blocked
    by: HashMap<MemberId, HashSet<MemberId>>,
    /// blocked → members who blocked them
    of: HashMap<MemberId, HashSet<MemberId>>,
}

/// The graph's node for a member. Member ids are dense from 1; a Guild with more than
/// four billion ids would need a mapping table here.
pub fn node(id: MemberId) -> Result<Node, CoreError> {
    Node::try_from(id).map_err(|_| CoreError::Internal(format!("member id {id} outside the graph")))
}

impl NetworkState {
    /// Builds the state from the store's rows.
    pub fn load(
        max_member: MemberId,
        connections: &[(MemberId, MemberId)],
        blocks: &[(MemberId, MemberId)],
    ) -> Result<NetworkState, CoreError> {
        let nodes = node(max_member.saturating_add(1))?;
        let edges = connections
            .iter()
            .map(|&(a, b)| Ok((node(a)?, node(b)?)))
            .collect::<Result<Vec<_>, CoreError>>()?;
        let state = NetworkState {
            graph: RwLock::new(Arc::new(Graph::from_edges(nodes, &edges))),
            ..NetworkState::default()
        };
        for &(a, b) in blocks {
            state.block(a, b);
        }
        Ok(state)
    }

    fn graph(&self) -> Arc<Graph> {
        // Only a reload writes the pointer; a poisoned lock still holds a whole one.
        Arc::clone(&self.graph.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.graph().snapshot()
    }

    /// Takes the graph and blocks of `fresh` (loaded again from the store): what a node that
    /// fell behind the change stream does.
    pub fn replace_with(&self, fresh: NetworkState) {
        let graph = fresh.graph();
        *self.graph.write().unwrap_or_else(|e| e.into_inner()) = graph;
        let blocks = std::mem::take(&mut *fresh.blocks_write());
        *self.blocks_write() = blocks;
    }

    /// Members and connections in the graph (for the operator's metrics).
    pub fn size(&self) -> (u32, u64) {
        let snap = self.snapshot();
        (snap.node_count(), snap.edge_count())
    }

    pub fn connect(&self, a: MemberId, b: MemberId) -> Result<(), CoreError> {
        let (na, nb) = (node(a)?, node(b)?);
        let graph = self.graph();
        graph.ensure_nodes(na.max(nb) + 1);
        graph.connect(na, nb);
        self.maybe_compact(&graph);
        Ok(())
    }

    pub fn disconnect(&self, a: MemberId, b: MemberId) -> Result<(), CoreError> {
        let graph = self.graph();
        graph.disconnect(node(a)?, node(b)?);
        self.maybe_compact(&graph);
        Ok(())
    }

    /// Folds the per-member delta into the compact arrays on a background thread once it has
    /// grown, so snapshots stay cheap to copy. One compaction at a time.
    fn maybe_compact(&self, graph: &Arc<Graph>) {
        if graph.delta_len() < COMPACT_AT || self.compacting.swap(true, Ordering::AcqRel) {
            return;
        }
        let graph = Arc::clone(graph);
        let flag = Arc::clone(&self.compacting);
        std::thread::spawn(move || {
            graph.compact();
            flag.store(false, Ordering::Release);
        });
    }

    fn blocks_read(&self) -> std::sync::RwLockReadGuard<'_, Blocks> {
        // A panic while holding the lock leaves the maps whole (each write is one insert or
        // remove), so a poisoned lock is still safe to read.
        self.blocks.read().unwrap_or_else(|e| e.into_inner())
    }

    fn blocks_write(&self) -> std::sync::RwLockWriteGuard<'_, Blocks> {
        self.blocks.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn block(&self, blocker: MemberId, blocked: MemberId) {
        let mut b = self.blocks_write();
        b.by.entry(blocker).or_default().insert(blocked);
        b.of.entry(blocked).or_default().insert(blocker);
    }

    pub fn unblock(&self, blocker: MemberId, blocked: MemberId) {
        let mut b = self.blocks_write();
        if let Some(s) = b.by.get_mut(&blocker) {
            s.remove(&blocked);
        }
        if let Some(s) = b.of.get_mut(&blocked) {
            s.remove(&blocker);
        }
    }

    /// Whether a block stands between the two, in either direction.
    pub fn is_hidden(&self, a: MemberId, b: MemberId) -> bool {
        let bl = self.blocks_read();
        bl.by.get(&a).is_some_and(|s| s.contains(&b))
            || bl.by.get(&b).is_some_and(|s| s.contains(&a))
    }

    /// Everyone `a` blocked or was blocked by: they never appear to each other.
    pub fn hidden_from(&self, a: MemberId) -> HashSet<MemberId> {
        let bl = self.blocks_read();
        let mut out: HashSet<MemberId> = bl.by.get(&a).cloned().unwrap_or_default();
        if let Some(s) = bl.of.get(&a) {
            out.extend(s.iter().copied());
        }
        out
    }

    pub fn has_blocked(&self, blocker: MemberId, blocked: MemberId) -> bool {
        self.blocks_read()
            .by
            .get(&blocker)
            .is_some_and(|s| s.contains(&blocked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_connects_and_hides_both_ways() {
        let s = NetworkState::load(5, &[(1, 2), (2, 3)], &[(4, 5)]).unwrap();
        let snap = s.snapshot();
        assert!(snap.are_connected(1, 2));
        assert_eq!(snap.degree(1, 3), Some(2));
        s.connect(1, 9).unwrap();
        assert!(s.snapshot().are_connected(9, 1));
        assert!(s.is_hidden(5, 4) && s.is_hidden(4, 5));
        assert!(s.has_blocked(4, 5) && !s.has_blocked(5, 4));
        assert_eq!(s.hidden_from(5), HashSet::from([4]));
        s.unblock(4, 5);
        assert!(!s.is_hidden(4, 5));
    }
}
