//! The outbox and pending sign-ups: a due job is claimed by one caller until its claim ends,
//! a retried job waits for its time, a done job keeps no payload and is purged later; a
//! sign-up's link opens it once, and only before it expires.

use guild_core::accounts::model::NewSignup;
use guild_core::accounts::store::SignupStore;
use guild_core::domain::{Email, Handle};
use guild_core::outbox::store::OutboxStore;
use guild_testkit::TestApp;

const T0: i64 = 1_700_000_000_000;

#[tokio::test]
async fn jobs_are_claimed_once_retried_later_and_forgotten_when_done() {
    let app = TestApp::new().await;
    let s = &app.store;
    let a = s.enqueue_job("mail", "first", T0, T0).await.unwrap();
    let b = s.enqueue_job("mail", "second", T0, T0 + 1).await.unwrap();
    let later = s
        .enqueue_job("mail", "later", T0, T0 + 1_000)
        .await
        .unwrap();
    assert_eq!(s.pending_jobs().await.unwrap(), 3);

    // due at T0+1: the first two, oldest first, each counted as an attempt
    let claimed = s.claim_jobs(T0 + 1, T0 + 100, 10).await.unwrap();
    let got: Vec<_> = claimed
        .iter()
        .map(|j| (j.id, j.payload.as_str(), j.attempts))
        .collect();
    assert_eq!(got, [(a, "first", 1), (b, "second", 1)]);
    // held: nobody else gets them while the claim lasts, and the limit is kept
    assert!(s.claim_jobs(T0 + 2, T0 + 100, 10).await.unwrap().is_empty());
    assert_eq!(
        s.claim_jobs(T0 + 1_000, T0 + 1_100, 1).await.unwrap().len(),
        1
    );

    s.finish_job(a, T0 + 3, None).await.unwrap();
    s.retry_job(b, T0 + 500, "mail server down").await.unwrap();
    assert_eq!(s.pending_jobs().await.unwrap(), 2, "b and later");
    // b waits for its time; then it is claimed again, its attempts counted
    assert!(s
        .claim_jobs(T0 + 400, T0 + 450, 10)
        .await
        .unwrap()
        .iter()
        .all(|j| j.id != b));
    let again = s.claim_jobs(T0 + 500, T0 + 600, 10).await.unwrap();
    assert_eq!(
        again.iter().map(|j| (j.id, j.attempts)).collect::<Vec<_>>(),
        [(b, 2)]
    );
    // a claim that ran out (a node died) is given to the next caller
    let lapsed = s.claim_jobs(T0 + 1_200, T0 + 1_300, 10).await.unwrap();
    let ids: Vec<_> = lapsed.iter().map(|j| j.id).collect();
    assert_eq!(ids, [b, later]);

    s.finish_job(b, T0 + 1_200, Some("gave up")).await.unwrap();
    s.finish_job(later, T0 + 1_250, None).await.unwrap();
    assert_eq!(s.pending_jobs().await.unwrap(), 0);
    assert!(s
        .claim_jobs(T0 + 9_999, T0 + 10_000, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.purge_jobs(T0 + 1_201).await.unwrap(),
        2,
        "a and b, not later"
    );
    assert_eq!(s.purge_jobs(T0 + 9_999).await.unwrap(), 1);
}

fn signup(email: &str, at: i64) -> NewSignup {
    NewSignup {
        email: Email::parse(email).unwrap(),
        name: "Sam Doe".into(),
        handle: Handle::parse("sam-doe").unwrap(),
        password_hash: "hash".into(),
        invite_hash: None,
        created_at: at,
        expires_at: at + 1_000,
    }
}

#[tokio::test]
async fn a_signup_link_opens_once_before_it_expires() {
    let app = TestApp::new().await;
    let s = &app.store;
    let first = s
        .create_signup(&signup("sam@example.com", T0))
        .await
        .unwrap();
    let second = s
        .create_signup(&signup("sam@example.com", T0 + 10))
        .await
        .unwrap();
    let other = s
        .create_signup(&signup("kim@example.com", T0))
        .await
        .unwrap();
    assert_eq!(
        s.signup_by_id(first).await.unwrap().map(|x| x.new),
        Some(signup("sam@example.com", T0))
    );
    assert_eq!(
        s.newest_signup_for("sam@example.com", T0 + 20)
            .await
            .unwrap()
            .map(|x| x.id),
        Some(second)
    );
    // no link yet, then one; a new link replaces it
    assert!(s.take_signup("h1", T0 + 20).await.unwrap().is_none());
    s.set_signup_token(first, "h1").await.unwrap();
    s.set_signup_token(first, "h2").await.unwrap();
    assert!(s.take_signup("h1", T0 + 20).await.unwrap().is_none());
    assert_eq!(
        s.take_signup("h2", T0 + 20).await.unwrap().map(|x| x.id),
        Some(first)
    );
    assert!(
        s.take_signup("h2", T0 + 21).await.unwrap().is_none(),
        "once"
    );
    // expired: not opened, not found, and deleted
    s.set_signup_token(other, "h3").await.unwrap();
    assert!(s.take_signup("h3", T0 + 1_000).await.unwrap().is_none());
    assert!(s
        .newest_signup_for("sam@example.com", T0 + 1_010)
        .await
        .unwrap()
        .is_none());
    assert_eq!(s.delete_expired_signups(T0 + 1_010).await.unwrap(), 2);
    assert!(s.signup_by_id(second).await.unwrap().is_none());
}
