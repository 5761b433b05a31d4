//! The frame every page shares: the theme switch of Settings (a cookie the frame reads) and
//! the main navigation's current tab.

use super::*;

#[tokio::test]
async fn the_theme_switch_keeps_the_choice_for_this_browser() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;

    // By default the page follows the device.
    let home = app.get("/").session(&ann).send().await;
    home.assert_status(200);
    assert!(home
        .text()
        .contains("<html lang=\"en\" data-theme=\"system\">"));
    assert!(home
        .text()
        .contains("<meta name=\"color-scheme\" content=\"light dark\">"));
    let settings = app.get("/settings").session(&ann).send().await;
    assert!(
        settings
            .text()
            .contains("value=\"system\" checked><label for=\"theme-system\">Same as my device"),
        "the current choice is ticked"
    );

    let r = app
        .post("/settings/theme")
        .session(&ann)
        .form(&[("theme", "dark")])
        .send()
        .await;
    r.assert_status(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/settings#theme-section")
    );
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("guild_theme="))
        .expect("the choice is kept in a cookie")
        .to_string();
    let flash = r.flash_cookie().expect("a confirmation for the next page");
    assert!(
        cookie.starts_with("guild_theme=dark;") && cookie.contains("Max-Age=31536000"),
        "{cookie}"
    );

    let both = format!("{}; guild_theme=dark", ann.cookie);
    let home = app.get("/").cookie(&both).send().await;
    assert!(home.text().contains("data-theme=\"dark\""));
    assert!(home
        .text()
        .contains("<meta name=\"color-scheme\" content=\"dark\">"));
    let settings = app
        .get("/settings")
        .cookie(&format!("{both}; {flash}"))
        .send()
        .await;
    assert!(settings
        .text()
        .contains("value=\"dark\" checked><label for=\"theme-dark\">Dark"));
    assert!(settings.text().contains("Theme saved for this browser."));

    // Pages for signed-out visitors read it too.
    let signin = app.get("/signin").cookie("guild_theme=light").send().await;
    assert!(signin.text().contains("data-theme=\"light\""));
    // A cookie naming no theme is the device's.
    let odd = app
        .get("/signin")
        .cookie("guild_theme=%3Cscript%3E")
        .send()
        .await;
    assert!(odd.text().contains("data-theme=\"system\""));
}

#[tokio::test]
async fn a_theme_that_does_not_exist_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    for body in [&[("theme", "purple")][..], &[][..]] {
        let r = app
            .post("/settings/theme")
            .session(&ann)
            .form(body)
            .send()
            .await;
        r.assert_status(400);
        assert!(r.header("set-cookie").is_none(), "nothing is kept");
        assert!(
            r.text().contains("same as my device, light or dark"),
            "{}",
            r.text()
        );
    }
}

#[tokio::test]
async fn the_main_navigation_marks_the_current_tab() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    // The aria-current of the tab linking to `href` (only the main navigation's links have one).
    let tab = |html: &str, href: &str| -> String {
        let marker = format!("href=\"{href}\" aria-current=\"");
        let at = html
            .find(&marker)
            .unwrap_or_else(|| panic!("no tab for {href}"));
        let rest = &html[at + marker.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let network = app.get("/network").session(&ann).send().await.text();
    assert_eq!(tab(&network, "/network"), "true");
    assert_eq!(tab(&network, "/"), "false");
    assert_eq!(tab(&network, "/messages"), "false");
    let home = app.get("/").session(&ann).send().await.text();
    assert_eq!(tab(&home, "/"), "true");
    assert_eq!(tab(&home, "/network"), "false");
    let thread_list = app.get("/messages").session(&ann).send().await.text();
    assert_eq!(tab(&thread_list, "/messages"), "true");
    // The phone's tab bar has the composer; the menu keeps the directory within reach.
    assert!(home.contains("<a class=\"tab tab-phone\" href=\"/#composer\">"));
    assert!(home.contains("<li><a href=\"/members\">Members</a></li>"));
}
