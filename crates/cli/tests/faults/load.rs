//! The load the fault tests drive: a cast of members, each client writing as one of them
//! (posts, reactions, messages, invitations and their acceptance) as fast as the server
//! answers, and a ledger of every write the server acknowledged (a 2xx with its id) — the
//! writes that must survive whatever happens next.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::http::{req, Resp};
use crate::common::seed::Member;

/// Each member reacts with one kind, so what it reacted with is known whatever order the
/// acknowledgements came in.
pub const KINDS: [&str; 5] = ["like", "celebrate", "support", "insightful", "curious"];

/// Who writes and to whom.
pub struct Cast {
    /// The members the clients write as; client `i` is connected to `i ± 1` (a ring) and
    /// writes in its conversation with `i + 1`.
    pub clients: Vec<Member>,
    /// Members who are only invited (and accept every other invitation).
    pub invitees: Vec<Member>,
    /// Conversation `i`: between client `i` and client `i + 1`.
    pub convs: Vec<String>,
}

/// Every acknowledged write, and every answer that was neither a success nor a refusal.
#[derive(Clone, Default)]
pub struct Ledger {
    /// (post id, author's client index).
    pub posts: Vec<(String, usize)>,
    /// (post id, reacting client index): with `KINDS[index % 5]`.
    pub reactions: Vec<(String, usize)>,
    /// (conversation index, message id).
    pub messages: Vec<(usize, String)>,
    /// (invitation id, client index, invitee index).
    pub invitations: Vec<(String, usize, usize)>,
    /// (client index, invitee index): the invitee accepted.
    pub accepted: Vec<(usize, usize)>,
    /// What answered with a server error or did not answer in time: (what, status or 0,
    /// the body or the error).
    pub failures: Vec<(String, u16, String)>,
    /// The longest any request took to answer, and how many answered.
    pub slowest: Duration,
    pub answered: usize,
}

impl Ledger {
    pub fn acknowledged(&self) -> usize {
        self.posts.len()
            + self.reactions.len()
            + self.messages.len()
            + self.invitations.len()
            + self.accepted.len()
    }
}

/// Where a client is in its work; kept across the server's restarts.
#[derive(Clone, Copy, Default)]
pub struct ClientState {
    ops: usize,
    next_invitee: usize,
}

pub type Shared = Arc<Mutex<Ledger>>;

