//! People You May Know's profile signals come from the in-memory affinity index: a position,
//! a school or a place added, changed or removed through one node changes the suggestions
//! through that node at once and through another node (PostgreSQL) within `nodes::SOON`, by
//! the change stream. On SQLite the one node follows its own stream and must not apply its
//! changes twice.

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::nodes::{json_of, other_node, soon};

/// The reasons `of` is suggested to `who` for, through `node`; `None` when not suggested.
async fn reasons(node: &TestApp, who: &TestMember, of: &str) -> Option<Vec<String>> {
    let (status, v) = json_of(node, who, "/api/v1/pymk").await;
    assert_eq!(status, 200, "{v}");
    let item = v["items"]
        .as_array()?
        .iter()
        .find(|i| i["member"]["handle"] == of)?;
    Some(
        item["reasons"]
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    )
}

async fn add_position(node: &TestApp, who: &TestMember, company: &str, start: &str) -> String {
    let r = node
        .post("/api/v1/me/positions")
        .token(who)
        .json(json!({"company": company, "title": "Engineer", "start": start}))
        .send()
        .await;
    r.assert_status(201);
    r.json()["position"]["id"]
        .as_str()
        .expect("the new position's id")
        .to_string()
}

#[tokio::test]
async fn a_new_colleague_is_suggested_through_this_node_and_the_other() {
    let app = TestApp::new().await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    add_position(one, &ann, "Acme", "2020-01").await;
    assert_eq!(reasons(one, &ann, "cyd").await, None);

    // Through the same node: suggested at once, both ways.
    add_position(one, &cyd, "ACME", "2022-03").await;
    assert_eq!(
        reasons(one, &ann, "cyd").await,
        Some(vec!["Both at Acme since 2022".to_string()])
    );
    assert_eq!(
        reasons(one, &cyd, "ann").await,
        Some(vec!["Both at ACME since 2022".to_string()])
    );

    // Through the other node: bob's position reaches node one by the stream.
    let bobs = add_position(two, &bob, "Acme", "2021-05").await;
    soon("bob suggested to ann at Acme, through node one", || async {
        reasons(one, &ann, "bob").await == Some(vec!["Both at Acme since 2021".to_string()])
    })
    .await;
    // And ann's, already there when node two started following, is seen through node two.
    assert_eq!(
        reasons(two, &bob, "ann").await,
        Some(vec!["Both at Acme since 2021".to_string()])
    );

    // A place set through node two adds its reason on node one.
    for who in [&ann, &bob] {
        two.patch("/api/v1/me/profile")
            .token(who)
            .json(json!({"location": "Utrecht"}))
            .send()
            .await
            .assert_status(200);
    }
    soon("bob also in Utrecht, through node one", || async {
        reasons(one, &ann, "bob").await
            == Some(vec![
                "Both at Acme since 2021".to_string(),
                "Also in Utrecht".to_string(),
            ])
    })
    .await;

    // Removed through node two: bob is no longer a colleague, and a shared place alone
    // makes no candidate.
    two.delete(&format!("/api/v1/me/positions/{bobs}"))
        .token(&bob)
        .send()
        .await
        .assert_status(204);
    soon("bob no longer at Acme, through node one", || async {
        reasons(one, &ann, "bob").await.is_none()
    })
    .await;
    assert_eq!(
        reasons(one, &ann, "cyd").await,
        Some(vec!["Both at Acme since 2022".to_string()])
    );
}
