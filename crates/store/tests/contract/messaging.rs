//! Messaging, method by method, beside the journeys in `conversations.rs`: the direct
//! conversation, held and automatic messages, releasing and deleting held ones, ignored
//! conversations kept out of the stream and search, search taking wildcards literally, pages
//! of messages and of conversations, unread counts in the visible range, rows of non-members
//! left alone, the email batches, away periods and their summaries, settings, reports,
//! attachments and the spam counters.

use guild_core::accounts::store::AccountStore;
use guild_core::feed::model::{NewNotification, NotificationKind};
use guild_core::feed::store::NotificationStore;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_core::network::store::InvitationStore;
use guild_store::{Pool, SqlStore};
use guild_testkit::TestApp;

use super::new_member;

const T0: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

async fn members(s: &SqlStore, handles: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for h in handles {
        out.push(s.create_member(&new_member(h), None).await.unwrap().id);
    }
    out
}

async fn start(s: &SqlStore, by: i64, others: &[(i64, ParticipantState)], at: i64) -> i64 {
    s.create_conversation(&NewConversation {
        group: others.len() > 1,
        title: None,
        created_by: by,
        others: others.to_vec(),
        created_at: at,
    })
    .await
    .unwrap()
    .id
}

fn msg(c: i64, from: i64, body: &str, at: i64) -> NewMessage {
    NewMessage {
        conversation_id: c,
        sender_id: from,
        body: body.into(),
        body_html: format!("<p>{body}</p>"),
        automatic: false,
        held: false,
        to_stranger: false,
        attachment_id: None,
        created_at: at,
    }
}

async fn say(s: &SqlStore, c: i64, from: i64, body: &str, at: i64) -> Message {
    s.add_message(&msg(c, from, body, at)).await.unwrap()
}

async fn hold(s: &SqlStore, c: i64, from: i64, body: &str, at: i64) -> Message {
    let mut m = msg(c, from, body, at);
    m.held = true;
    m.to_stranger = true;
    s.add_message(&m).await.unwrap()
}

fn bodies(ms: &[Message]) -> Vec<&str> {
    ms.iter().map(|m| m.body.as_str()).collect()
}

fn ids(rows: &[ConversationEntry]) -> Vec<i64> {
    rows.iter().map(|r| r.conversation.id).collect()
}

async fn me(s: &SqlStore, c: i64, member: i64) -> Participant {
    s.participant(c, member).await.unwrap().unwrap()
}

/// One number from a statement run directly against the tables.
async fn count(s: &SqlStore, sql: &str) -> i64 {
    match &s.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Pool::Pg(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

#[tokio::test]
async fn the_direct_conversation_is_found_either_way_and_only_between_the_two() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    assert_eq!(s.direct_conversation(ann, bob).await.unwrap(), None);
    let g = s
        .create_conversation(&NewConversation {
            group: true,
            title: Some("Trio".into()),
            created_by: ann,
            others: vec![
                (bob, ParticipantState::Active),
                (cyd, ParticipantState::Active),
            ],
            created_at: T0,
        })
        .await
        .unwrap();
    assert_eq!(g.title.as_deref(), Some("Trio"));
    assert!(g.group);
    let d = start(s, ann, &[(bob, ParticipantState::Request)], T0 + 5).await;
    let conv = s.conversation(d).await.unwrap().unwrap();
    assert_eq!(
        conv,
        Conversation {
            id: d,
            group: false,
            title: None,
            created_by: ann,
            created_at: T0 + 5,
            last_message_id: 0,
            last_message_at: T0 + 5,
        },
        "nothing said yet: the list time is the start"
    );
    assert_eq!(s.direct_conversation(ann, bob).await.unwrap(), Some(conv));
    assert_eq!(
        s.direct_conversation(bob, ann).await.unwrap().unwrap().id,
        d
    );
    assert_eq!(s.direct_conversation(ann, cyd).await.unwrap(), None);
    assert_eq!(s.direct_conversation(bob, cyd).await.unwrap(), None);
    let states: Vec<_> = s
        .participants(d)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.member_id, p.state))
        .collect();
    assert_eq!(
        states,
        vec![
            (ann, ParticipantState::Active),
            (bob, ParticipantState::Request)
        ]
    );
    assert!(s.conversation(d + 100).await.unwrap().is_none());
}

