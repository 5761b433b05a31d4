//! People You May Know leads somewhere: every suggestion is a member the viewer may open and may
//! invite now, on the page and in the API, and a card says its mutual count once.

use guild_testkit::TestApp;
use serde_json::json;

use crate::api_network::{act, get_json, handles, invite, invite_id, members, profile};

#[tokio::test]
async fn no_suggestion_is_a_member_the_viewer_may_not_open_or_invite_now() {
    let app = TestApp::new().await;
    let m = members(
        &app,
        &[
            "ann", "bob", "cyd", "dan", "eve", "priv", "wit", "pen", "inc", "blk", "okay", "oken",
        ],
    )
    .await;
    let (ann, bob, cyd, dan, eve) = (&m[0], &m[1], &m[2], &m[3], &m[4]);
    let (priv_, wit, pen, inc, blk) = (&m[5], &m[6], &m[7], &m[8], &m[9]);
    let (ok, oke) = (&m[10], &m[11]);
    for friend in [bob, cyd, dan, eve] {
        app.connect(ann, friend).await;
    }
    // Each of these would top the list on mutual connections alone.
    for blocked_out in [priv_, wit, pen, inc, blk] {
        for friend in [bob, cyd, dan, eve] {
            app.connect(blocked_out, friend).await;
        }
    }
    app.connect(ok, bob).await;
    app.connect(oke, cyd).await;
    app.connect(oke, dan).await;
    app.patch("/api/v1/me/profile")
        .token(priv_)
        .json(json!({"visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    let withdrawn = invite_id(&app, ann, wit).await;
    act(&app, ann, &withdrawn, "withdraw")
        .await
        .assert_status(200);
    invite_id(&app, ann, pen).await;
    invite_id(&app, inc, ann).await;
    app.put("/api/v1/blocks/ann")
        .token(blk)
        .send()
        .await
        .assert_status(204);

    let api = handles(&get_json(&app, ann, "/api/v1/pymk").await);
    assert_eq!(api, ["oken", "okay"], "API suggestions");

    let page = app
        .get("/network/suggestions")
        .session(ann)
        .send()
        .await
        .text();
    for h in ["priv", "wit", "pen", "inc", "blk"] {
        assert!(
            !page.contains(&format!("id=\"suggestion-{h}\"")),
            "{h} suggested on the page"
        );
    }
    let card = |h: &str| {
        let start = page
            .find(&format!("id=\"suggestion-{h}\""))
            .unwrap_or_else(|| panic!("{h} not suggested:\n{page}"));
        let rest = &page[start + 1..];
        let end = rest
            .find("id=\"suggestion-")
            .or_else(|| rest.find("</section>"))
            .map_or(page.len(), |e| start + 1 + e);
        page[start..end].to_string()
    };
    let oke_card = card("oken");
    assert_eq!(
        oke_card.matches("2 mutual connections").count(),
        1,
        "{oke_card}"
    );
    assert!(!oke_card.contains("shared connection"), "{oke_card}");
    card("okay");

    // Each suggestion opens and takes an invitation.
    for who in [ok, oke] {
        profile(&app, ann, &who.handle).await.assert_status(200);
        app.get(&format!("/in/{}", who.handle))
            .session(ann)
            .send()
            .await
            .assert_status(200);
        invite(&app, ann, who).await.assert_status(201);
    }
    // The ones left out are refused by the same rules.
    profile(&app, ann, "priv").await.assert_status(403);
    assert_eq!(
        invite(&app, ann, wit).await.assert_status(429).error_code(),
        "invitation_cooldown"
    );
}
