//! Integration tests through the router (no socket): every API route and page, including the
//! failures and another member's attempts. Runs on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod affinity;
mod api_accounts;
mod api_feed;
mod api_fuzzed;
mod api_members;
mod api_messages;
mod api_network;
mod api_network_graph;
mod api_network_links;
mod api_network_rules;
mod api_notifications;
mod api_posts;
mod api_profile;
mod contrast;
mod doors;
mod emails;
mod forms_feedback;
mod nodes;
mod openapi;
mod ops;
mod ops_promtool;
mod pages;
mod pieces;
mod seams;
mod security;
mod suggestions;