#[tokio::test]
async fn held_and_automatic_messages_leave_the_lists_and_read_marks_alone() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let hi = say(s, c, ann, "hi", T0 + 1).await;
    assert_eq!(
        (hi.conversation_id, hi.sender_id, hi.body_html.as_str()),
        (c, ann, "<p>hi</p>")
    );
    assert!(!hi.held && !hi.automatic && hi.attachment.is_none());
    assert_eq!(
        me(s, c, ann).await.last_read,
        hi.id,
        "the sender has read it"
    );
    assert_eq!(me(s, c, bob).await.last_read, 0);
    s.set_conversation_archived(c, bob, true).await.unwrap();

    // Held: the conversation does not move, Bob's archive stays, nothing is unread for him.
    let held = hold(s, c, ann, "buy now", T0 + 2).await;
    assert!(held.held);
    let conv = s.conversation(c).await.unwrap().unwrap();
    assert_eq!(
        (conv.last_message_id, conv.last_message_at),
        (hi.id, T0 + 1)
    );
    assert!(me(s, c, bob).await.archived);
    assert_eq!(s.unread_counts(bob, &[c]).await.unwrap(), vec![(c, 1)]);
    assert_eq!(s.unread_totals(bob).await.unwrap(), (0, 0), "archived");

    // Automatic (Bob's out-of-office reply): delivered, so Bob's archive opens, but Bob has
    // read nothing by it.
    let mut auto = msg(c, bob, "I am away", T0 + 3);
    auto.automatic = true;
    let auto = s.add_message(&auto).await.unwrap();
    assert!(auto.automatic);
    let conv = s.conversation(c).await.unwrap().unwrap();
    assert_eq!(
        (conv.last_message_id, conv.last_message_at),
        (auto.id, T0 + 3)
    );
    let bob_row = me(s, c, bob).await;
    assert!(!bob_row.archived);
    assert_eq!(bob_row.last_read, 0);
    assert_eq!(s.unread_counts(bob, &[c]).await.unwrap(), vec![(c, 1)]);
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 0));
    assert_eq!(s.unread_counts(ann, &[c]).await.unwrap(), vec![(c, 1)]);

    // A reply of his own reads everything before it.
    let ok = say(s, c, bob, "ok", T0 + 4).await;
    assert_eq!(me(s, c, bob).await.last_read, ok.id);
    assert!(s.unread_counts(bob, &[c]).await.unwrap().is_empty());
    assert_eq!(s.unread_totals(bob).await.unwrap(), (0, 0));
}

#[tokio::test]
async fn releasing_a_held_message_delivers_it_and_turns_a_kept_out_recipient_into_a_request() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, eve] = members(s, &["ann", "eve"]).await[..] else {
        panic!()
    };
    let d = start(s, ann, &[(eve, ParticipantState::Ignored)], T0).await;
    let pitch = hold(s, d, ann, "pitch", T0 + 1).await;
    assert_eq!(
        bodies(&s.held_messages(None, 10).await.unwrap()),
        vec!["pitch"]
    );
    assert_eq!(s.unread_totals(eve).await.unwrap(), (0, 0));
    assert!(s
        .conversations(eve, MessageBox::Requests, None, 10)
        .await
        .unwrap()
        .is_empty());

    let out = s.release_held(pitch.id).await.unwrap().unwrap();
    assert!(!out.held);
    assert_eq!(out.body, "pitch");
    assert_eq!(
        s.conversation(d).await.unwrap().unwrap().last_message_id,
        pitch.id
    );
    assert_eq!(me(s, d, eve).await.state, ParticipantState::Request);
    assert_eq!(
        ids(&s
            .conversations(eve, MessageBox::Requests, None, 10)
            .await
            .unwrap()),
        vec![d]
    );
    assert_eq!(s.unread_totals(eve).await.unwrap(), (0, 1));
    assert!(s.held_messages(None, 10).await.unwrap().is_empty());
    assert_eq!(
        s.release_held(pitch.id).await.unwrap(),
        None,
        "not held now"
    );
    assert_eq!(s.release_held(pitch.id + 100).await.unwrap(), None);

    // Once something was delivered, an ignoring recipient stays out.
    s.set_participant_state(d, eve, ParticipantState::Ignored)
        .await
        .unwrap();
    let again = hold(s, d, ann, "again", T0 + 2).await;
    let newer = say(s, d, ann, "newer", T0 + 3).await;
    s.release_held(again.id).await.unwrap().unwrap();
    assert_eq!(me(s, d, eve).await.state, ParticipantState::Ignored);
    assert_eq!(
        s.conversation(d).await.unwrap().unwrap().last_message_id,
        newer.id,
        "an older message released does not become the last one"
    );

    // Deleting: held ones only, once.
    let spam = hold(s, d, ann, "spam", T0 + 4).await;
    assert!(!s.delete_held(newer.id).await.unwrap());
    assert!(s.message(newer.id).await.unwrap().is_some());
    assert!(s.delete_held(spam.id).await.unwrap());
    assert!(!s.delete_held(spam.id).await.unwrap());
    assert!(s.message(spam.id).await.unwrap().is_none());
}

