//! The OpenAPI document tells the truth: parameters where the server reads them, security and
//! 401 exactly where a member is needed (asked of the server itself), one error response for
//! every error, and schemas that say what core checks (their patterns against core's own
//! parsers). Schemathesis fuzzes the rest (`scripts/schemathesis.sh`, a step of the tests).

use guild_core::domain::{self, YearMonth};
use guild_core::lengths;
use guild_core::media::UploadKind;
use guild_testkit::TestApp;
use guild_web::api::docs::{NO_AUTH, OPENAPI_PATH, SIGNED_OUT_READS};
use serde_json::{json, Value};

async fn document(app: &TestApp) -> Value {
    let r = app.get(OPENAPI_PATH).send().await;
    r.assert_status(200);
    r.json()
}

/// Every `(method, path, operation)` of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            all.push((method.clone(), path.clone(), op.clone()));
        }
    }
    all
}

fn params<'a>(op: &'a Value, place: &str) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter(|p| p["in"] == place).collect())
        .unwrap_or_default()
}

fn is_public(method: &str, path: &str) -> bool {
    NO_AUTH.contains(&(method, path)) || SIGNED_OUT_READS.contains(&(method, path))
}

#[tokio::test]
async fn path_parameters_are_the_paths_own_and_everything_else_is_a_query() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let mut queries = 0;
    for (method, path, op) in operations(&doc) {
        let mut in_path: Vec<String> = params(&op, "path")
            .iter()
            .map(|p| {
                assert_eq!(
                    p["required"], true,
                    "{method} {path}: path parameters are required"
                );
                p["name"].as_str().unwrap().to_string()
            })
            .collect();
        in_path.sort();
        let mut template: Vec<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect();
        template.sort();
        assert_eq!(in_path, template, "{method} {path}: path parameters");
        for p in params(&op, "query") {
            queries += 1;
            let name = p["name"].as_str().unwrap();
            if ["cursor", "limit", "sort", "box"].contains(&name) {
                assert_eq!(p["required"], false, "{method} {path}: ?{name} is optional");
            }
        }
    }
    // The paged lists, the directory's filters, the feed's sort, the boxes, the searches.
    assert!(queries >= 40, "only {queries} query parameters documented");
    let feed = &doc["paths"]["/api/v1/feed"]["get"];
    let names: Vec<&str> = params(feed, "query")
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sort", "cursor", "limit"]);
    let mentions = &doc["paths"]["/api/v1/mentions"]["get"];
    assert_eq!(
        params(mentions, "query")[0]["required"],
        true,
        "?q is required"
    );
}

#[tokio::test]
async fn security_and_401_are_declared_exactly_where_a_member_is_needed() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert!(doc.get("security").is_none(), "no blanket security");
    for entry in NO_AUTH.iter().chain(SIGNED_OUT_READS) {
        let (method, path) = *entry;
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is listed as public but not documented"
        );
    }
    let mut secured = 0;
    for (method, path, op) in operations(&doc) {
        let responses = &op["responses"];
        if is_public(&method, &path) {
            assert!(op.get("security").is_none(), "{method} {path} is public");
        } else {
            secured += 1;
            assert_eq!(
                op["security"],
                json!([{"bearer": []}, {"session": []}]),
                "{method} {path} needs a member"
            );
            assert!(
                responses["401"].is_object(),
                "{method} {path} documents 401"
            );
        }
        if SIGNED_OUT_READS.contains(&(method.as_str(), path.as_str())) {
            assert!(
                responses["401"].is_object(),
                "{method} {path}: a bad token is 401"
            );
        }
    }
    assert!(secured > 80, "{secured}");
}

/// Asks every operation that takes no body, with no token: a secured one answers 401, a
/// public one anything else. The ones with bodies are asked by Schemathesis (its
/// `ignored_auth` check sends valid bodies without the token).
#[tokio::test]
async fn the_server_agrees_with_the_document_on_who_may_ask() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let post = app
        .post("/api/v1/posts")
        .token(&ann)
        .json(json!({"body": "Hello"}))
        .send()
        .await
        .json()["post"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = document(&app).await;
    let mut asked = 0;
    for (method, path, op) in operations(&doc) {
        if op.get("requestBody").is_some() || path == "/api/v1/events" {
            continue;
        }
        let url = path
            .replace("{id}", &post)
            .replace("{handle}", &ann.handle)
            .replace("{tag}", "rust");
        let url = if path == "/api/v1/mentions"
            || path == "/api/v1/members/lookup"
            || path == "/api/v1/messages/search"
        {
            format!("{url}?q=ann")
        } else {
            url
        };
        let req = match method.as_str() {
            "get" => app.get(&url),
            "post" => app.post(&url),
            "put" => app.put(&url),
            "patch" => app.patch(&url),
            "delete" => app.delete(&url),
            other => panic!("{other}"),
        };
        let r = req.send().await;
        asked += 1;
        if is_public(&method, &path) {
            assert_ne!(r.status.as_u16(), 401, "{method} {path} works signed out");
        } else {
            r.assert_status(401);
            assert_eq!(r.error_code(), "unauthenticated", "{method} {path}");
        }
    }
    assert!(asked > 50, "{asked}");
    // A signed-out read still refuses a bad token.
    let r = app.get("/api/v1/members").bearer("gld_nope").send().await;
    r.assert_status(401);
}

