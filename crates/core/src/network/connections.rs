//! Connections, follows and blocks, and the graph's answers about two members: mutual
//! connections, "how you're connected", and the size of one's network by degree.

use serde::Serialize;

use super::model::{ConnectionQuery, ConnectionSort, FollowDirection, ListAfter, Related};
use super::{state, Person};
use crate::accounts::model::MemberId;
use crate::auth::{self, Viewer};
use crate::domain::fold_key;
use crate::error::{CoreError, CoreResult};
use crate::lengths;
use crate::paging::{CursorKey, Page, PageRequest};
use crate::{now_ms, Guild};

/// How many members are 1st, 2nd and 3rd degree to the viewer.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NetworkStats {
    pub first: u64,
    pub second: u64,
    pub third: u64,
}

/// A shortest chain of connections from the viewer to a member, both ends included.
#[derive(Debug, Clone)]
pub struct PathView {
    pub path: Vec<Person>,
}

/// A member in a list, with when the relation began.
#[derive(Debug, Clone)]
pub struct RelatedPerson {
    pub person: Person,
    pub since: i64,
}

/// `t:<id>:<time>` newest first, `n:<id>:<folded name>` by name: a cursor of one order is
/// refused by the other.
impl CursorKey for ListAfter {
    fn write(&self) -> String {
        match self {
            ListAfter::Time(t, id) => format!("t:{id}:{t}"),
            ListAfter::Name(name, id) => format!("n:{id}:{name}"),
        }
    }
    fn read(text: &str) -> Option<Self> {
        let (tag, rest) = text.split_once(':')?;
        let (id, value) = <(String, i64)>::read(rest).map(|(v, id)| (id, v))?;
        match tag {
            "t" => Some(ListAfter::Time(i64::read(&value)?, id)),
            "n" => Some(ListAfter::Name(value, id)),
            _ => None,
        }
    }
}

impl Guild {
    async fn related_people(
        &self,
        viewer: &Viewer,
        rows: Vec<Related>,
    ) -> CoreResult<Vec<RelatedPerson>> {
        let since: Vec<i64> = rows.iter().map(|r| r.since).collect();
        let people = self
            .people(viewer, rows.into_iter().map(|r| r.card).collect())
            .await?;
        Ok(people
            .into_iter()
            .zip(since)
            .map(|(person, since)| RelatedPerson { person, since })
            .collect())
    }

    /// The viewer's connections, searched by name, newest first or by name.
    pub async fn connections(
        &self,
        viewer: &Viewer,
        q: Option<&str>,
        sort: ConnectionSort,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<RelatedPerson>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<ListAfter>::new(cursor, limit)?;
        let name = q.map(fold_key).filter(|s| !s.is_empty());
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() > lengths::SEARCH)
        {
            return Err(CoreError::invalid(
                "q",
                format!("Use at most {} characters.", lengths::SEARCH),
            ));
        }
        let in_order = matches!(
            (&page.after, sort),
            (None, _)
                | (Some(ListAfter::Time(..)), ConnectionSort::Recent)
                | (Some(ListAfter::Name(..)), ConnectionSort::Name)
        );
        if !in_order {
            return Err(CoreError::invalid("cursor", "This page link is not valid."));
        }
        let rows = self
            .store
            .list_connections(&ConnectionQuery {
                member: me,
                name,
                sort,
                after: page.after.clone(),
                limit: page.fetch(),
            })
            .await?;
        let (rows, next_cursor) = page.finish(rows, |r| match sort {
            ConnectionSort::Recent => ListAfter::Time(r.since, r.card.id),
            ConnectionSort::Name => ListAfter::Name(r.card.sort_key.clone(), r.card.id),
        });
        let items = self.related_people(viewer, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// Removes a connection; both keep following each other until they unfollow.
    pub async fn remove_connection(&self, viewer: &Viewer, handle: &str) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let other = self.reachable_member(viewer, handle).await?;
        if !self.store.remove_connection(me, other.id).await? {
            return Err(CoreError::NotFound);
        }
        self.network.disconnect(me, other.id)
    }