#[tokio::test]
async fn held_messages_page_newest_first() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Ignored)], T0).await;
    let mut held = Vec::new();
    for i in 0..5 {
        held.push(hold(s, c, ann, &format!("h{i}"), T0 + i).await.id);
        say(s, c, ann, &format!("ok{i}"), T0 + i).await;
    }
    let first = s.held_messages(None, 2).await.unwrap();
    assert_eq!(bodies(&first), vec!["h4", "h3"]);
    let rest = s.held_messages(Some(first[1].id), 10).await.unwrap();
    assert_eq!(bodies(&rest), vec!["h2", "h1", "h0"]);
}

#[tokio::test]
async fn ignored_conversations_stay_out_of_the_stream_search_and_counts() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [bob, zed, ann] = members(s, &["bob", "zed", "ann"]).await[..] else {
        panic!()
    };
    let r = start(s, zed, &[(bob, ParticipantState::Request)], T0).await;
    let hello = say(s, r, zed, "Hello Bob", T0 + 1).await;
    assert_eq!(
        bodies(&s.messages_after(bob, 0, 10).await.unwrap()),
        vec!["Hello Bob"]
    );
    assert_eq!(s.latest_message_id(bob).await.unwrap(), hello.id);
    assert_eq!(
        s.search_messages(bob, "hello", None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.unread_totals(bob).await.unwrap(), (0, 1));

    s.set_participant_state(r, bob, ParticipantState::Ignored)
        .await
        .unwrap();
    assert!(s.messages_after(bob, 0, 10).await.unwrap().is_empty());
    assert_eq!(s.latest_message_id(bob).await.unwrap(), 0);
    assert!(s
        .search_messages(bob, "hello", None, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.unread_totals(bob).await.unwrap(), (0, 0));
    for b in [
        MessageBox::Inbox,
        MessageBox::Requests,
        MessageBox::Archived,
    ] {
        assert!(s.conversations(bob, b, None, 10).await.unwrap().is_empty());
    }
    // Zed still sees his own side.
    assert_eq!(s.latest_message_id(zed).await.unwrap(), hello.id);

    // Ann is no participant: her id changes nothing.
    s.set_participant_state(r, ann, ParticipantState::Active)
        .await
        .unwrap();
    assert_eq!(me(s, r, bob).await.state, ParticipantState::Ignored);
    assert!(s.participant(r, ann).await.unwrap().is_none());

    // Accepted: in the inbox, unread.
    s.set_participant_state(r, bob, ParticipantState::Active)
        .await
        .unwrap();
    assert_eq!(
        ids(&s
            .conversations(bob, MessageBox::Inbox, None, 10)
            .await
            .unwrap()),
        vec![r]
    );
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 0));
    assert_eq!(s.messages_after(bob, hello.id, 10).await.unwrap().len(), 0);
}

#[tokio::test]
async fn search_matches_any_case_literally_within_what_the_member_sees() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let first = say(s, c, ann, "Rust_Lang rocks", T0 + 1).await;
    say(s, c, bob, "rustXlang is a typo", T0 + 2).await;
    say(s, c, ann, r"saved in C:\Temp\rust", T0 + 3).await;
    hold(s, c, ann, "rust held back", T0 + 4).await;

    let found = |who: i64, needle: &'static str| async move {
        let ms = s.search_messages(who, needle, None, 10).await.unwrap();
        ms.into_iter().map(|m| m.body).collect::<Vec<_>>()
    };
    assert_eq!(
        found(bob, "RUST_LANG").await,
        vec!["Rust_Lang rocks"],
        "_ is literal"
    );
    assert_eq!(found(bob, r"c:\temp").await, vec![r"saved in C:\Temp\rust"]);
    assert_eq!(found(bob, "%").await, Vec::<String>::new(), "% is literal");
    assert_eq!(
        found(bob, "rust").await,
        vec![
            r"saved in C:\Temp\rust",
            "rustXlang is a typo",
            "Rust_Lang rocks"
        ],
        "newest first; Ann's held message is not Bob's to find"
    );
    assert_eq!(
        found(ann, "rust").await.first().map(String::as_str),
        Some("rust held back"),
        "one's own held message"
    );
    assert!(found(cyd, "rust").await.is_empty());

    // Keyset, and Bob's "delete for me" hides what he cleared.
    let page = s.search_messages(ann, "rust", None, 2).await.unwrap();
    let rest = s
        .search_messages(ann, "rust", Some(page[1].id), 10)
        .await
        .unwrap();
    assert_eq!(
        bodies(&rest),
        vec!["rustXlang is a typo", "Rust_Lang rocks"]
    );
    s.clear_conversation(c, bob, first.id).await.unwrap();
    assert_eq!(found(bob, "rust").await.len(), 2);
}