#[tokio::test]
async fn every_error_is_the_one_error_response_and_its_codes_are_cores() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let component = &doc["components"]["responses"]["Error"];
    assert_eq!(
        component["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error"
    );
    let detail = &doc["components"]["schemas"]["ErrorDetail"];
    let codes: Vec<&str> = detail["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in guild_core::Code::ALL {
        assert!(codes.contains(&code.as_str()), "{}", code.as_str());
    }
    assert!(codes.contains(&"bad_request"));
    let mut ids = std::collections::HashSet::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap().to_string();
        assert!(ids.insert(id.clone()), "operationId {id} twice");
        for (status, r) in op["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    r["$ref"], "#/components/responses/Error",
                    "{method} {path} {status}"
                );
                assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()));
            }
        }
        if op.get("requestBody").is_some() || !params(&op, "query").is_empty() {
            for status in ["400", "422"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path} documents {status}"
                );
            }
        }
    }
    // What a real error looks like fits: a 404 and a 422 with fields.
    let ann = app.member("ann").await;
    let r = app.get("/api/v1/posts/999999").token(&ann).send().await;
    r.assert_status(404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app.get("/api/v1/feed?limit=0").token(&ann).send().await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["limit"].is_string());
}

#[tokio::test]
async fn the_issues_examples_are_fixed() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
            .clone()
    };
    // The token list is a list page.
    let tokens = body("/api/v1/auth/tokens", "get");
    assert_eq!(tokens["$ref"], "#/components/schemas/ListJson_TokenJson");
    assert!(schemas["ListJson_TokenJson"]["properties"]["next_cursor"].is_object());
    // The network's counts are not a post's statistics.
    assert_eq!(
        body("/api/v1/network/stats", "get")["$ref"],
        "#/components/schemas/NetworkStatsJson"
    );
    let stats = schemas["NetworkStatsJson"]["properties"]
        .as_object()
        .unwrap();
    let mut keys: Vec<&str> = stats.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["first", "second", "third"]);
    // The 409 of accepting a conversation that is not a request.
    assert!(
        doc["paths"]["/api/v1/conversations/{id}/accept"]["post"]["responses"]["409"].is_object()
    );
    // Enums and limits from core.
    let post = &schemas["PostRequest"]["properties"];
    assert_eq!(
        post["visibility"]["enum"],
        json!(["anyone", "connections", null])
    );
    for request in ["PostRequest", "PostEditRequest"] {
        assert_eq!(
            schemas[request]["properties"]["images"]["maxItems"],
            guild_core::feed::MAX_IMAGES,
            "{request}"
        );
    }
    assert_eq!(
        schemas["ReactionRequest"]["properties"]["kind"]["enum"],
        json!(["like", "celebrate", "support", "insightful", "curious"])
    );
    let limit = params(&doc["paths"]["/api/v1/members"]["get"], "query")
        .into_iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["schema"]["maximum"], guild_core::paging::MAX_LIMIT);
    assert_eq!(limit["schema"]["minimum"], 1);
}

/// What the server does since sign-in codes, revocable tokens and upload limits: the document
/// says it too.
#[tokio::test]
async fn sign_in_codes_kept_tokens_and_upload_limits_are_documented() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    // A token for a code instead of a password; a wrong code is refused on its field.
    let token = &schemas["TokenRequest"];
    assert_eq!(token["required"], json!(["email"]), "{token}");
    assert!(token["properties"]["code"].is_object(), "{token}");
    let tokens = &doc["paths"]["/api/v1/auth/tokens"]["post"]["responses"];
    assert!(tokens["401"]["description"]
        .as_str()
        .unwrap()
        .contains("sign_in_code_required"));
    assert!(tokens["422"].is_object());
    // A password change may keep the tokens, which it revokes unless asked not to.
    let change = &schemas["PasswordChange"];
    assert_eq!(change["properties"]["keep_tokens"]["type"], "boolean");
    assert!(!change["required"]
        .as_array()
        .unwrap()
        .contains(&json!("keep_tokens")));
    // A sign-up names the member it will make, with no id: there is none yet.
    let pending = &schemas["PendingMemberJson"]["properties"];
    let mut keys: Vec<&str> = pending
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["handle", "name"]);
    // Uploads are limited per member per hour.
    for path in ["/api/v1/me/photo", "/api/v1/media", "/api/v1/attachments"] {
        assert!(
            doc["paths"][path]["post"]["responses"]["429"].is_object(),
            "{path}"
        );
    }
}

