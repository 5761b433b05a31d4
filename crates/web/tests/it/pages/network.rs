//! The network pages: invitations answered from "My network", the invite form with its quota
//! and refusals, the top-bar count, badges on profiles and cards, connections, suggestions,
//! blocking from a profile, and contacts found from an uploaded file.

use super::*;

async fn invite_page(app: &TestApp, from: &TestMember, to: &str) -> String {
    let r = app
        .get(&format!("/in/{to}/invite"))
        .session(from)
        .send()
        .await;
    r.assert_status(200);
    r.text()
}

#[tokio::test]
async fn inviting_from_a_profile_and_accepting_from_my_network() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;

    let profile = app.get("/in/bob").session(&ann).send().await.text();
    assert!(
        profile.contains("id=\"connect\" href=\"/in/bob/invite\""),
        "{profile}"
    );

    let html = invite_page(&app, &ann, "bob").await;
    assert!(
        html.contains("100 of 100 left this week, resets Monday"),
        "{html}"
    );
    // A note over 300 characters is refused beside the field, and nothing is sent.
    let long = "x".repeat(301);
    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", &long)])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "note", "at most 300");
    assert!(app
        .get("/")
        .session(&bob)
        .send()
        .await
        .text()
        .contains("id=\"pending-count\" role=\"img\" aria-label=\"0 pending invitations\" hidden"));

    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", "Met at RustConf")])
        .send()
        .await;
    r.assert_status(303);
    assert_eq!(location(&r), "/in/bob?done=invited");
    let html = invite_page(&app, &ann, "bob").await;
    assert!(
        html.contains("id=\"invite-refusal\"") && html.contains("still pending"),
        "{html}"
    );
    assert!(html.contains("99 of 100 left this week"), "{html}");

    // Bob sees the count in the top bar and the invitation with its note.
    let home = app.get("/network").session(&bob).send().await.text();
    assert!(
        home.contains("id=\"pending-count\" role=\"img\" aria-label=\"1 pending invitation\">1<"),
        "{home}"
    );
    assert!(home.contains("Met at RustConf"), "{home}");
    let id = home
        .split("id=\"invitation-")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // Ann cannot accept her own invitation.
    let r = app
        .post(&format!("/network/invitations/{id}/accept"))
        .session(&ann)
        .send()
        .await;
    r.assert_status(404);
    let r = app
        .post(&format!("/network/invitations/{id}/accept"))
        .session(&bob)
        .send()
        .await;
    r.assert_status(303);
    let page = app
        .get("/network?done=accept")
        .session(&bob)
        .send()
        .await
        .text();
    assert!(
        page.contains("you are now connected") && page.contains("id=\"stat-first\">1<"),
        "{page}"
    );
    assert!(page
        .contains("id=\"pending-count\" role=\"img\" aria-label=\"0 pending invitations\" hidden"));

    let profile = app.get("/in/ann").session(&bob).send().await.text();
    assert!(profile.contains("<span class=\"degree\""), "{profile}");
    assert!(
        profile.contains(">1st</span>") && profile.contains("id=\"remove-connection\""),
        "{profile}"
    );
    let list = app
        .get("/network/connections")
        .session(&bob)
        .send()
        .await
        .text();
    assert!(
        list.contains("href=\"/in/ann\"") && list.contains("Connected "),
        "{list}"
    );
}

#[tokio::test]
async fn refusals_name_the_rule_and_when_it_lifts() {
    let app = TestApp::with_settings(|s| s.limits.invitations_per_week = 1).await;
    let ann = app.member("ann").await;
    app.member("bob").await;
    app.member("cyd").await;
    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", "")])
        .send()
        .await;
    r.assert_status(303);
    let html = invite_page(&app, &ann, "cyd").await;
    assert!(
        html.contains("0 of 1 left this week, resets Monday"),
        "{html}"
    );
    assert!(
        html.contains("You have sent your 1 invitations for this week"),
        "{html}"
    );
    let r = app
        .post("/in/cyd/invite")
        .session(&ann)
        .form(&[("note", "")])
        .send()
        .await;
    r.assert_status(429);
    assert!(r.header("retry-after").is_some());
    assert!(r.text().contains("You can send more from Monday"));
}

#[tokio::test]
async fn an_email_is_asked_for_when_the_invitee_wants_it() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let r = app
        .post("/network/invite-policy")
        .session(&bob)
        .form(&[("invite_policy", "email")])
        .send()
        .await;
    r.assert_status(303);
    let html = invite_page(&app, &ann, "bob").await;
    assert!(
        html.contains("id=\"email-reason\"") && html.contains("name=\"email\""),
        "{html}"
    );
    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", ""), ("email", "wrong@example.com")])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "email", "not theirs");
    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", ""), ("email", "bob@example.com")])
        .send()
        .await;
    r.assert_status(303);
}