#[tokio::test]
async fn messages_page_newest_first_within_the_visible_range() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(say(s, c, ann, &format!("m{i}"), T0 + i).await.id);
    }
    let everything = Visible {
        member: bob,
        after: 0,
        through: None,
    };
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s.messages(c, everything, before, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        before = page.last().map(|m| m.id);
        seen.extend(page.into_iter().map(|m| m.id));
    }
    let mut newest_first = all.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    // A range: above m1, through m4.
    let range = Visible {
        member: bob,
        after: all[1],
        through: Some(all[4]),
    };
    assert_eq!(
        bodies(&s.messages(c, range, None, 10).await.unwrap()),
        vec!["m4", "m3", "m2"]
    );
    assert_eq!(
        bodies(&s.messages(c, range, Some(all[3]), 10).await.unwrap()),
        vec!["m2"]
    );
    // The stream's catch-up pages oldest first.
    let after = s.messages_after(bob, all[2], 2).await.unwrap();
    assert_eq!(bodies(&after), vec!["m3", "m4"]);
    assert_eq!(s.latest_message_id(bob).await.unwrap(), all[6]);
}

#[tokio::test]
async fn conversation_lists_page_by_last_message_with_ties_broken_by_id() {
    let app = TestApp::new().await;
    let s = &app.store;
    let all = members(s, &["bob", "p1", "p2", "p3", "p4", "p5", "p6"]).await;
    let bob = all[0];
    let mut convs = Vec::new();
    for (i, p) in all[1..].iter().enumerate() {
        let c = start(s, *p, &[(bob, ParticipantState::Active)], T0).await;
        convs.push(c);
        if i < 5 {
            // Two pairs share a time.
            let at = T0 + [10, 20, 20, 30, 30][i];
            say(s, c, *p, "hi", at).await;
        }
    }
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = s
            .conversations(bob, MessageBox::Inbox, before, 2)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        let last = &page[page.len() - 1].conversation;
        before = Some((last.last_message_at, last.id));
        seen.extend(page.iter().map(|r| {
            assert_eq!(r.me.member_id, bob);
            (r.conversation.last_message_at, r.conversation.id)
        }));
    }
    assert_eq!(seen.len(), 5, "the one with nothing said is not listed");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
    assert_eq!(seen[4].1, convs[0]);

    // Left groups stay in the inbox; archived ones move over and page the same way.
    for c in &convs[..3] {
        s.set_conversation_archived(*c, bob, true).await.unwrap();
    }
    let archived = s
        .conversations(bob, MessageBox::Archived, None, 2)
        .await
        .unwrap();
    assert_eq!(ids(&archived), vec![convs[2], convs[1]]);
    let t = &archived[1].conversation;
    let rest = s
        .conversations(
            bob,
            MessageBox::Archived,
            Some((t.last_message_at, t.id)),
            2,
        )
        .await
        .unwrap();
    assert_eq!(ids(&rest), vec![convs[0]]);
    let g = start(
        s,
        all[1],
        &[
            (bob, ParticipantState::Active),
            (all[2], ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let said = say(s, g, all[1], "group", T0 + 40).await;
    s.leave_conversation(g, bob, said.id).await.unwrap();
    let inbox = s
        .conversations(bob, MessageBox::Inbox, None, 10)
        .await
        .unwrap();
    assert_eq!(inbox[0].conversation.id, g);
    assert_eq!(inbox[0].me.state, ParticipantState::Left);
    assert_eq!(inbox[0].me.left_through, Some(said.id));
}

#[tokio::test]
async fn unread_counts_follow_the_visible_range_and_the_read_mark() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let g = start(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let quiet = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m1 = say(s, g, ann, "1", T0 + 1).await;
    let m2 = say(s, g, ann, "2", T0 + 2).await;
    let m3 = say(s, g, ann, "3", T0 + 3).await;
    assert!(s.unread_counts(bob, &[]).await.unwrap().is_empty());
    assert_eq!(
        s.unread_counts(bob, &[g, quiet]).await.unwrap(),
        vec![(g, 3)],
        "only conversations with something unread"
    );
    assert!(s.mark_conversation_read(g, bob, m1.id).await.unwrap());
    assert!(!s.mark_conversation_read(g, bob, m1.id).await.unwrap());
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 2)]);
    s.clear_conversation(g, bob, m2.id).await.unwrap();
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 1)]);
    s.clear_conversation(g, bob, m1.id).await.unwrap();
    assert_eq!(me(s, g, bob).await.cleared_through, m2.id, "never back");

    s.leave_conversation(g, cyd, m3.id).await.unwrap();
    say(s, g, ann, "4", T0 + 4).await;
    assert_eq!(
        s.unread_counts(cyd, &[g]).await.unwrap(),
        vec![(g, 3)],
        "nothing after leaving"
    );
    assert_eq!(s.unread_counts(bob, &[g]).await.unwrap(), vec![(g, 2)]);
    assert_eq!(s.unread_totals(bob).await.unwrap(), (1, 0));
    assert_eq!(
        s.unread_totals(cyd).await.unwrap(),
        (0, 0),
        "a group one left is not waiting in the inbox"
    );
    let last = s.last_messages(cyd, &[g, quiet]).await.unwrap();
    assert_eq!(bodies(&last), vec!["3"]);
}

