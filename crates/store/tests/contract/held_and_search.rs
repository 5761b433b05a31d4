//! The messaging store contract for held and automatic messages, ignored conversations and
//! search (moved out of `messaging.rs`, whose helpers they share).

use super::messaging::{bodies, hold, ids, me, members, msg, say, start, T0};
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_testkit::TestApp;

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
