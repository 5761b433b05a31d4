//! `Browser`: one Chromium session pointed at one test server, with the few actions the tests
//! use. Every lookup waits (up to `WAIT`) instead of sleeping, and every failure says where the
//! browser was and what the page said.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::Value;

use crate::driver::Driver;

/// How long a wait lasts before the test fails: generous, for 2 busy cores.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Browser {
    pub client: Client,
    /// `http://127.0.0.1:PORT` of the test server.
    pub base: String,
    session_id: Option<String>,
    driver: Arc<Driver>,
    /// Chromium's profile directory; removed after the session is gone (fields drop after
    /// `Drop::drop` has run).
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = &self.session_id {
            self.driver.delete_session(id);
        }
    }
}

impl Browser {
    /// A desktop browser (1280×900).
    pub async fn desktop(base: &str) -> Browser {
        Browser::open(base, None, &[]).await
    }

    /// A desktop browser whose system asks for dark colours (`prefers-color-scheme: dark`).
    pub async fn desktop_in_dark_mode(base: &str) -> Browser {
        Browser::open(base, None, &["--blink-settings=preferredColorScheme=0"]).await
    }

    /// A phone: Chrome's device emulation at `width`×`height` CSS pixels.
    pub async fn phone(base: &str, width: u32, height: u32) -> Browser {
        Browser::open(base, Some((width, height)), &[]).await
    }