#[tokio::test]
async fn a_non_participants_id_changes_no_one_elses_row() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd, zed] = members(s, &["ann", "bob", "cyd", "zed"]).await[..] else {
        panic!()
    };
    let g = start(
        s,
        ann,
        &[
            (bob, ParticipantState::Active),
            (cyd, ParticipantState::Active),
        ],
        T0,
    )
    .await;
    let d = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m = say(s, g, bob, "hey", T0 + 1).await;
    let before = s.participants_of(&[g, d]).await.unwrap();
    assert_eq!(
        before
            .iter()
            .map(|p| (p.conversation_id, p.member_id))
            .collect::<Vec<_>>(),
        vec![(g, ann), (g, bob), (g, cyd), (d, ann), (d, bob)]
    );
    assert!(s.participants_of(&[]).await.unwrap().is_empty());

    assert!(!s.mark_conversation_read(g, zed, m.id).await.unwrap());
    s.set_conversation_archived(g, zed, true).await.unwrap();
    s.set_conversation_muted(g, zed, true).await.unwrap();
    s.set_participant_state(g, zed, ParticipantState::Left)
        .await
        .unwrap();
    s.leave_conversation(g, zed, m.id).await.unwrap();
    s.clear_conversation(g, zed, m.id).await.unwrap();
    s.mark_emailed(g, zed, m.id).await.unwrap();
    assert_eq!(s.participants_of(&[g, d]).await.unwrap(), before);
    assert!(s.participant(g, zed).await.unwrap().is_none());

    // One's own row in one conversation only.
    s.set_conversation_muted(d, ann, true).await.unwrap();
    s.set_conversation_archived(d, ann, true).await.unwrap();
    assert!(me(s, d, ann).await.muted && me(s, d, ann).await.archived);
    assert!(!me(s, d, bob).await.muted && !me(s, d, bob).await.archived);
    assert!(!me(s, g, ann).await.muted && !me(s, g, ann).await.archived);
    s.set_conversation_muted(d, ann, false).await.unwrap();
    assert!(!me(s, d, ann).await.muted);
    s.mark_emailed(g, ann, m.id).await.unwrap();
    s.mark_emailed(g, ann, m.id - 1).await.unwrap();
    assert_eq!(me(s, g, ann).await.emailed_through, m.id, "never back");
}