/// Connects the clients in a ring and starts conversation `i` (client `i` to `i + 1`).
pub async fn set_up(addr: &str, clients: Vec<Member>, invitees: Vec<Member>) -> Cast {
    let n = clients.len();
    for i in 0..n {
        let (a, b) = (&clients[i], &clients[(i + 1) % n]);
        let r = req(
            addr,
            "POST",
            "/api/v1/invitations",
            &a.token,
            Some(json!({"to": b.handle})),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["invitation"]["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/invitations/{id}/accept");
        let r = req(addr, "POST", &path, &b.token, None).await.unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let mut convs = Vec::new();
    for i in 0..n {
        let to = &clients[(i + 1) % n].handle;
        let body = json!({"to": [to], "body": format!("hello from client {i}")});
        let r = req(
            addr,
            "POST",
            "/api/v1/conversations",
            &clients[i].token,
            Some(body),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["delivery"], "inbox", "{}", r.body);
        convs.push(r.json()["conversation"]["id"].as_str().unwrap().to_string());
    }
    Cast {
        clients,
        invitees,
        convs,
    }
}

/// Runs every client until `stop` is set or the server goes away; returns their states.
pub async fn run(
    addr: &str,
    cast: &Arc<Cast>,
    ledger: &Shared,
    states: &[ClientState],
    stop: &Arc<AtomicBool>,
) -> Vec<ClientState> {
    let tasks: Vec<_> = states
        .iter()
        .enumerate()
        .map(|(c, s)| {
            let (addr, cast, ledger, stop, s) = (
                addr.to_string(),
                cast.clone(),
                ledger.clone(),
                stop.clone(),
                *s,
            );
            tokio::spawn(async move { client(&addr, &cast, &ledger, c, s, &stop).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("a client task"));
    }
    out
}

/// One client's writes, in turn: a post, a reaction, a message, an invitation.
async fn client(
    addr: &str,
    cast: &Cast,
    ledger: &Shared,
    c: usize,
    mut s: ClientState,
    stop: &AtomicBool,
) -> ClientState {
    let me = &cast.clients[c];
    while !stop.load(Ordering::SeqCst) {
        let k = s.ops;
        s.ops += 1;
        let target = {
            let l = ledger.lock().unwrap();
            (!l.posts.is_empty()).then(|| l.posts[(k * 7919 + c) % l.posts.len()].0.clone())
        };
        let result = match (k % 4, target) {
            (1, Some(post)) => {
                let path = format!("/api/v1/posts/{post}/reaction");
                let body = json!({"kind": KINDS[c % KINDS.len()]});
                timed(addr, ledger, "PUT", &path, &me.token, Some(body), |l, _| {
                    l.reactions.push((post.clone(), c))
                })
                .await
            }
            (2, _) => {
                let path = format!("/api/v1/conversations/{}/messages", cast.convs[c]);
                let body = json!({"body": format!("message {k} from client {c}")});
                timed(
                    addr,
                    ledger,
                    "POST",
                    &path,
                    &me.token,
                    Some(body),
                    |l, r| l.messages.push((c, id(&r.json()["message"]))),
                )
                .await
            }
            (3, _) if s.next_invitee < cast.invitees.len() => {
                let j = s.next_invitee;
                s.next_invitee += 1;
                invite(addr, cast, ledger, c, j).await
            }
            _ => {
                let body =
                    json!({"body": format!("post {k} by client {c}"), "visibility": "anyone"});
                timed(
                    addr,
                    ledger,
                    "POST",
                    "/api/v1/posts",
                    &me.token,
                    Some(body),
                    |l, r| l.posts.push((id(&r.json()["post"]), c)),
                )
                .await
            }
        };
        if result.is_err() {
            // The server went away (killed, or not answering at all): this phase is over.
            break;
        }
    }
    s
}

/// Client `c` invites invitee `j`; every other invitation is accepted at once.
async fn invite(addr: &str, cast: &Cast, ledger: &Shared, c: usize, j: usize) -> Result<(), ()> {
    let (me, them) = (&cast.clients[c], &cast.invitees[j]);
    let body = json!({"to": them.handle});
    let mut invitation = None;
    timed(
        addr,
        ledger,
        "POST",
        "/api/v1/invitations",
        &me.token,
        Some(body),
        |l, r| {
            let inv = id(&r.json()["invitation"]);
            l.invitations.push((inv.clone(), c, j));
            invitation = Some(inv);
        },
    )
    .await?;
    match invitation {
        Some(inv) if j.is_multiple_of(2) => {
            let path = format!("/api/v1/invitations/{inv}/accept");
            timed(addr, ledger, "POST", &path, &them.token, None, |l, _| {
                l.accepted.push((c, j))
            })
            .await
        }
        _ => Ok(()),
    }
}

/// One request: a 2xx is recorded by `ack`; a server error or no answer in time goes to the
/// failures. `Err` when the server cannot be reached (the caller stops).
async fn timed(
    addr: &str,
    ledger: &Shared,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
    ack: impl FnOnce(&mut Ledger, &Resp),
) -> Result<(), ()> {
    let started = Instant::now();
    let r = req(addr, method, path, token, body).await;
    let took = started.elapsed();
    let mut l = ledger.lock().unwrap();
    match r {
        Ok(r) => {
            l.answered += 1;
            l.slowest = l.slowest.max(took);
            if r.ok() {
                ack(&mut l, &r);
            } else if r.status >= 500 {
                l.failures
                    .push((format!("{method} {path}"), r.status, r.body));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            l.failures
                .push((format!("{method} {path}"), 0, e.to_string()));
            Ok(())
        }
        Err(_) => Err(()),
    }
}

fn id(v: &serde_json::Value) -> String {
    v["id"]
        .as_str()
        .expect("an id in an acknowledgement")
        .to_string()
}