    async fn open(base: &str, phone: Option<(u32, u32)>, extra_args: &[&str]) -> Browser {
        let driver = Driver::shared();
        let profile = tempfile::Builder::new()
            .prefix("guild-chromium-")
            .tempdir()
            .expect("profile dir");
        let caps = Driver::capabilities(profile.path(), phone, extra_args);
        // chromedriver speaks plain HTTP on loopback: no TLS, so no crypto provider to pick.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "could not start a Chromium session via chromedriver on port {}: {e}",
                    driver.port()
                )
            });
        let session_id = client.session_id().await.ok().flatten();
        Browser {
            client,
            base: base.trim_end_matches('/').to_string(),
            session_id,
            driver,
            _profile: profile,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens `path` of the test server and waits for the page to load.
    pub async fn goto(&self, path: &str) {
        let url = self.url(path);
        if let Err(e) = self.client.goto(&url).await {
            self.fail(&format!("could not open {url}: {e}")).await;
        }
    }

    /// The current path (and query), e.g. `/me/edit`.
    pub async fn path(&self) -> String {
        self.js_str("return location.pathname + location.search")
            .await
    }

    /// Runs a script in the page (WebDriver's script execution is not bound by the page's CSP).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(v) => v,
            Err(e) => self.fail(&format!("script failed: {e}\n{script}")).await,
        }
    }

    pub async fn js_str(&self, script: &str) -> String {
        match self.js(script, vec![]).await {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }

    /// Waits until the JavaScript expression `expr` is truthy on the current page.
    pub async fn wait_js(&self, what: &str, expr: &str) {
        let script = format!("return !!({expr});");
        let start = Instant::now();
        let mut last_err = String::new();
        while start.elapsed() < WAIT {
            match self.client.execute(&script, vec![]).await {
                Ok(Value::Bool(true)) => return,
                Ok(_) => {}
                // During a navigation the old document can vanish under the script.
                Err(e) => last_err = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(&format!(
            "timed out after {WAIT:?} waiting for {what} (`{expr}`) {last_err}"
        ))
        .await
    }

    /// Waits until the page's path is `path`.
    pub async fn wait_path(&self, path: &str) {
        let expr = format!(
            "location.pathname === {} && document.readyState === 'complete'",
            Value::from(path)
        );
        self.wait_js(&format!("the page {path}"), &expr).await;
    }

    /// The first element matching `css`, waiting for it to appear, scrolled to the middle of
    /// the screen: as a member would before tapping it, and clear of the sticky top bar and
    /// the phone's tab bar (WebDriver's own scrolling puts it under one of them).
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => {
                if let Ok(arg) = serde_json::to_value(&e) {
                    let _ = self
                        .client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
                            vec![arg],
                        )
                        .await;
                }
                e
            }
            Err(e) => {
                self.fail(&format!("no element `{css}` after {WAIT:?}: {e}"))
                    .await
            }
        }
    }

    /// Every element matching `css` now (no waiting).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let el = self.find(css).await;
        el.text().await.unwrap_or_default().trim().to_string()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.ok().flatten()
    }

    /// Clears a text field or textarea and types `value` into it.
    pub async fn fill(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.clear().await {
            self.fail(&format!("could not clear `{css}`: {e}")).await;
        }
        if !value.is_empty() {
            if let Err(e) = el.send_keys(value).await {
                self.fail(&format!("could not type into `{css}`: {e}"))
                    .await;
            }
        }
    }

    /// Chooses the option with `value` in a `<select>`.
    pub async fn select(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.select_by_value(value).await {
            self.fail(&format!("could not choose `{value}` in `{css}`: {e}"))
                .await;
        }
    }

    /// Sets a field's value by script (for `<input type="month">`, which is awkward to type
    /// into), firing `input` and `change` as typing would, and checks the browser kept it.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        let kept = self
            .js(
                "const el = document.querySelector(arguments[0]);
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));
                 return el.value;",
                vec![css.into(), value.into()],
            )
            .await;
        if kept.as_str() != Some(value) {
            self.fail(&format!(
                "`{css}` did not keep the value {value:?} (it has {kept})"
            ))
            .await;
        }
    }

    /// Clicks the submit button of the form `form_css` and waits for the next page to load.
    pub async fn submit(&self, form_css: &str) {
        self.click_and_wait(&format!(
            "{form_css} [type=submit], {form_css} button:not([type])"
        ))
        .await;
    }

    /// Clicks the element `css` (a submit button, a link) and waits for the next page to load.
    pub async fn click_and_wait(&self, css: &str) {
        let el = self.find(css).await;
        self.mark_page().await;
        if let Err(e) = el.click().await {
            self.fail(&format!("could not click `{css}`: {e}")).await;
        }
        self.wait_for_new_page(&format!("the page after clicking `{css}`"))
            .await;
    }

    /// Waits for a page other than the one marked by `submit`/`mark_page` to finish loading.
    pub async fn wait_for_new_page(&self, what: &str) {
        self.wait_js(
            what,
            "window.__guildStale === undefined && document.readyState === 'complete'",
        )
        .await;
    }

    /// Marks the current document, so that `wait_for_new_page` can tell when it is replaced.
    pub async fn mark_page(&self) {
        self.js("window.__guildStale = true; return null;", vec![])
            .await;
    }

    /// Presses keys on whatever has the focus, as a person at a keyboard would. `keys` may hold
    /// `fantoccini::key::Key` characters (Tab, Enter…).
    pub async fn press(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for c in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        if let Err(e) = self.client.perform_actions(actions).await {
            self.fail(&format!("could not press keys: {e}")).await;
        }
    }

    /// Describes the focused element, e.g. `input[name=password]`.
    pub async fn focused(&self) -> String {
        self.js_str(
            "const a = document.activeElement;
             return a ? a.tagName.toLowerCase() + (a.name ? '[name=' + a.name + ']' : '') + (a.id ? '#' + a.id : '') : '';",
        )
        .await
    }

    /// The HTML of the current document.
    pub async fn source(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    /// Saves a PNG of the viewport to `target/screenshots/{name}.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/screenshots"
        ));
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            Err(e) => self.fail(&format!("screenshot failed: {e}")).await,
        };
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Fails the test, saying where the browser is and what the page shows.
    pub async fn fail(&self, msg: &str) -> ! {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let text = match self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
        {
            Ok(Value::String(s)) => s,
            _ => String::new(),
        };
        let text: String = text.chars().take(2000).collect();
        panic!("{msg}\n  at: {url}\n  page text:\n{text}\n");
    }
}