#[tokio::test]
async fn email_batches_skip_what_was_read_emailed_muted_held_requested_or_too_recent() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let m1 = say(s, c, ann, "1", T0 + 1).await;
    let m2 = say(s, c, ann, "2", T0 + 2).await;
    hold(s, c, ann, "held", T0 + 3).await;
    let late = say(s, c, ann, "late", T0 + 10 * HOUR).await;
    let r = start(s, cyd, &[(bob, ParticipantState::Request)], T0).await;
    say(s, r, cyd, "a request", T0 + 1).await;

    let due = s.unread_for_email(T0 + HOUR, 10).await.unwrap();
    assert_eq!(
        due,
        vec![UnreadBatch {
            member_id: bob,
            conversation_id: c,
            through: m2.id,
            count: 2,
        }],
        "not the held one, not the late one, not the request, not Ann's own"
    );
    assert_eq!(
        s.unread_for_email(T0 + 2, 10).await.unwrap()[0].through,
        m2.id,
        "at or before"
    );
    s.mark_conversation_read(c, bob, m1.id).await.unwrap();
    assert_eq!(s.unread_for_email(T0 + HOUR, 10).await.unwrap()[0].count, 1);
    s.mark_emailed(c, bob, m2.id).await.unwrap();
    assert!(s.unread_for_email(T0 + HOUR, 10).await.unwrap().is_empty());
    let due = s.unread_for_email(T0 + 11 * HOUR, 10).await.unwrap();
    assert_eq!((due[0].through, due[0].count), (late.id, 1));
    s.set_conversation_muted(c, bob, true).await.unwrap();
    assert!(s
        .unread_for_email(T0 + 11 * HOUR, 10)
        .await
        .unwrap()
        .is_empty());
    s.set_conversation_muted(c, bob, false).await.unwrap();

    // One row per (member, conversation), at most `limit`.
    let e = start(s, cyd, &[(ann, ParticipantState::Active)], T0).await;
    say(s, e, cyd, "for ann", T0 + 5).await;
    let due = s.unread_for_email(T0 + 11 * HOUR, 10).await.unwrap();
    let mut keys: Vec<_> = due
        .iter()
        .map(|b| (b.member_id, b.conversation_id))
        .collect();
    keys.sort();
    assert_eq!(keys, vec![(ann, e), (bob, c)]);
    assert_eq!(
        s.unread_for_email(T0 + 11 * HOUR, 1).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn away_periods_replace_only_the_current_or_coming_one() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd] = members(s, &["ann", "bob", "cyd"]).await[..] else {
        panic!()
    };
    let period = |starts_at: i64, ends_at: i64, created_at: i64| NewAway {
        member_id: bob,
        starts_at,
        ends_at,
        message: "Out".into(),
        message_for_others: Some("Away".into()),
        contact_id: Some(cyd),
        created_at,
    };
    // Two past ones, one summarized already.
    let old = s
        .set_away(&period(T0 - 20 * HOUR, T0 - 15 * HOUR, T0 - 21 * HOUR))
        .await
        .unwrap();
    s.mark_away_summarized(old.id, T0 - 14 * HOUR)
        .await
        .unwrap();
    let past = s
        .set_away(&period(T0 - 10 * HOUR, T0 - 5 * HOUR, T0 - 11 * HOUR))
        .await
        .unwrap();
    let now = s
        .set_away(&period(T0 - HOUR, T0 + 5 * HOUR, T0 - HOUR))
        .await
        .unwrap();
    assert_eq!(
        now,
        Away {
            id: now.id,
            member_id: bob,
            starts_at: T0 - HOUR,
            ends_at: T0 + 5 * HOUR,
            message: "Out".into(),
            message_for_others: Some("Away".into()),
            contact_id: Some(cyd),
            summarized_at: None,
        }
    );
    assert!(s.claim_auto_reply(now.id, ann).await.unwrap());
    // Replaced while in force: the new one starts with no replies claimed.
    let next = s.set_away(&period(T0, T0 + 8 * HOUR, T0)).await.unwrap();
    assert!(s.away_by_id(now.id).await.unwrap().is_none());
    assert!(s.away_by_id(past.id).await.unwrap().is_some(), "past kept");
    assert_eq!(
        s.away_by_id(old.id).await.unwrap().unwrap().summarized_at,
        Some(T0 - 14 * HOUR)
    );
    assert!(s.claim_auto_reply(next.id, ann).await.unwrap());
    assert!(!s.claim_auto_reply(next.id, ann).await.unwrap());
    assert_eq!(s.away(bob, T0).await.unwrap().unwrap().id, next.id);
    assert!(s.away(ann, T0).await.unwrap().is_none());

    // In force: from its start, until (not at) its end.
    let at = |t: i64| async move {
        let a = s.aways_at(&[ann, bob, cyd], t).await.unwrap();
        a.into_iter().map(|a| a.id).collect::<Vec<_>>()
    };
    assert_eq!(at(T0).await, vec![next.id]);
    assert_eq!(at(T0 + 8 * HOUR - 1).await, vec![next.id]);
    assert!(at(T0 + 8 * HOUR).await.is_empty());
    assert!(at(T0 - 1).await.is_empty());
    assert!(s.aways_at(&[], T0).await.unwrap().is_empty());

    // Due for a summary: ended, not summarized; the earliest end first.
    let due = s.aways_to_summarize(T0, 10).await.unwrap();
    assert_eq!(due.iter().map(|a| a.id).collect::<Vec<_>>(), vec![past.id]);
    assert_eq!(
        s.aways_to_summarize(T0 + 8 * HOUR, 1).await.unwrap()[0].id,
        past.id
    );
    assert_eq!(
        s.aways_to_summarize(T0 + 8 * HOUR, 10).await.unwrap().len(),
        2
    );

    // Ending: a current one ends now, and is then due.
    assert!(s.end_away(bob, T0 + HOUR).await.unwrap());
    assert_eq!(
        s.away_by_id(next.id).await.unwrap().unwrap().ends_at,
        T0 + HOUR
    );
    assert!(s.away(bob, T0 + HOUR).await.unwrap().is_none());
    assert_eq!(s.aways_to_summarize(T0 + HOUR, 10).await.unwrap().len(), 2);
    assert!(!s.end_away(bob, T0 + HOUR).await.unwrap());
    assert!(!s.end_away(ann, T0).await.unwrap());
}

