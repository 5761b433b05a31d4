//! Browser tests: Debian's Chromium, driven through ChromeDriver with `fantoccini`, against a
//! Guild served on `127.0.0.1:0` with a fresh database, through the flows a member uses.
//!
//! Needs `chromium` and `chromedriver` (paths from `CHROME` and `CHROMEDRIVER`, defaults
//! `/usr/bin/chromium` and `chromedriver` on `PATH`); `bash scripts/test.sh` installs both.
//! Screenshots go to `target/screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod driver;
mod flows;

mod feed_journey;
mod feed_look;
mod feed_phone;
mod feed_xss;
mod forms;
mod keyboard;
mod look;
mod messages_journey;
mod msg;
mod network_journey;
mod phone;
mod picker;
mod profile_journey;
mod sign_in_guard;
mod xss;
