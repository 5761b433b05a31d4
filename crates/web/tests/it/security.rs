//! Headers, the cross-site guard, the API's error shape and its documentation.

use guild_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn pages_and_api_carry_the_security_headers() {
    let app = TestApp::new().await;
    for path in ["/", "/api/v1/members", "/no/such/page"] {
        let r = app.get(path).send().await;
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
}

#[tokio::test]
async fn cross_site_writes_with_a_cookie_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .patch("/api/v1/me/profile")
        .session(&ann)
        .cross_site()
        .json(json!({"headline": "pwned"}))
        .send()
        .await;
    r.assert_status(403);
    assert_eq!(r.error_code(), "forbidden");
    // no Fetch Metadata and no Origin: refused too
    let r = app
        .patch("/api/v1/me/profile")
        .session(&ann)
        .header("sec-fetch-site", "cross-site")
        .json(json!({"headline": "pwned"}))
        .send()
        .await;
    r.assert_status(403);
    // an Origin that matches the host passes
    app.patch("/api/v1/me/profile")
        .session(&ann)
        .header("sec-fetch-site", "same-origin")
        .header("origin", "http://guild.test")
        .json(json!({"headline": "mine"}))
        .send()
        .await
        .assert_status(200);
    // a bearer token is not a browser riding on a cookie
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .cross_site()
        .json(json!({"about": "from a script"}))
        .send()
        .await
        .assert_status(200);
    let me = app.get("/api/v1/me").token(&ann).send().await.json();
    assert_eq!(me["profile"]["headline"], "mine");
    // a script with no cookie at all (here: creating its token) has no session to ride on
    app.post("/api/v1/auth/tokens")
        .header("sec-fetch-site", "cross-site")
        .json(json!({"email": ann.email, "password": ann.password, "label": "cron"}))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn unknown_api_routes_answer_in_the_error_shape() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/nothing-here").send().await;
    r.assert_status(404);
    assert_eq!(r.error_code(), "not_found");
    assert!(r.json()["error"]["message"].is_string());
}

#[tokio::test]
async fn openapi_document_lists_the_contract_and_swagger_ui_is_served_locally() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/openapi.json").send().await;
    r.assert_status(200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/v1/auth/signup", "post"),
        ("/api/v1/auth/tokens", "post"),
        ("/api/v1/auth/tokens/{id}", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/me/profile", "patch"),
        ("/api/v1/me/positions", "post"),
        ("/api/v1/me/education", "post"),
        ("/api/v1/me/skills", "put"),
        ("/api/v1/me/photo", "post"),
        ("/api/v1/members/{handle}", "get"),
        ("/api/v1/members", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} documented"
        );
    }
    let ui = app.get("/api/docs/").send().await;
    ui.assert_status(200);
    assert!(ui.text().contains("swagger"), "{}", ui.text());
    // its assets come from the binary, not a CDN
    assert!(!ui.text().contains("https://"));
    app.get("/api/docs/swagger-ui.css")
        .send()
        .await
        .assert_status(200);
    app.get("/api/docs/swagger-ui-bundle.js")
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_bad_token_is_a_json_401_on_the_api_and_a_sign_in_redirect_on_pages() {
    let app = TestApp::new().await;
    let r = app.get("/api/v1/me").bearer("gld_not_a_token").send().await;
    r.assert_status(401);
    assert_eq!(r.error_code(), "unauthenticated");
    let r = app.get("/me/edit").bearer("gld_not_a_token").send().await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(r.header("location").unwrap().starts_with("/signin"));
    assert!(!r
        .header("content-type")
        .unwrap_or_default()
        .contains("json"));
}