#[tokio::test]
async fn the_away_summary_counts_what_reached_the_member_in_the_window() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, cyd, dee] = members(s, &["ann", "bob", "cyd", "dee"]).await[..] else {
        panic!()
    };
    let (from, to) = (T0 + HOUR, T0 + 3 * HOUR);
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    say(s, c, ann, "before", from - 1).await;
    say(s, c, ann, "at the start", from).await;
    say(s, c, ann, "inside", from + 10).await;
    hold(s, c, ann, "held", from + 20).await;
    say(s, c, bob, "bob's own", from + 30).await;
    say(s, c, ann, "at the end", to).await;
    let mut auto = msg(c, ann, "ann is away", from + 40);
    auto.automatic = true;
    s.add_message(&auto).await.unwrap();
    let ignored = start(s, cyd, &[(bob, ParticipantState::Ignored)], T0).await;
    say(s, ignored, cyd, "ignored", from + 50).await;
    let request = start(s, dee, &[(bob, ParticipantState::Request)], T0).await;
    say(s, request, dee, "a request", from + 60).await;
    let elsewhere = start(s, ann, &[(cyd, ParticipantState::Active)], T0).await;
    say(s, elsewhere, ann, "not bob's", from + 70).await;

    s.create_invitation(cyd, bob, None, from - 1).await.unwrap();
    s.create_invitation(ann, bob, None, from + 1).await.unwrap();
    s.create_invitation(dee, ann, None, from + 1).await.unwrap();
    let note = |member: i64, kind: NotificationKind, key: &str, at: i64| NewNotification {
        member_id: member,
        kind,
        actor_id: ann,
        post_id: None,
        comment_id: None,
        invitation_id: None,
        group_key: key.into(),
        created_at: at,
    };
    s.notify(&[
        note(bob, NotificationKind::Mention, "mention:1", from + 1),
        note(bob, NotificationKind::Mention, "mention:2", to),
        note(bob, NotificationKind::Reaction, "reaction:1", from + 1),
        note(cyd, NotificationKind::Mention, "mention:3", from + 1),
    ])
    .await
    .unwrap();

    assert_eq!(
        s.away_summary(bob, from, to).await.unwrap(),
        AwaySummary {
            messages: 3,
            conversations: 2,
            invitations: 1,
            mentions: 1,
        }
    );
    assert_eq!(
        s.away_summary(dee, from, to).await.unwrap(),
        AwaySummary::default()
    );
}

#[tokio::test]
async fn settings_default_until_changed_and_are_read_for_many_at_once() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob] = members(s, &["ann", "bob"]).await[..] else {
        panic!()
    };
    assert!(s.message_settings_of(&[]).await.unwrap().is_empty());
    assert_eq!(
        s.message_settings(bob).await.unwrap(),
        MessageSettings::default()
    );
    let first = MessageSettings {
        who_can_message: WhoCanMessage::SecondDegree,
        read_receipts: false,
        email_after_minutes: 15,
    };
    s.set_message_settings(ann, &first).await.unwrap();
    assert_eq!(s.message_settings(ann).await.unwrap(), first);
    let second = MessageSettings {
        who_can_message: WhoCanMessage::Everyone,
        read_receipts: true,
        email_after_minutes: 0,
    };
    s.set_message_settings(ann, &second).await.unwrap();
    let mut both = s.message_settings_of(&[bob, ann]).await.unwrap();
    both.sort_by_key(|(m, _)| *m);
    assert_eq!(both, vec![(ann, second), (bob, MessageSettings::default())]);
}

