//! Member text is shown as text: markup in a headline does not become markup on the page.

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

#[tokio::test(flavor = "multi_thread")]
async fn a_headline_with_markup_renders_as_text() {
    let (app, base) = served_app().await;
    let xavier = app.member("xavier").await;
    let b = Browser::desktop(&base).await;
    sign_in(&b, &xavier).await;

    let headline = r#"<img src=x onerror="window.__xss=1">"#;
    b.goto("/me/edit?open=intro").await;
    b.fill("#profile-form [name=headline]", headline).await;
    b.submit("#profile-form").await;
    b.wait_path("/me/edit").await;

    b.goto(&format!("/in/{}", xavier.handle)).await;
    assert_eq!(
        b.text("#profile-headline").await,
        headline,
        "the headline is not shown as typed"
    );
    assert!(
        !b.exists("#profile-headline img").await,
        "the headline became an <img> element"
    );
    // The CSP would stop the inline handler even if the markup got through, so the two checks
    // above are the ones that prove escaping; this one proves no script ran.
    let clean = b.js("return window.__xss === undefined", vec![]).await;
    assert_eq!(
        clean,
        serde_json::Value::Bool(true),
        "the headline's onerror handler ran"
    );
}
