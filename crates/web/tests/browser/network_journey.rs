//! Two members connect through People You May Know: Ann sees Cyd suggested (a shared
//! connection), Cyd is 2nd degree on her profile, Ann sends an invitation with a note from the
//! suggestion, Cyd accepts it from "My network", and the badge between them reads 1st.

use crate::browser::Browser;
use crate::flows::{served_app, sign_in, sign_out};

#[tokio::test(flavor = "multi_thread")]
async fn connect_through_a_suggestion_and_the_badge_turns_first() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;

    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/in/cyd").await;
    let badge = b.text("#profile-name .degree").await;
    if !badge.contains("2nd") {
        b.fail(&format!(
            "Cyd should be 2nd degree, the badge says {badge:?}"
        ))
        .await;
    }

    // The suggestion says why, and its Connect button leads to the invite form.
    b.goto("/network").await;
    // The mutual count is said once, on the card's own line.
    let reasons = b.text("#suggestion-cyd .member-mutuals").await;
    if !reasons.contains("1 mutual connection") {
        b.fail(&format!("the suggestion's reasons are {reasons:?}"))
            .await;
    }
    b.click_and_wait("#suggestion-cyd a.connect").await;
    b.wait_path("/in/cyd/invite").await;
    let quota = b.text("#invite-quota").await;
    // Ann invited Bob this week already (the setup above).
    if !quota.contains("99 of 100 left this week, resets Monday") {
        b.fail(&format!("the quota reads {quota:?}")).await;
    }
    b.fill(
        "textarea[name=note]",
        "Bob says we should talk about graphs.",
    )
    .await;
    b.submit("#invite-form").await;
    b.wait_path("/in/cyd").await;
    if !b.exists("#pending").await {
        b.fail("after inviting, Cyd's profile should say the invitation is pending")
            .await;
    }
    b.screenshot("network-invited").await;
    sign_out(&b).await;

    // Cyd sees the count in the top bar, reads the note and accepts.
    sign_in(&b, &cyd).await;
    let count = b.text("#pending-count").await;
    if count.trim() != "1" {
        b.fail(&format!("the top bar counts {count:?} pending invitations"))
            .await;
    }
    b.click_and_wait("#nav-network").await;
    let note = b.text("#received .note").await;
    if !note.contains("talk about graphs") {
        b.fail(&format!("the invitation's note reads {note:?}"))
            .await;
    }
    b.click_and_wait("#received button.accept").await;
    if !b.text("#network-notice").await.contains("now connected") {
        b.fail("accepting should confirm the connection").await;
    }
    b.goto("/in/ann").await;
    let badge = b.text("#profile-name .degree").await;
    if !badge.contains("1st") {
        b.fail(&format!(
            "Ann should now be 1st degree, the badge says {badge:?}"
        ))
        .await;
    }
    b.screenshot("network-connected").await;
}