/// The forms' file fields are the ones core reads.
#[tokio::test]
async fn upload_forms_name_the_field_core_reads() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    for (path, kind) in [
        ("/api/v1/me/photo", UploadKind::Photo),
        ("/api/v1/media", UploadKind::PostImage),
        ("/api/v1/attachments", UploadKind::Attachment),
        ("/api/v1/contacts/import", UploadKind::Contacts),
    ] {
        let form = &doc["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]
            ["schema"]["$ref"];
        let name = form.as_str().unwrap().rsplit('/').next().unwrap();
        let form = &doc["components"]["schemas"][name];
        assert_eq!(form["required"], json!([kind.field()]), "{path}");
        assert_eq!(form["additionalProperties"], false, "{path}");
    }
}

fn pattern(doc: &Value, schema: &str, field: &str) -> regex::Regex {
    let p = doc["components"]["schemas"][schema]["properties"][field]["pattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{schema}.{field} has a pattern"));
    regex::Regex::new(p).unwrap()
}

/// The patterns say what core's parsers accept: each sample is accepted by both or by
/// neither.
#[tokio::test]
async fn text_patterns_agree_with_cores_checks() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let name = pattern(&doc, "SignupRequest", "name");
    let headline = pattern(&doc, "ProfileRequest", "headline");
    let about = pattern(&doc, "ProfileRequest", "about");
    let long = |n: usize| "x".repeat(n);
    let samples = [
        String::new(),
        " ".into(),
        "\u{3000}\t".into(),
        "a".into(),
        " a ".into(),
        "a b".into(),
        "a\nb".into(),
        "\na\n".into(),
        "a\u{7}".into(),
        "a\u{85}b".into(),
        "a\u{1c}".into(),
        "\u{1c}a".into(),
        "é ü 漢字 🙂".into(),
        long(lengths::NAME),
        long(lengths::NAME + 1),
        format!("  {}  ", long(lengths::NAME)),
        long(lengths::HEADLINE),
        long(lengths::HEADLINE + 1),
        format!("{}\n", long(lengths::HEADLINE)),
        long(lengths::ABOUT + 1),
        format!("a\n{}", long(lengths::ABOUT - 2)),
    ];
    for s in &samples {
        let core = domain::display_name(s).is_ok();
        assert_eq!(name.is_match(s), core, "name {s:?}");
        let core = domain::optional_line(s, "Headline", lengths::HEADLINE).is_ok();
        assert_eq!(headline.is_match(s), core, "headline {s:?}");
        let core = domain::optional_text(s, "About", lengths::ABOUT).is_ok();
        assert_eq!(about.is_match(s), core, "about {s:?}");
    }
}

#[tokio::test]
async fn month_and_handle_patterns_agree_with_cores_parsers() {
    let app = TestApp::new().await;
    let doc = document(&app).await;
    let month = pattern(&doc, "PositionRequest", "start");
    for year in [1000, 1899, 1900, 1999, 2026, 2099, 2100, 2101, 9999] {
        for m in ["00", "01", "09", "10", "12", "13", "1"] {
            let s = format!("{year}-{m}");
            assert_eq!(month.is_match(&s), YearMonth::parse(&s).is_ok(), "{s}");
        }
    }
    let years = &doc["components"]["schemas"]["EducationRequest"]["properties"]["start_year"];
    assert_eq!(years["minimum"], *domain::YEARS.start());
    assert_eq!(years["maximum"], *domain::YEARS.end());
    let handle = &doc["components"]["schemas"]["HandleRequest"]["properties"]["handle"];
    let re = regex::Regex::new(handle["pattern"].as_str().unwrap()).unwrap();
    let (min, max) = (
        handle["minLength"].as_u64().unwrap() as usize,
        handle["maxLength"].as_u64().unwrap() as usize,
    );
    for s in [
        "ab", "abc", "Abc", "a-b-c", "a--b", "a-", "-a", "1ab", "ann-lee2", "ann_lee", "ann lee",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(["a".repeat(lengths::HANDLE), "a".repeat(lengths::HANDLE + 1)])
    {
        let schema = re.is_match(&s) && (min..=max).contains(&s.chars().count());
        assert_eq!(schema, domain::Handle::parse(&s).is_ok(), "{s:?}");
    }
}
