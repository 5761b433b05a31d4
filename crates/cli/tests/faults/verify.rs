//! After a fault: every acknowledged write is found through the API, and what the server
//! keeps in memory (the graph's degrees and counts, the feed index) agrees with the store.

use std::collections::{BTreeMap, BTreeSet};

use guild_core::feed::store::FeedStore;
use guild_core::network::store::NetworkStore;
use guild_store::SqlStore;

use super::load::{Cast, Ledger, KINDS};
use crate::common::http::req;

/// Every item of a list route, following `next_cursor`.
async fn all_items(addr: &str, path: &str, token: &str) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{sep}limit=50");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let r = req(addr, "GET", &url, token, None).await.unwrap();
        assert_eq!(r.status, 200, "GET {url}: {}", r.body);
        let page = r.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
}

fn ids(items: &[serde_json::Value], at: &str) -> BTreeSet<String> {
    items
        .iter()
        .map(|i| {
            i.pointer(at)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Checks everything in `ledger` against the server at `addr` and the database at `url`.
pub async fn everything(addr: &str, cast: &Cast, ledger: &Ledger, url: &str) {
    let store = SqlStore::connect(url)
        .await
        .expect("open the store to compare");
    let db_posts: BTreeMap<String, i64> = store
        .all_indexed_posts()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id.to_string(), p.counts.reactions))
        .collect();
    let mut degree: BTreeMap<i64, u64> = BTreeMap::new();
    for (a, b) in store.all_connections().await.unwrap() {
        *degree.entry(a).or_default() += 1;
        *degree.entry(b).or_default() += 1;
    }
    store.close().await;

    // Posts: each acknowledged one reads back, and its reaction count is the store's.
    let mut api_reactions = BTreeMap::new();
    for (post, author) in &ledger.posts {
        let path = format!("/api/v1/posts/{post}");
        let r = req(addr, "GET", &path, &cast.clients[*author].token, None)
            .await
            .unwrap();
        assert_eq!(
            r.status, 200,
            "acknowledged post {post} is gone: {}",
            r.body
        );
        let count = r.json()["post"]["counts"]["reactions"].as_i64();
        let count = count.unwrap_or_else(|| panic!("no reaction count: {}", r.body));
        assert_eq!(
            Some(&count),
            db_posts.get(post),
            "post {post}'s reactions: API vs store"
        );
        api_reactions.insert(post.clone(), count);
    }
    // Reactions: each reactor still has its reaction, and the count is the reactors'.
    let mut reactors: BTreeMap<&String, BTreeSet<usize>> = BTreeMap::new();
    for (post, c) in &ledger.reactions {
        reactors.entry(post).or_default().insert(*c);
    }
    for (post, cs) in &reactors {
        for c in cs {
            let path = format!("/api/v1/posts/{post}");
            let r = req(addr, "GET", &path, &cast.clients[*c].token, None)
                .await
                .unwrap();
            assert_eq!(
                r.json()["post"]["my_reaction"],
                KINDS[c % KINDS.len()],
                "client {c} on {post}"
            );
        }
        let path = format!("/api/v1/posts/{post}/reactions");
        let listed = all_items(addr, &path, &cast.clients[0].token).await;
        assert!(
            listed.len() >= cs.len(),
            "{post}: {} listed, {} acknowledged",
            listed.len(),
            cs.len()
        );
        assert_eq!(
            Some(&(listed.len() as i64)),
            api_reactions.get(*post),
            "{post}: count vs list"
        );
    }
    // Messages: each conversation still holds every acknowledged message.
    for (i, conv) in cast.convs.iter().enumerate() {
        let path = format!("/api/v1/conversations/{conv}/messages");
        let found = ids(&all_items(addr, &path, &cast.clients[i].token).await, "/id");
        for (_, m) in ledger.messages.iter().filter(|(c, _)| *c == i) {
            assert!(
                found.contains(m),
                "acknowledged message {m} is not in conversation {conv}"
            );
        }
    }
    // Invitations: in the sender's sent list, or accepted (then a connection of degree 1).
    let accepted: BTreeSet<(usize, usize)> = ledger.accepted.iter().copied().collect();
    for (c, client) in cast.clients.iter().enumerate() {
        let sent = ids(
            &all_items(addr, "/api/v1/invitations?box=sent", &client.token).await,
            "/id",
        );
        for (inv, _, j) in ledger.invitations.iter().filter(|(_, from, _)| *from == c) {
            let them = &cast.invitees[*j];
            let r = req(
                addr,
                "GET",
                &format!("/api/v1/members/{}", them.handle),
                &client.token,
                None,
            )
            .await
            .unwrap();
            let connected = r.json()["degree"] == 1;
            assert!(
                sent.contains(inv) || connected,
                "acknowledged invitation {inv} is gone"
            );
            if accepted.contains(&(c, *j)) {
                assert!(
                    connected,
                    "client {c} and invitee {j}: accepted, not connected: {}",
                    r.body
                );
            }
        }
    }
    // The graph in memory agrees with the store: everyone's 1st-degree count.
    for m in cast.clients.iter().chain(&cast.invitees) {
        let r = req(addr, "GET", "/api/v1/network/stats", &m.token, None)
            .await
            .unwrap();
        let first = r.json()["first"].as_u64().unwrap();
        assert_eq!(
            first,
            degree.get(&m.id).copied().unwrap_or(0),
            "{}'s connections",
            m.handle
        );
    }
    // The feed index holds every acknowledged post of the member and of their connections
    // (the ring's neighbours), with the store's reaction counts.
    let n = cast.clients.len();
    for (c, client) in cast.clients.iter().enumerate() {
        let feed = all_items(addr, "/api/v1/feed?sort=recent", &client.token).await;
        let shown = ids(&feed, "/post/id");
        for (post, author) in &ledger.posts {
            if [c, (c + 1) % n, (c + n - 1) % n].contains(author) {
                assert!(
                    shown.contains(post),
                    "post {post} missing from client {c}'s feed"
                );
            }
        }
        for item in &feed {
            let id = item["post"]["id"].as_str().unwrap();
            let count = item["post"]["counts"]["reactions"].as_i64().unwrap();
            assert_eq!(
                Some(&count),
                db_posts.get(id),
                "feed's count of {id} vs store"
            );
        }
    }
}