#[tokio::test]
async fn cards_and_profiles_show_degrees_mutuals_and_the_path() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let dan = app.member("dan").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;
    app.connect(&cyd, &dan).await;

    let members = app.get("/members").session(&ann).send().await.text();
    for (handle, badge) in [("bob", "1st"), ("cyd", "2nd"), ("dan", "3rd")] {
        let card = members
            .split(&format!("href=\"/in/{handle}\""))
            .nth(1)
            .unwrap();
        let card = &card[..card.find("</li>").unwrap()];
        assert!(
            card.contains(&format!(">{badge}</span>")),
            "{handle}: {card}"
        );
    }
    let profile = app.get("/in/cyd").session(&ann).send().await.text();
    assert!(
        profile.contains(">2nd</span>") && profile.contains("1 mutual connection"),
        "{profile}"
    );
    let path = app.get("/in/dan").session(&ann).send().await.text();
    let section = &path[path.find("id=\"how-connected\"").expect("path shown")..];
    let order: Vec<usize> = ["You<", "Bob<", "Cyd<", "Dan<"]
        .iter()
        .map(|n| section.find(n).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{section}");
    let mutuals = app.get("/in/cyd/mutuals").session(&ann).send().await.text();
    assert!(mutuals.contains("href=\"/in/bob\""), "{mutuals}");
}

#[tokio::test]
async fn suggestions_say_why_and_dismissed_ones_stay_away() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;
    let page = app.get("/network").session(&ann).send().await.text();
    assert!(
        page.contains("id=\"suggestion-cyd\"") && page.contains("1 mutual connection"),
        "{page}"
    );
    let home = app.get("/").session(&ann).send().await.text();
    assert!(
        home.contains("id=\"suggestion-cyd\""),
        "the home page's card: {home}"
    );
    let r = app
        .post("/network/suggestions/cyd/dismiss")
        .session(&ann)
        .form(&[("back", "/network/suggestions")])
        .send()
        .await;
    r.assert_status(303);
    assert_eq!(location(&r), "/network/suggestions?done=dismiss");
    let page = app
        .get("/network/suggestions")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(!page.contains("id=\"suggestion-cyd\""), "{page}");
}

#[tokio::test]
async fn blocking_from_a_profile_makes_each_unavailable_to_the_other() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let r = app.post("/in/bob/block").session(&ann).send().await;
    r.assert_status(303);
    app.get("/in/bob")
        .session(&ann)
        .send()
        .await
        .assert_status(404);
    app.get("/in/ann")
        .session(&bob)
        .send()
        .await
        .assert_status(404);
    let manage = app.get("/network/manage").session(&ann).send().await.text();
    assert!(
        manage.contains("id=\"blocked-list\"") && manage.contains("Bob"),
        "{manage}"
    );
    // Someone else cannot unblock on Ann's behalf: Bob has blocked no one.
    app.post("/in/ann/unblock")
        .session(&bob)
        .send()
        .await
        .assert_status(404);
    app.post("/in/bob/unblock")
        .session(&ann)
        .send()
        .await
        .assert_status(303);
    let profile = app.get("/in/bob").session(&ann).send().await.text();
    assert!(
        profile.contains("id=\"connect\""),
        "nothing restored: {profile}"
    );
}

#[tokio::test]
async fn contacts_from_a_linkedin_export_are_matched_and_the_rest_counted() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.member("cyd").await;
    let dan_v = app.viewer(&app.member("dan").await);
    let input = PositionInput {
        company: "Acme, Inc.".into(),
        title: "Engineer".into(),
        start: "2020-01".into(),
        ..PositionInput::default()
    };
    app.guild.add_position(&dan_v, input).await.unwrap();
    let csv = "\u{feff}Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\nBob,,https://www.linkedin.com/in/bob,BOB@example.com,Initech,Engineer,12 Mar 2021\nDan,,,,\"Acme, Inc.\",Engineer,1 Jan 2020\nZoe,Nobody,,zoe@nowhere.test,Elsewhere,CTO,2 Feb 2022\n";
    let r = app
        .post("/network/contacts")
        .session(&ann)
        .multipart_file("file", "Connections.csv", "text/csv", csv.as_bytes())
        .send()
        .await;
    r.assert_status(200);
    let html = r.text();
    let matched = &html[html.find("id=\"matched-list\"").expect("matched")..];
    assert!(
        matched.contains(&format!("href=\"/in/{}\"", bob.handle)),
        "{html}"
    );
    let maybe = &html[html.find("id=\"maybe-list\"").expect("maybe")..];
    assert!(maybe.contains("href=\"/in/dan\""), "{html}");
    assert!(
        html.contains("Of 3 contacts, 1 are members, 1 may be; 1 matched no one."),
        "{html}"
    );
    // One click invites a contact found in the file.
    assert!(
        matched.contains("action=\"/in/bob/invite\" method=\"post\""),
        "{matched}"
    );
    let r = app
        .post("/in/bob/invite")
        .session(&ann)
        .form(&[("note", "")])
        .send()
        .await;
    r.assert_status(303);

    let r = app
        .post("/network/contacts")
        .session(&ann)
        .multipart_file(
            "file",
            "junk.csv",
            "text/csv",
            b"Name,Email\n\"Ann,ann@x.org\nBob,bob@x.org\n",
        )
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "file", "line 2");
}