    /// Follows (`on`) or unfollows a member. Following needs no consent, as on any public
    /// profile; a block stops it.
    pub async fn set_follow(&self, viewer: &Viewer, handle: &str, on: bool) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let other = self.reachable_member(viewer, handle).await?;
        if other.id == me {
            return Err(CoreError::invalid("handle", "You cannot follow yourself."));
        }
        if on {
            let profile = self.store.profile(other.id).await?;
            let connected = self.is_connected(viewer, other.id);
            if !auth::may_see(viewer, other.id, profile.visibility, connected) {
                return Err(CoreError::Forbidden(format!(
                    "{} shares their profile with their connections only.",
                    other.name
                )));
            }
        }
        self.store.set_follow(me, other.id, on, now_ms()).await?;
        self.feed_sources.forget(me);
        Ok(())
    }

    /// The viewer's followers or the members they follow, newest first.
    pub async fn follows(
        &self,
        viewer: &Viewer,
        direction: FollowDirection,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<RelatedPerson>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<(i64, MemberId)>::new(cursor, limit)?;
        let hidden = self.network.hidden_from(me);
        let rows = self
            .store
            .list_follows(me, direction, page.after, page.fetch())
            .await?;
        let (mut rows, next_cursor) = page.finish(rows, |r| (r.since, r.card.id));
        rows.retain(|r| !hidden.contains(&r.card.id));
        let items = self.related_people(viewer, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// Blocks a member: connection, follows and open invitations between the two end, and
    /// neither sees the other anywhere after. Unblocking restores none of it.
    pub async fn block(&self, viewer: &Viewer, handle: &str) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        // A member already hidden by a block the other way can still be blocked back.
        let other = self
            .store
            .member_by_handle(&handle.trim().to_ascii_lowercase())
            .await?
            .ok_or(CoreError::NotFound)?;
        if other.id == me {
            return Err(CoreError::invalid("handle", "You cannot block yourself."));
        }
        let was_connected = self.store.block(me, other.id, now_ms()).await?;
        // A block ends follows either way.
        self.feed_sources.forget(me);
        self.feed_sources.forget(other.id);
        self.network.block(me, other.id);
        if was_connected {
            self.network.disconnect(me, other.id)?;
        }
        Ok(())
    }

    pub async fn unblock(&self, viewer: &Viewer, handle: &str) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let other = self
            .store
            .member_by_handle(&handle.trim().to_ascii_lowercase())
            .await?
            .ok_or(CoreError::NotFound)?;
        if !self.network.has_blocked(me, other.id) {
            return Err(CoreError::NotFound);
        }
        self.store.unblock(me, other.id).await?;
        self.network.unblock(me, other.id);
        Ok(())
    }

    /// The members the viewer blocked (to unblock them).
    pub async fn blocked(&self, viewer: &Viewer) -> CoreResult<Vec<RelatedPerson>> {
        let me = Self::me(viewer)?;
        let rows = self.store.list_blocks(me).await?;
        Ok(rows
            .into_iter()
            .map(|r| RelatedPerson {
                person: Person {
                    card: r.card,
                    degree: None,
                    mutual_count: 0,
                    relation: super::Relation::None,
                },
                since: r.since,
            })
            .collect())
    }

    /// The connections the viewer and a member share, in member-id order, paginated; members
    /// hidden from the viewer by a block are left out.
    pub async fn mutuals(
        &self,
        viewer: &Viewer,
        handle: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<Person>> {
        let me = Self::me(viewer)?;
        let page = PageRequest::<MemberId>::new(cursor, limit)?;
        let other = self.visible_member(viewer, handle).await?;
        let after = page.after.unwrap_or(0);
        let snap = self.network.snapshot();
        let hidden = self.network.hidden_from(me);
        let all = snap.mutuals(state::node(me)?, state::node(other)?, usize::MAX);
        let ids: Vec<MemberId> = all
            .into_iter()
            .map(MemberId::from)
            .filter(|&id| id > after && !hidden.contains(&id))
            .take(page.fetch() as usize)
            .collect();
        let (ids, next_cursor) = page.finish(ids, |id| *id);
        let items = self.people_by_ids(viewer, &ids).await?;
        Ok(Page { items, next_cursor })
    }

    /// "How you're connected": a shortest path of up to 3 hops that passes through no one
    /// hidden from the viewer. Beyond the 3rd degree: not found.
    pub async fn path_to(&self, viewer: &Viewer, handle: &str) -> CoreResult<PathView> {
        let me = Self::me(viewer)?;
        let other = self.visible_member(viewer, handle).await?;
        if other == me {
            return Err(CoreError::NotFound);
        }
        let hidden = self.network.hidden_from(me);
        let snap = self.network.snapshot();
        let nodes = snap
            .path_avoiding(state::node(me)?, state::node(other)?, |n| {
                hidden.contains(&MemberId::from(n))
            })
            .ok_or(CoreError::NotFound)?;
        let ids: Vec<MemberId> = nodes.into_iter().map(MemberId::from).collect();
        let path = self.people_by_ids(viewer, &ids).await?;
        if path.len() != ids.len() {
            // Someone on the way left since the snapshot; no partial chains.
            return Err(CoreError::NotFound);
        }
        Ok(PathView { path })
    }

    /// How many members are 1st, 2nd and 3rd degree to the viewer.
    pub fn network_stats(&self, viewer: &Viewer) -> CoreResult<NetworkStats> {
        let me = Self::me(viewer)?;
        let c = self.network.snapshot().network_counts(state::node(me)?);
        Ok(NetworkStats {
            first: c.first,
            second: c.second,
            third: c.third,
        })
    }

    /// A member whose profile the viewer may see (for lists about them): their id.
    async fn visible_member(&self, viewer: &Viewer, handle: &str) -> CoreResult<MemberId> {
        let m = self.reachable_member(viewer, handle).await?;
        let profile = self.store.profile(m.id).await?;
        let connected = self.is_connected(viewer, m.id);
        if !auth::may_see(viewer, m.id, profile.visibility, connected) {
            return Err(CoreError::NotFound);
        }
        Ok(m.id)
    }
}