#[tokio::test]
async fn reports_attachments_and_the_spam_counters() {
    let app = TestApp::new().await;
    let s = &app.store;
    let [ann, bob, eve] = members(s, &["ann", "bob", "eve"]).await[..] else {
        panic!()
    };
    let c = start(s, ann, &[(bob, ParticipantState::Active)], T0).await;
    let d = start(s, ann, &[(eve, ParticipantState::Request)], T0 + 10).await;
    start(s, bob, &[(eve, ParticipantState::Request)], T0 + 20).await;

    // Reports, with and without the message.
    let m = say(s, c, ann, "rude", T0 + 1).await;
    s.report_conversation(c, bob, Some(m.id), T0 + 2)
        .await
        .unwrap();
    s.report_conversation(c, bob, None, T0 + 3).await.unwrap();
    assert_eq!(count(s, "SELECT COUNT(*) FROM message_reports").await, 2);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM message_reports WHERE message_id = {}",
                m.id
            )
        )
        .await,
        1
    );

    // Attachments: kept as given, loaded with their message in every read.
    let a = s
        .create_attachment(&NewAttachment {
            owner_id: ann,
            name: "photo.jpg".into(),
            content_type: "image/jpeg".into(),
            size: 34_567,
            key: "k/photo".into(),
            image: true,
            created_at: T0 + 4,
        })
        .await
        .unwrap();
    assert!(a.image && a.size == 34_567 && a.key == "k/photo" && a.owner_id == ann);
    assert_eq!(s.attachment(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(s.attachment(a.id + 100).await.unwrap(), None);
    let mut with = msg(c, ann, "", T0 + 5);
    with.attachment_id = Some(a.id);
    let sent = s.add_message(&with).await.unwrap();
    assert_eq!(sent.attachment.as_ref(), Some(&a));
    assert_eq!(
        s.message(sent.id).await.unwrap().unwrap().attachment,
        Some(a.clone())
    );
    let page = s
        .messages(c, Visible::from(&me(s, c, bob).await), None, 10)
        .await
        .unwrap();
    assert_eq!(page[0].attachment.as_ref(), Some(&a));
    assert_eq!(page[1].attachment, None);
    assert_eq!(
        s.last_messages(bob, &[c]).await.unwrap()[0].attachment,
        Some(a.clone())
    );
    assert_eq!(
        s.attachment_message(a.id).await.unwrap().unwrap().id,
        sent.id
    );

    // The spam rules' counters: the sender's messages to strangers since a time, and the
    // conversations they started.
    let mut pitch = msg(d, ann, "pitch", T0 + 11);
    pitch.to_stranger = true;
    s.add_message(&pitch).await.unwrap();
    let mut theirs = msg(d, eve, "no", T0 + 12);
    theirs.to_stranger = true;
    s.add_message(&theirs).await.unwrap();
    assert_eq!(
        s.stranger_messages_since(ann, T0 + 11).await.unwrap(),
        vec![(d, "pitch".to_string())]
    );
    assert!(s
        .stranger_messages_since(ann, T0 + 12)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.conversations_started_since(ann, T0).await.unwrap(), 2);
    assert_eq!(
        s.conversations_started_since(ann, T0 + 10).await.unwrap(),
        1
    );
    assert_eq!(
        s.conversations_started_since(ann, T0 + 11).await.unwrap(),
        0
    );
    assert_eq!(s.conversations_started_since(eve, T0).await.unwrap(), 0);
}

#[tokio::test]
async fn search_folds_letters_beyond_ascii() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let bob = s.create_member(&new_member("bob"), None).await.unwrap().id;
    let c = s
        .create_conversation(&NewConversation {
            group: false,
            title: None,
            created_by: ann,
            others: vec![(bob, ParticipantState::Active)],
            created_at: 1,
        })
        .await
        .unwrap()
        .id;
    s.add_message(&NewMessage {
        conversation_id: c,
        sender_id: ann,
        body: "École Öffnung".into(),
        body_html: "<p>École Öffnung</p>".into(),
        automatic: false,
        held: false,
        to_stranger: false,
        attachment_id: None,
        created_at: 2,
    })
    .await
    .unwrap();
    for needle in ["école", "öffnung", "ole Ö"] {
        let found = s
            .search_messages(bob, &needle.to_lowercase(), None, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{needle}");
    }
}
